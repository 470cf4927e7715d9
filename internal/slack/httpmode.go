package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	slackgo "github.com/slack-go/slack"
	"go.uber.org/zap"
)

// HTTP mode (CONTRACT.md, "HTTP mode"): Slack POSTs every request to one
// path, and the answer to the POST is the acknowledgement. Any number of
// replicas can stand behind one load balancer; the store's event claims
// make each event answered once, whichever replica Slack's retries reach.

// EventsPath is the one path Slack posts to.
const EventsPath = "/slack/events"

// maxBody is the most of a request the bot reads: Slack's are a few KB.
const maxBody = 1 << 20

// slackLimits bound one client's hold on the listener. Slack sends small
// requests and waits 3 s for the answer.
func slackLimits() ops.Limits {
	return ops.Limits{ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 10 * time.Second, Idle: 90 * time.Second, MaxHeaderBytes: 16 << 10}
}

// runHTTP serves Slack's deliveries on ADVISOR_SLACK_ADDR until ctx ends.
// It is ready once listening; at the end it goes unready first, then the
// listener drains the requests in flight.
func (c *Client) runHTTP(ctx context.Context, h Handler) error {
	serveCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	defer stop()
	addr, done, err := ops.Serve(serveCtx, c.cfg.SlackAddr, c.httpHandler(h), slackLimits())
	if err != nil {
		return fmt.Errorf("slack http: %w", err)
	}
	c.log.Info("serving Slack over HTTP", zap.String("addr", addr.String()), zap.String("path", EventsPath))
	c.ready.Up()
	select {
	case <-ctx.Done():
	case err := <-done:
		c.ready.Down("the Slack listener stopped")
		return fmt.Errorf("slack http: %w", err)
	}
	c.ready.Stopping()
	stop()
	if err := <-done; err != nil {
		c.log.Warn("slack http listener", zap.Error(err))
	}
	return nil
}

// httpHandler answers Slack's POSTs, as the contract's table says: every
// refusal a plain status and a short reason, counted by reason, and
// nothing done; everything else 200, with the ack's payload as the body.
func (c *Client) httpHandler(h Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+EventsPath, func(w http.ResponseWriter, r *http.Request) {
		c.serveSlack(w, r, h)
	})
	return mux
}

// refusal is a request answered with a status and nothing done.
type refusal struct {
	status int
	reason string // also the metric's label
}

func (c *Client) refuse(w http.ResponseWriter, received time.Time, f refusal) {
	c.metrics.Refused(f.reason)
	c.metrics.Envelope("unreadable", "refused", time.Since(received).Seconds())
	http.Error(w, f.reason, f.status)
}

func (c *Client) serveSlack(w http.ResponseWriter, r *http.Request, h Handler) {
	received := time.Now()
	body, ct, f := readSlackRequest(w, r)
	if f != nil {
		c.refuse(w, received, *f)
		return
	}
	// Slack's certificate check comes unsigned and asks for nothing.
	if ct == "application/x-www-form-urlencoded" {
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("ssl_check") == "1" {
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	if err := c.verify(r.Header, body); err != nil {
		c.refuse(w, received, refusal{http.StatusUnauthorized, "bad signature"})
		return
	}
	// Commands and interactions carry no id of their own: this one names
	// the request in the log.
	req := &Request{ID: "http-" + strconv.FormatUint(c.requests.Add(1), 36) + "-" + strconv.FormatInt(received.UnixNano()%1e6, 36), Received: received}
	var (
		ev  Event
		err error
	)
	switch ct {
	case "application/json":
		var outer struct {
			Type      string `json:"type"`
			Challenge string `json:"challenge"`
			EventID   string `json:"event_id"`
		}
		if err := json.Unmarshal(body, &outer); err != nil {
			// Signed, so Slack's, but unreadable: a retry would be too.
			c.unreadable(received, req.ID, "acked", fmt.Errorf("events api: %w", err))
			w.WriteHeader(http.StatusOK)
			return
		}
		if outer.Type == "url_verification" {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, outer.Challenge)
			return
		}
		req.ID = outer.EventID
		ev, err = decodeEventsAPI(body)
	default:
		form, perr := url.ParseQuery(string(body))
		switch {
		case perr != nil:
			err = perr
		case form.Has("payload"):
			ev, err = decodeInteraction(json.RawMessage(form.Get("payload")))
		default:
			ev, err = commandFromForm(form)
		}
	}
	if err != nil {
		if !errors.Is(err, errIgnored) {
			c.unreadable(received, req.ID, "acked", err)
		}
		w.WriteHeader(http.StatusOK) // read and understood as nothing to do: Slack must not retry it
		return
	}
	if n := r.Header.Get("X-Slack-Retry-Num"); n != "" {
		// A retry of an event: the event id's claim, in this process and
		// in the store, decides whether it is answered again.
		c.log.Debug("slack retry", zap.String("id", req.ID), zap.String("retry", clip(n, 8)),
			zap.String("reason", clip(r.Header.Get("X-Slack-Retry-Reason"), 40)))
	}
	var payload []byte
	req.send = func(p []byte) error { payload = p; return nil }
	req.onAck = func(took time.Duration) { c.metrics.Acked(took.Seconds()) }
	req.Event = ev
	c.sanitize(ev)
	c.dispatch(req, h)
	if payload == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(payload)))
	_, _ = w.Write(payload)
}

// readSlackRequest reads a request's body once, within maxBody, after
// checking its content type.
func readSlackRequest(w http.ResponseWriter, r *http.Request) ([]byte, string, *refusal) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "application/json" && ct != "application/x-www-form-urlencoded" {
		return nil, "", &refusal{http.StatusUnsupportedMediaType, "unsupported content type"}
	}
	if r.ContentLength > maxBody { // said so up front: nothing to read
		return nil, "", &refusal{http.StatusRequestEntityTooLarge, "body too large"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, "", &refusal{http.StatusRequestEntityTooLarge, "body too large"}
		}
		return nil, "", &refusal{http.StatusBadRequest, "unreadable body"}
	}
	return body, ct, nil
}

// verify checks Slack's signature of the body and the age of its
// timestamp (slack-go's verifier: five minutes either way).
func (c *Client) verify(h http.Header, body []byte) error {
	sv, err := slackgo.NewSecretsVerifier(h, c.cfg.SigningSecret)
	if err != nil {
		return err
	}
	if _, err := sv.Write(body); err != nil {
		return err
	}
	return sv.Ensure()
}

// commandFromForm reads a slash command's form.
func commandFromForm(form url.Values) (Event, error) {
	if form.Get("command") == "" {
		return nil, errIgnored
	}
	return &Command{UserID: form.Get("user_id"), ChannelID: form.Get("channel_id"), Text: form.Get("text"),
		TriggerID: form.Get("trigger_id"), ResponseURL: form.Get("response_url")}, nil
}
