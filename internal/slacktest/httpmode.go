package slacktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HTTP mode: Slack's other transport. With targets set (Config.HTTPTargets
// or SetHTTPTargets), deliverEnvelope POSTs what it would have sent in a
// Socket Mode envelope to the app's request URL, signed, and the HTTP
// answer is the ack: events as JSON, slash commands as a form, and
// interactions as a form with one field, payload. The targets stand for
// replicas behind a load balancer: deliveries take them in turn, and
// Slack's retries of an event go to the next one.

const (
	slackHTTPTimeout     = 3 * time.Second // Slack waits this long for an answer
	defaultSigningSecret = "5e7a1c0de0e3f5d1a9c7b4e2f8a6d0c1"
	formType             = "application/x-www-form-urlencoded"
	slackUserAgent       = "Slackbot 1.0 (+https://api.slack.com/robots)"
	maxRedirects         = 2 // Slack follows two; one more is too_many_redirects
)

var errTooManyRedirects = errors.New("stopped after 2 redirects")

// Delivery is one HTTP request sent to the app: a try of a move, of
// VerifyURL or of SSLCheck.
type Delivery struct {
	Type    string // "events_api", "slash_commands", "interactive", "url_verification", "ssl_check"
	EventID string // events_api only
	Target  string
	// Attempt is X-Slack-Retry-Num: 0 for the first try, n for Slack's
	// nth retry, sent with RetryReason.
	Attempt     int
	RetryReason string
	Status      int // HTTP status answered; 0 when no answer came
	// Failure is why the try failed, in Slack's retry-reason words
	// ("http_timeout", "http_error", "connection_failed",
	// "too_many_redirects"), "canceled" when the move's context or the
	// server ended first, "invalid_url"; "" for a 2xx answer.
	Failure string
	At      time.Time // when it was sent
	Took    time.Duration
}

func newHTTPClient() *http.Client {
	return &http.Client{
		// Its own transport, without proxies: Close closes its connections.
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute},
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return errTooManyRedirects
			}
			return nil
		},
	}
}

// SigningSecret is the secret HTTP deliveries are signed with, for the
// app's SLACK_SIGNING_SECRET.
func (s *Server) SigningSecret() string { return s.cfg.SigningSecret }

// SetHTTPTargets replaces the HTTP targets, for replicas whose addresses
// are known only once they listen, or to take one out of the balancer.
// With none, moves go back to Socket Mode.
func (s *Server) SetHTTPTargets(urls ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.targets = slices.Clone(urls)
	s.notifyLocked()
}

// Deliveries returns the HTTP requests sent to the app (the newest
// MaxRecords, if set; none if it is negative), oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// Sign returns the X-Slack-Signature of body sent at ts: Slack's v0
// signature, "v0=" and the hex HMAC-SHA256 of "v0:<unix ts>:<body>".
func Sign(secret string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts.Unix())
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// PostSigned POSTs body to target as Slack would, signed now with the
// server's secret; header, if any, is set after signing, so a test can
// replace the timestamp or the signature. The caller closes the body.
func (s *Server) PostSigned(ctx context.Context, target, contentType string, body []byte, header http.Header) (*http.Response, error) {
	req, err := s.newRequest(ctx, target, contentType, body, true)
	if err != nil {
		return nil, err
	}
	for k, vs := range header {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return s.client.Do(req)
}

func (s *Server) newRequest(ctx context.Context, target, contentType string, body []byte, signed bool) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("slacktest: HTTP target: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", slackUserAgent)
	if signed {
		now := time.Now()
		req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("X-Slack-Signature", Sign(s.cfg.SigningSecret, now, body))
	}
	return req, nil
}

// nextTarget picks the target of a new delivery; nil in Socket Mode.
func (s *Server) nextTarget() ([]string, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.targets) == 0 {
		return nil, 0
	}
	s.targetRR++
	return s.targets, (s.targetRR - 1) % len(s.targets)
}

