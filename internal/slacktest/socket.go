package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Socket Mode side: the websocket Slack's apps.connections.open URL leads
// to. Slack greets with hello, sends envelopes, expects acks by envelope_id,
// pings every few seconds, and asks clients to reconnect with disconnect.

const debugHost = "applink-emulator-1"

// Ack is a Socket Mode acknowledgement received for an envelope, or in
// HTTP mode the app's answer to the POST.
type Ack struct {
	EnvelopeID string          // Socket Mode only
	Payload    json.RawMessage // nil when the ack carried no payload (HTTP: no JSON body)
	Latency    time.Duration   // from writing the envelope (HTTP: the first POST) to reading the ack
	// Sent is when the envelope was written (HTTP: the first POST), set
	// even when no ack came; a reply's latency is Posted.At minus Sent.
	Sent time.Time

	// HTTP mode only, of the last POST, set also when it failed.
	Status   int    // the HTTP status answered; 0 when none came
	Target   string // the URL it went to
	Attempts int    // POSTs made: 1, plus Slack's retries of an event
}

type wsConn struct {
	ws   *websocket.Conn
	wmu  sync.Mutex // gorilla allows one writer of data frames at a time
	done chan struct{}
	once sync.Once
}

func (c *wsConn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// shutdown sends a close frame (best effort) and drops the connection.
func (c *wsConn) shutdown(code int, reason string) {
	c.once.Do(func() {
		_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
		_ = c.ws.Close()
	})
}

type ackResult struct {
	ack Ack
	err error
}

type pendingAck struct {
	ch   chan ackResult // buffered 1
	sent time.Time
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	call := Call{Method: "websocket", At: time.Now(), Params: map[string]string{"app_id": r.URL.Query().Get("app_id")}}
	if f, ok := s.takeFault("websocket"); ok {
		if err := s.sleepCtx(r.Context(), f.Delay); err != nil {
			return
		}
		if f.Status != 0 && f.Status != http.StatusOK {
			call.Status, call.Error = f.Status, http.StatusText(f.Status)
			s.record(call)
			http.Error(w, http.StatusText(f.Status), f.Status)
			return
		}
	}
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	_, ok := s.tickets.m[ticket]
	delete(s.tickets.m, ticket) // tickets are single use
	s.mu.Unlock()
	if !ok {
		call.Status, call.Error = http.StatusUnauthorized, "invalid_ticket"
		s.record(call)
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	// slack-go dials with Origin https://api.slack.com: no origin check.
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		call.Status, call.Error = http.StatusBadRequest, "upgrade_failed"
		s.record(call)
		return
	}
	ws.SetReadLimit(1 << 20)
	c := &wsConn{ws: ws, done: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	s.all[c] = struct{}{}
	// The connection is hijacked: Close must wait for this handler and
	// the pinger itself.
	s.wg.Add(2)
	num := len(s.conns) + 1
	s.mu.Unlock()
	defer s.wg.Done()
	call.Status = http.StatusSwitchingProtocols
	s.record(call)

	go func() {
		defer s.wg.Done()
		s.pinger(c)
	}()
	defer s.dropConn(c)

	hello := obj{
		"type":            "hello",
		"num_connections": num,
		"debug_info":      obj{"host": debugHost, "build_number": 1, "approximate_connection_time": 18060},
		"connection_info": obj{"app_id": s.cfg.AppID},
	}
	if err := c.write(mustJSON(hello)); err != nil {
		return
	}
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.connects++
	s.notifyLocked()
	s.mu.Unlock()
	s.readLoop(c)
}

func (s *Server) dropConn(c *wsConn) {
	s.mu.Lock()
	delete(s.all, c)
	s.conns = slices.DeleteFunc(s.conns, func(x *wsConn) bool { return x == c })
	s.notifyLocked()
	s.mu.Unlock()
	c.shutdown(websocket.CloseNormalClosure, "")
	close(c.done)
}

func (s *Server) pinger(c *wsConn) {
	t := time.NewTicker(s.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.ctx.Done():
			return
		case <-t.C:
			if s.pings.Load() {
				_ = c.ws.WriteControl(websocket.PingMessage, []byte("emu"), time.Now().Add(writeTimeout))
			}
		}
	}
}

func (s *Server) readLoop(c *wsConn) {
	for {
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		if typ == websocket.TextMessage {
			s.handleAck(data)
		}
	}
}

// handleAck matches an ack frame to the move waiting for it.
func (s *Server) handleAck(data []byte) {
	now := time.Now()
	call := Call{Method: "socket_mode.ack", At: now}
	var a ackFrame
	if err := json.Unmarshal(data, &a); err != nil {
		call.Error = "invalid_json"
		if s.details() {
			call.Body = mustJSON(string(data))
		}
		s.record(call)
		return
	}
	if string(a.Payload) == "null" {
		a.Payload = nil
	}
	if s.details() {
		call.Body = json.RawMessage(data)
		call.Params = map[string]string{"envelope_id": a.EnvelopeID}
		if a.Payload != nil {
			call.Params["payload"] = string(a.Payload)
		}
	}
	tooLarge := len(data) >= maxAckBytes
	s.mu.Lock()
	p := s.pending[a.EnvelopeID]
	delete(s.pending, a.EnvelopeID)
	s.mu.Unlock()
	switch {
	case tooLarge:
		call.Error = "payload_too_large"
	case p == nil:
		call.Error = "unknown_envelope_id"
	}
	s.record(call)
	if p == nil {
		return
	}
	r := ackResult{ack: Ack{EnvelopeID: a.EnvelopeID, Payload: a.Payload, Latency: now.Sub(p.sent), Sent: p.sent}}
	if tooLarge {
		r.err = fmt.Errorf("%w: %d bytes", ErrAckTooLarge, len(data))
	}
	p.ch <- r
}

// ackFrame is what an ack says.
type ackFrame struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// pickConn returns the next connection in round-robin order, waiting (up
// to AckTimeout) for one if none is open.
func (s *Server) pickConn(ctx context.Context) (*wsConn, error) {
	s.mu.Lock()
	if n := len(s.conns); n > 0 && !s.closed { // the usual case: no timer to set up
		c := s.conns[s.rr%n]
		s.rr++
		s.mu.Unlock()
		return c, nil
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeoutCause(ctx, s.cfg.AckTimeout, ErrNotConnected)
	defer cancel()
	var c *wsConn
	err := s.waitFor(ctx, func() bool {
		if len(s.conns) == 0 {
			return false
		}
		c = s.conns[s.rr%len(s.conns)]
		s.rr++
		return true
	})
	if err != nil {
		if errors.Is(context.Cause(ctx), ErrNotConnected) {
			return nil, ErrNotConnected
		}
		return nil, err
	}
	return c, nil
}

type envelope struct {
	EnvelopeID             string  `json:"envelope_id"`
	Payload                any     `json:"payload"` // a value, or JSON
	Type                   string  `json:"type"`
	AcceptsResponsePayload bool    `json:"accepts_response_payload"`
	RetryAttempt           *int    `json:"retry_attempt,omitempty"`
	RetryReason            *string `json:"retry_reason,omitempty"`
}

// SendEnvelope sends payload in an envelope of type typ ("events_api",
// "slash_commands", "interactive", or anything else a test wants) to one
// connected client and waits for its ack. In HTTP mode it POSTs the
// payload as Slack would (only those three types).
func (s *Server) SendEnvelope(ctx context.Context, typ string, payload json.RawMessage, acceptsResponsePayload bool) (Ack, error) {
	return s.send(ctx, typ, payload, acceptsResponsePayload)
}

func (s *Server) send(ctx context.Context, typ string, payload any, acceptsResponsePayload bool) (Ack, error) {
	env := envelope{EnvelopeID: envelopeID(), Payload: payload, Type: typ, AcceptsResponsePayload: acceptsResponsePayload}
	if typ == "events_api" {
		zero, none := 0, ""
		env.RetryAttempt, env.RetryReason = &zero, &none
	}
	return s.deliverEnvelope(ctx, env)
}

// deliverEnvelope sends env to the app and waits for its ack: the one
// place a move reaches the app, over Socket Mode or, with HTTP targets,
// over HTTP.
func (s *Server) deliverEnvelope(ctx context.Context, env envelope) (Ack, error) {
	if targets, i := s.nextTarget(); targets != nil {
		return s.deliverHTTP(ctx, env, targets, i)
	}
	frame, err := json.Marshal(env)
	if err != nil {
		return Ack{}, fmt.Errorf("slacktest: envelope: %w", err)
	}
	c, err := s.pickConn(ctx)
	if err != nil {
		return Ack{}, err
	}
	// sent is set before the ack can be looked up, so latency includes the write.
	p := &pendingAck{ch: make(chan ackResult, 1), sent: time.Now()}
	s.mu.Lock()
	s.pending[env.EnvelopeID] = p
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, env.EnvelopeID)
		s.mu.Unlock()
	}()
	if err := c.write(frame); err != nil {
		return Ack{}, fmt.Errorf("slacktest: write envelope: %w", err)
	}
	t := time.NewTimer(s.cfg.AckTimeout)
	defer t.Stop()
	noAck := Ack{EnvelopeID: env.EnvelopeID, Sent: p.sent}
	select {
	case r := <-p.ch:
		return r.ack, r.err
	case <-c.done:
		select { // the ack may have raced the close
		case r := <-p.ch:
			return r.ack, r.err
		default:
		}
		return noAck, ErrConnectionLost
	case <-t.C:
		return noAck, fmt.Errorf("%w (%s, envelope %s)", ErrAckTimeout, env.Type, env.EnvelopeID)
	case <-ctx.Done():
		return noAck, ctx.Err()
	case <-s.ctx.Done():
		return noAck, ErrClosed
	}
}

