package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/gorilla/websocket"
	"go.uber.org/zap"
)

// Socket Mode, as Slack documents it: apps.connections.open (app token)
// gives a wss:// URL; Slack says hello on it, sends envelopes (events_api,
// slash_commands, interactive) that must be acknowledged with their
// envelope_id within 3 s, pings every few seconds, and asks the app to
// reconnect with a disconnect envelope and a reason (refresh_requested,
// warning, link_disabled when an admin turned Socket Mode off).
//
// One connection at a time. Its reader goroutine only reads frames (and
// answers pings, inside gorilla's reader); Run's goroutine decodes each
// envelope, acknowledges it and calls the handler, in order. On shutdown
// the reader is stopped and every frame it read is still handled, so an
// envelope is either acknowledged and handled or never read (Slack then
// delivers it again).

const (
	// readLimit bounds one frame. Slack's are far smaller; a bigger one
	// drops that connection, which is redialled, and cannot exhaust memory.
	readLimit = 1<<20 + 64<<10
	// ackTimeout bounds writing one ack: a dead connection must not stall
	// the handler.
	ackTimeout = 2 * time.Second
	// frameQueue is how many read frames may wait for the handler.
	frameQueue = 64
)

// envelope is what every Socket Mode frame holds.
type envelope struct {
	Type       string          `json:"type"`
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
	Reason     string          `json:"reason"` // disconnect
}

// session is what outlives one connection.
type session struct {
	bo         *backoff
	linkLogged bool // link_disabled is logged once per outage
}

// runSocket connects and reconnects until ctx ends (nil) or Slack refuses
// the app token (an error).
func (c *Client) runSocket(ctx context.Context, h Handler) error {
	s := &session{bo: newBackoff(reconnectBase, c.cfg.ReconnectMax)}
	for {
		ws, err := c.dial(ctx)
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			if ws != nil {
				_ = ws.Close()
			}
			return nil
		case err != nil:
			if code, ok := fatalAuth(err); ok {
				return fmt.Errorf("slack refused the app token (SLACK_APP_TOKEN): apps.connections.open: %s", code)
			}
			wait = s.bo.next(retryAfter(err))
			c.ready.Down("cannot connect")
			c.metrics.Reconnect("connect_error")
			c.log.Warn("cannot connect to Slack; retrying", zap.Error(err), zap.Duration("in", wait))
		default:
			end := c.serveConn(ctx, s, ws, h)
			if ctx.Err() != nil {
				return nil
			}
			wait = c.afterConnection(s, end)
		}
		if ctx.Err() != nil || !sleepCtx(ctx, wait) {
			return nil
		}
	}
}

// dial opens a Socket Mode connection.
func (c *Client) dial(ctx context.Context) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.SlackTimeout)
	defer cancel()
	resp, err := c.web.postJSON(ctx, "apps.connections.open", c.cfg.AppToken, []byte("{}"))
	c.metrics.SlackCall("apps.connections.open", callStatus(err))
	if err != nil {
		return nil, fmt.Errorf("apps.connections.open: %w", err)
	}
	d := websocket.Dialer{Proxy: c.proxy, HandshakeTimeout: c.cfg.SlackTimeout}
	ws, hs, err := d.DialContext(ctx, resp.URL, nil)
	if hs != nil && hs.Body != nil {
		_ = hs.Body.Close()
	}
	if err != nil {
		// The error names the host, never the URL's ticket.
		return nil, fmt.Errorf("dial the socket: %w", err)
	}
	return ws, nil
}

// ended says why a connection ended.
type ended struct {
	reason    string // Slack's disconnect reason, "ping_timeout" or "connection_lost"
	requested bool   // Slack asked for it
	hello     bool   // Slack said hello: the connection worked
}

// afterConnection records why a connection ended and says how long to wait
// before the next.
func (c *Client) afterConnection(s *session, e ended) time.Duration {
	if e.hello {
		s.bo.reset()
	}
	switch {
	case e.requested && e.reason == "link_disabled":
		c.ready.Down("link_disabled: Socket Mode is turned off for this app")
		c.metrics.Reconnect(e.reason)
		if !s.linkLogged {
			s.linkLogged = true
			c.log.Error("Slack turned Socket Mode off for this app (link_disabled); turn it back on in the app's settings. Retrying slowly.",
				zap.Duration("retry_every", c.cfg.LinkDisabledRetry))
		}
		return c.cfg.LinkDisabledRetry
	case e.requested:
		reason := e.reason
		if reason == "" {
			reason = "unknown"
		}
		reason = clip(reason, 60)
		c.ready.Down(reason)
		c.metrics.Reconnect(reason)
		c.log.Info("Slack asked to reconnect", zap.String("reason", reason))
		return 0
	}
	c.ready.Down(e.reason)
	c.metrics.Reconnect(e.reason)
	c.log.Warn("lost the connection to Slack; reconnecting", zap.String("reason", e.reason))
	return s.bo.next(0)
}

// conn is one live connection.
type conn struct {
	ws       *websocket.Conn
	wmu      sync.Mutex   // one writer of data frames at a time
	lastPing atomic.Int64 // unix nanoseconds of the last ping from Slack
}