// httpBody is what Slack POSTs for an envelope of type typ.
func httpBody(typ string, payload any) (contentType string, body []byte, err error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", nil, fmt.Errorf("slacktest: payload: %w", err)
	}
	switch typ {
	case "events_api":
		return "application/json", raw, nil
	case "interactive":
		return formType, []byte(url.Values{"payload": {string(raw)}}.Encode()), nil
	case "slash_commands":
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return "", nil, fmt.Errorf("slacktest: slash command payload: %w", err)
		}
		form := url.Values{}
		for k, v := range fields {
			var str string
			if json.Unmarshal(v, &str) != nil {
				str = string(v) // false, numbers: as Slack writes them
			}
			form.Set(k, str)
		}
		return formType, []byte(form.Encode()), nil
	}
	return "", nil, fmt.Errorf("slacktest: Slack sends no %q request over HTTP", typ)
}

// try is one POST of a delivery.
type try struct {
	typ, eventID, target, contentType string
	body                              []byte
	signed                            bool
	attempt                           int
	reason                            string
}

// answer is how a try ended.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	reason  string // Slack's retry reason when it failed; "" if Slack would not retry
	noRetry bool   // the app said X-Slack-No-Retry: 1
	err     error
}

// deliverHTTP is deliverEnvelope in HTTP mode: env's payload POSTed to
// targets[i], and for events, retried on the next target as Slack does
// (at once here, where Slack waits up to minutes).
func (s *Server) deliverHTTP(ctx context.Context, env envelope, targets []string, i int) (Ack, error) {
	ct, body, err := httpBody(env.Type, env.Payload)
	if err != nil {
		return Ack{}, err
	}
	t := try{typ: env.Type, contentType: ct, body: body, signed: true}
	retries := 0
	if env.Type == "events_api" {
		retries = max(s.cfg.HTTPRetries, 0)
		var ev struct {
			EventID string `json:"event_id"`
		}
		_ = json.Unmarshal(body, &ev)
		t.eventID = ev.EventID
	}
	if env.RetryAttempt != nil && *env.RetryAttempt > 0 { // RedeliverEvent
		t.attempt, t.reason = *env.RetryAttempt, *env.RetryReason
		if t.reason == "timeout" { // Socket Mode's word for it
			t.reason = "http_timeout"
		}
	}
	ack := Ack{Sent: time.Now()}
	for {
		t.target = targets[i]
		a := s.postTry(ctx, t)
		ack.Status, ack.Target, ack.Latency = a.status, t.target, time.Since(ack.Sent)
		ack.Attempts++
		if a.err == nil {
			ack.Payload = jsonBody(a)
			return ack, nil
		}
		if a.reason == "" || a.noRetry || t.attempt >= retries {
			return ack, a.err
		}
		t.attempt, t.reason = t.attempt+1, a.reason
		i = (i + 1) % len(targets)
	}
}

// jsonBody is the answer's body when it is JSON, as Slack reads an ack.
func jsonBody(a answer) json.RawMessage {
	mt, _, _ := mime.ParseMediaType(a.header.Get("Content-Type"))
	if len(a.body) == 0 || mt != "application/json" || !json.Valid(a.body) {
		return nil
	}
	return a.body
}