// SendRaw writes frame, as is, to one connected Socket Mode client; for
// malformed-input tests (over HTTP, see PostSigned).
func (s *Server) SendRaw(ctx context.Context, frame []byte) error {
	c, err := s.pickConn(ctx)
	if err != nil {
		return err
	}
	return c.write(frame)
}

// Disconnect sends {"type":"disconnect","reason":reason} to every open
// connection, stops sending them envelopes, and closes them shortly after
// (at once if the client hangs up first), as Slack does when it refreshes
// a connection. Reasons Slack uses: "warning", "refresh_requested",
// "link_disabled".
func (s *Server) Disconnect(reason string) error {
	s.mu.Lock()
	conns := slices.Clone(s.conns)
	s.conns = nil
	s.notifyLocked()
	s.mu.Unlock()
	if len(conns) == 0 {
		return ErrNotConnected
	}
	frame := mustJSON(obj{"type": "disconnect", "reason": reason, "debug_info": obj{"host": debugHost}})
	var errs []string
	for _, c := range conns {
		if err := c.write(frame); err != nil {
			errs = append(errs, err.Error())
		}
		ok := s.goTracked(func() {
			t := time.NewTimer(time.Second)
			defer t.Stop()
			select {
			case <-c.done:
			case <-t.C:
			case <-s.ctx.Done():
			}
			c.shutdown(websocket.CloseNormalClosure, reason)
		})
		if !ok {
			c.shutdown(websocket.CloseGoingAway, "server closing")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("slacktest: disconnect: %s", strings.Join(errs, "; "))
	}
	return nil
}

// WaitConnected blocks until a Socket Mode client is connected and has
// been sent hello.
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.waitFor(ctx, func() bool { return len(s.conns) > 0 })
}

// WaitConnects blocks until n connections have been made since Start, so a
// test can see a client reconnect.
func (s *Server) WaitConnects(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.connects >= n && len(s.conns) > 0 })
}

// Connected is the number of connections currently taking envelopes.
func (s *Server) Connected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Connects is the number of connections made since Start.
func (s *Server) Connects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}