// serveConn serves one connection until ctx ends, Slack asks to
// reconnect, pings stop or the connection breaks.
func (c *Client) serveConn(ctx context.Context, s *session, ws *websocket.Conn, h Handler) ended {
	cn := &conn{ws: ws}
	ws.SetReadLimit(readLimit)
	cn.lastPing.Store(time.Now().UnixNano())
	ws.SetPingHandler(func(data string) error {
		cn.lastPing.Store(time.Now().UnixNano())
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(ackTimeout))
		var ne net.Error
		if errors.Is(err, websocket.ErrCloseSent) || errors.As(err, &ne) && ne.Timeout() {
			return nil // as gorilla's own handler: a pong that cannot go is not a read error
		}
		return err
	})

	frames := make(chan frame, frameQueue)
	go func() {
		defer close(frames)
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			frames <- frame{data, time.Now()}
		}
	}()

	check := time.NewTicker(max(c.cfg.PingTimeout/4, 10*time.Millisecond))
	defer check.Stop()
	var end ended
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case f, ok := <-frames:
			if !ok {
				end.reason = "connection_lost"
				break loop
			}
			if c.handleFrame(s, cn, f, h, &end) {
				break loop
			}
		case now := <-check.C:
			if now.Sub(time.Unix(0, cn.lastPing.Load())) > c.cfg.PingTimeout {
				end.reason = "ping_timeout"
				break loop
			}
		}
	}
	// Stop the reader, then handle what it had read: those envelopes
	// were taken from Slack and are answered, not dropped.
	_ = ws.SetReadDeadline(time.Now())
	for f := range frames {
		c.handleFrame(s, cn, f, h, &end)
	}
	_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	_ = ws.Close()
	return end
}

// frame is one message read from the socket, and when.
type frame struct {
	data []byte
	read time.Time
}

// handleFrame handles one frame; it reports whether Slack asked to
// reconnect.
func (c *Client) handleFrame(s *session, cn *conn, f frame, h Handler, end *ended) bool {
	received := f.read
	var env envelope
	if err := json.Unmarshal(f.data, &env); err != nil {
		// No envelope_id can be trusted from it: Slack will redeliver.
		c.unreadable(received, "", "dropped", err)
		return false
	}
	switch env.Type {
	case "hello":
		end.hello = true
		c.ready.Up()
		c.log.Info("connected to Slack")
		return false
	case "disconnect":
		end.requested, end.reason = true, env.Reason
		return true
	}
	s.linkLogged = false // Slack is sending work again
	req := &Request{ID: env.EnvelopeID, Received: received}
	if env.EnvelopeID != "" {
		req.send = func(payload []byte) error { return cn.ack(env.EnvelopeID, payload) }
		req.onAck = func(took time.Duration) { c.metrics.Acked(took.Seconds()) }
	}
	var ackErr error
	if env.Type == "events_api" {
		// Acknowledge first: events carry nothing to say back.
		if ackErr = req.Ack(); ackErr != nil {
			c.log.Warn("ack failed", zap.String("envelope_id", env.EnvelopeID), zap.Error(ackErr))
		}
	}
	var err error
	req.Event, err = decodeEnvelope(env)
	if err == nil {
		c.sanitize(req.Event)
		c.dispatch(req, h)
		return false
	}
	outcome := "dropped" // left to Slack's redelivery
	if !req.Acked() {
		ackErr = req.Ack()
	}
	if req.send != nil && ackErr == nil {
		outcome = "acked"
	}
	if !errors.Is(err, errIgnored) {
		c.unreadable(received, env.EnvelopeID, outcome, err)
	}
	return false
}

// decodeEnvelope reads the event an envelope carries.
func decodeEnvelope(env envelope) (Event, error) {
	switch env.Type {
	case "events_api":
		return decodeEventsAPI(env.Payload)
	case "slash_commands":
		return decodeCommand(env.Payload)
	case "interactive":
		return decodeInteraction(env.Payload)
	}
	return nil, fmt.Errorf("envelope type %q", clip(env.Type, 40))
}

// dispatch calls the handler and makes sure the request is acknowledged
// whatever the handler did, panics included: Slack would otherwise show
// the user an error, and deliver it again.
func (c *Client) dispatch(req *Request, h Handler) {
	defer func() {
		if v := recover(); v != nil {
			c.metrics.Panic()
			c.log.Error("handler panicked", zap.String("type", req.Event.Kind()), zap.String("request_id", req.ID),
				zap.String("panic", ops.PanicValue(v)), zap.ByteString("stack", debug.Stack()))
		}
		if !req.Acked() {
			if err := req.Ack(); err != nil {
				c.log.Warn("ack failed", zap.String("envelope_id", req.ID), zap.Error(err))
			}
		}
	}()
	h(req)
}

// unreadable counts and logs an envelope that could not be read, without
// its content (which may hold users' text).
func (c *Client) unreadable(received time.Time, envelopeID, outcome string, err error) {
	c.metrics.Envelope("unreadable", outcome, time.Since(received).Seconds())
	c.log.Warn("unreadable envelope", zap.String("envelope_id", clip(envelopeID, 60)), zap.String("outcome", outcome), zap.Error(err))
}

// sanitize drops response_urls that are not Slack's: a payload that names
// another host would make the bot send requests there.
func (c *Client) sanitize(ev Event) {
	switch e := ev.(type) {
	case *Command:
		if !c.responseURLAllowed(e.ResponseURL) {
			e.ResponseURL = ""
		}
	case *BlockActions:
		if !c.responseURLAllowed(e.ResponseURL) {
			e.ResponseURL = ""
		}
	case *MessageShortcut:
		if !c.responseURLAllowed(e.ResponseURL) {
			e.ResponseURL = ""
		}
	}
}

// ack writes one acknowledgement.
func (cn *conn) ack(envelopeID string, payload []byte) error {
	msg, err := json.Marshal(struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload,omitempty"`
	}{envelopeID, payload})
	if err != nil {
		return err
	}
	cn.wmu.Lock()
	defer cn.wmu.Unlock()
	if err := cn.ws.SetWriteDeadline(time.Now().Add(ackTimeout)); err != nil {
		return err
	}
	return cn.ws.WriteMessage(websocket.TextMessage, msg)
}