// postTry sends one try, within the HTTP AckTimeout, and records it.
func (s *Server) postTry(ctx context.Context, t try) answer {
	tctx, cancel := context.WithTimeout(ctx, s.httpAck)
	defer cancel()
	defer context.AfterFunc(s.ctx, cancel)()
	start := time.Now()
	var a answer
	req, err := s.newRequest(tctx, t.target, t.contentType, t.body, t.signed)
	if err == nil {
		if t.attempt > 0 {
			req.Header.Set("X-Slack-Retry-Num", strconv.Itoa(t.attempt))
			if t.reason != "" {
				req.Header.Set("X-Slack-Retry-Reason", t.reason)
			}
		}
		var resp *http.Response
		if resp, err = s.client.Do(req); err == nil {
			a.status, a.header = resp.StatusCode, resp.Header
			a.body, err = io.ReadAll(io.LimitReader(resp.Body, maxRequestBodySize))
			_ = resp.Body.Close()
		}
	}
	failure := ""
	switch {
	case req == nil:
		failure, a.err = "invalid_url", err
	case err == nil && a.status/100 == 2:
	case err == nil:
		failure, a.noRetry = "http_error", a.header.Get("X-Slack-No-Retry") == "1"
		a.err = fmt.Errorf("%w: %d from %s (%s)", ErrHTTPStatus, a.status, t.target, t.typ)
	case ctx.Err() != nil:
		failure, a.err = "canceled", ctx.Err()
	case s.ctx.Err() != nil:
		failure, a.err = "canceled", ErrClosed
	case errors.Is(err, errTooManyRedirects):
		failure, a.err = "too_many_redirects", fmt.Errorf("%w: %s: %v", ErrConnectionFailed, t.target, err)
	case tctx.Err() != nil:
		failure, a.err = "http_timeout", fmt.Errorf("%w (%s to %s, %v)", ErrAckTimeout, t.typ, t.target, s.httpAck)
	default:
		failure, a.err = "connection_failed", fmt.Errorf("%w: %s: %v", ErrConnectionFailed, t.target, err)
	}
	if failure != "canceled" && failure != "invalid_url" {
		a.reason = failure
	}
	s.recordDelivery(Delivery{Type: t.typ, EventID: t.eventID, Target: t.target, Attempt: t.attempt,
		RetryReason: t.reason, Status: a.status, Failure: failure, At: start, Took: time.Since(start)})
	return a
}

func (s *Server) recordDelivery(d Delivery) {
	if !s.details() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
	if n := s.cfg.MaxRecords; n > 0 && len(s.deliveries) > 2*n {
		s.deliveries = slices.Clone(s.deliveries[len(s.deliveries)-n:])
	}
}

// VerifyURL sends Slack's url_verification, signed, to target, as Slack
// does when a request URL is saved, and checks that the app answers the
// challenge: as plain text, JSON {"challenge":…} or a form.
func (s *Server) VerifyURL(ctx context.Context, target string) (challenge string, err error) {
	challenge = randUpper(48)
	body := mustJSON(obj{"token": verificationToken, "challenge": challenge, "type": "url_verification"})
	a := s.postTry(ctx, try{typ: "url_verification", target: target, contentType: "application/json", body: body, signed: true})
	if a.err != nil {
		return challenge, a.err
	}
	got := string(a.body)
	switch mt, _, _ := mime.ParseMediaType(a.header.Get("Content-Type")); mt {
	case "application/json":
		var v struct {
			Challenge string `json:"challenge"`
		}
		_ = json.Unmarshal(a.body, &v)
		got = v.Challenge
	case formType:
		form, _ := url.ParseQuery(got)
		got = form.Get("challenge")
	}
	if strings.TrimSpace(got) != challenge {
		return challenge, fmt.Errorf("%w: got %.60q", ErrBadChallenge, got)
	}
	return challenge, nil
}

// SSLCheck sends the check Slack makes of a slash command's request URL:
// a form with ssl_check=1 and the verification token, unsigned. The app
// must answer 2xx.
func (s *Server) SSLCheck(ctx context.Context, target string) error {
	body := []byte(url.Values{"ssl_check": {"1"}, "token": {verificationToken}}.Encode())
	return s.postTry(ctx, try{typ: "ssl_check", target: target, contentType: formType, body: body}).err
}

// WaitHTTPReady blocks until every HTTP target answers: any HTTP status
// to a GET counts (the app's events path says 405), since it shows the
// app listens.
func (s *Server) WaitHTTPReady(ctx context.Context) error {
	s.mu.Lock()
	targets := s.targets
	s.mu.Unlock()
	if len(targets) == 0 {
		return ErrNoHTTPTargets
	}
	for _, t := range targets {
		for {
			ok, err := s.answers(ctx, t)
			if err != nil {
				return err
			}
			if ok {
				break
			}
			if err := s.sleepCtx(ctx, 20*time.Millisecond); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Server) answers(ctx context.Context, target string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return false, fmt.Errorf("slacktest: HTTP target: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return false, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	return true, nil
}
