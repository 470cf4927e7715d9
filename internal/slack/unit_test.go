package slack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	slackgo "github.com/slack-go/slack"
	"go.uber.org/goleak"
	"go.uber.org/zap"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// testConfig is a valid configuration for a Web API at apiURL.
func testConfig(apiURL string) config.Config {
	cfg := config.Defaults()
	cfg.AppToken, cfg.BotToken = "xapp-1-test-token", "xoxb-test-token"
	cfg.APIURL = apiURL
	cfg.SlackTimeout = 5 * time.Second
	return cfg
}

// emulated is a client of a fresh emulator, without a connection.
func emulated(t *testing.T) (*slacktest.Server, *Client) {
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	cfg := testConfig(emu.APIURL())
	cfg.AppToken, cfg.BotToken = emu.Tokens()
	c := New(cfg, zap.NewNop(), nil, nil)
	t.Cleanup(c.Close)
	return emu, c
}

func TestResponseURLPolicy(t *testing.T) {
	t.Parallel()
	c := New(testConfig("http://127.0.0.1:4000/api/"), zap.NewNop(), nil, nil)
	tests := []struct {
		url  string
		want bool
	}{
		{"https://hooks.slack.com/commands/T1/2/x", true},
		{"http://127.0.0.1:4000/response/abc", true},
		{"http://hooks.slack.com/commands/T1/2/x", false}, // not https
		{"https://hooks.slack.com.evil.example/x", false},
		{"https://evil.example/hooks.slack.com", false},
		{"https://user:pw@hooks.slack.com/x", false},
		{"http://169.254.169.254/latest/meta-data", false},
		{"://", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := c.responseURLAllowed(tt.url); got != tt.want {
			t.Errorf("allowed(%q) = %v, want %v", tt.url, got, tt.want)
		}
	}
	// A response_url elsewhere is refused before anything is sent.
	err := c.Post(context.Background(), Target{ResponseURL: "https://evil.example/x"}, blockkit.Note("x", "hi"))
	if !Refused(err) {
		t.Errorf("Post to a foreign response_url = %v, want a refusal", err)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	b := newBackoff(100*time.Millisecond, time.Second)
	for i := range 20 {
		d := b.next(0)
		ceil := min(100*time.Millisecond<<i, time.Second)
		if d < ceil/2 || d > ceil {
			t.Fatalf("attempt %d: %v outside [%v, %v]", i, d, ceil/2, ceil)
		}
	}
	if d := b.next(5 * time.Second); d != 5*time.Second {
		t.Errorf("a Retry-After of 5s gave %v", d)
	}
	b.reset()
	if d := b.next(0); d > 100*time.Millisecond {
		t.Errorf("after reset: %v", d)
	}
}

func TestFatalAuthCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err   error
		fatal bool
	}{
		{slackgo.SlackErrorResponse{Err: "invalid_auth"}, true},
		{fmt.Errorf("auth.test: %w", slackgo.SlackErrorResponse{Err: "token_revoked"}), true},
		{slackgo.SlackErrorResponse{Err: "account_inactive"}, true},
		{slackgo.StatusCodeError{Code: 404}, true},
		{slackgo.StatusCodeError{Code: 500}, false},
		{&slackgo.RateLimitedError{RetryAfter: time.Second}, false},
		{slackgo.SlackErrorResponse{Err: "ratelimited"}, false},
		{errors.New("dial tcp: connection refused"), false},
	}
	for _, tt := range tests {
		if _, got := fatalAuth(tt.err); got != tt.fatal {
			t.Errorf("fatalAuth(%v) = %v, want %v", tt.err, got, tt.fatal)
		}
	}
}

func TestRetryWait(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name       string
		err        error
		idempotent bool
		retry      bool
	}{
		{"429 with Retry-After", &slackgo.RateLimitedError{RetryAfter: 2 * time.Second}, false, true},
		{"429 asking too long", &slackgo.RateLimitedError{RetryAfter: time.Minute}, true, false},
		{"429 without Retry-After", slackgo.StatusCodeError{Code: 429}, false, true},
		{"dial refused", fmt.Errorf("post: %w", refused), false, true},
		{"reset after sending, post", reset, false, false},
		{"reset after sending, idempotent", reset, true, true},
		{"500, post", slackgo.StatusCodeError{Code: 500}, false, false},
		{"503, idempotent", slackgo.StatusCodeError{Code: 503}, true, true},
		{"400, idempotent", slackgo.StatusCodeError{Code: 400}, true, false},
		{"timeout, post", context.DeadlineExceeded, false, false},
		{"timeout, idempotent", context.DeadlineExceeded, true, true},
		{"slack error", slackgo.SlackErrorResponse{Err: "channel_not_found"}, true, false},
	}
	for _, tt := range tests {
		_, got := retryWait(tt.err, tt.idempotent, 10*time.Second, newBackoff(time.Millisecond, time.Millisecond))
		if got != tt.retry {
			t.Errorf("%s: retry = %v, want %v", tt.name, got, tt.retry)
		}
	}
}

// TestAckReplySize: an answer rides in the ack only while the whole ack
// stays under Slack's 20 KB; a larger one is refused with nothing sent.
func TestAckReplySize(t *testing.T) {
	t.Parallel()
	var sent [][]byte
	req := func() *Request {
		return &Request{send: func(p []byte) error { sent = append(sent, p); return nil }}
	}
	entry := &faq.Entry{ID: "cost", Question: "Q?", Answer: strings.Repeat("a", faq.MaxAnswerLen)}
	msg := blockkit.FAQAnswer(blockkit.FAQReply{Question: strings.Repeat("q", 4000), Echo: true,
		Result: faq.Result{Match: &faq.Hit{Entry: entry, Score: 1}}})
	if err := req().AckReply(msg); err != nil {
		t.Errorf("the largest FAQ answer the content allows must fit in an ack: %v", err)
	}
	big := req()
	if err := big.AckReply(blockkit.Message{Text: strings.Repeat("x", 21*1024)}); !errors.Is(err, ErrAckTooLarge) {
		t.Errorf("a 21 KB reply: %v, want ErrAckTooLarge", err)
	}
	if big.Acked() || len(sent) != 1 {
		t.Errorf("a reply too large was sent (%d acks)", len(sent))
	}
	if err := big.Ack(); err != nil || !big.Acked() || len(sent) != 2 {
		t.Errorf("the request could not be acked after a refused reply: %v", err)
	}
	if err := big.Ack(); err != nil || len(sent) != 2 {
		t.Errorf("a second ack was sent")
	}
}

// TestResponseURLStaysOutOfErrors: net/http quotes the URL in its errors,
// and a response_url lets anyone post as the bot, so it must not reach an
// error (and from there a log line).
func TestResponseURLStaysOutOfErrors(t *testing.T) {
	t.Parallel()
	c := New(testConfig("http://127.0.0.1:1/api/"), zap.NewNop(), nil, nil)
	defer c.Close()
	err := c.Post(context.Background(), Target{ResponseURL: "http://127.0.0.1:1/response/SECRET-PATH"}, blockkit.Note("x", "hello"))
	if err == nil {
		t.Fatal("posting to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "SECRET-PATH") {
		t.Errorf("the error shows the response_url: %v", err)
	}
}

// TestOutboundIsStrict: no redirect is followed (it would carry the token
// or the message elsewhere), response_urls are Slack's over https (or the
// configured Web API's, scheme included), and a proxy's credentials stay
// out of errors.
func TestOutboundIsStrict(t *testing.T) {
	var hits atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer elsewhere.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/stolen", http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	c := New(testConfig(redirector.URL+"/api/"), zap.NewNop(), nil, nil)
	defer c.Close()
	err := c.Post(context.Background(), Target{Channel: "C1"}, blockkit.Note("x", "hi"))
	if callStatus(err) != "http_307" || hits.Load() != 0 {
		t.Errorf("a redirect from the Web API: %v (%s), %d requests followed it", err, callStatus(err), hits.Load())
	}
	err = c.Post(context.Background(), Target{ResponseURL: redirector.URL + "/response/x"}, blockkit.Note("x", "hi"))
	if callStatus(err) != "http_307" || hits.Load() != 0 {
		t.Errorf("a redirect from a response_url: %v, %d requests followed it", err, hits.Load())
	}

	prod := New(testConfig("https://slack.com/api/"), zap.NewNop(), nil, nil)
	for raw, want := range map[string]bool{
		"https://hooks.slack.com/commands/T1/2/x": true,
		"https://slack.com/x":                     true,
		"http://slack.com/x":                      false,
		"https:hooks.slack.com":                   false,
	} {
		if got := prod.responseURLAllowed(raw); got != want {
			t.Errorf("with the real Web API, allowed(%q) = %v, want %v", raw, got, want)
		}
	}

	// Not parallel: the proxy comes from the environment.
	t.Setenv("HTTPS_PROXY", "http://proxyuser:proxysecret@127.0.0.1:1")
	t.Setenv("NO_PROXY", "")
	proxied := New(testConfig("https://slack.com/api/"), zap.NewNop(), nil, nil)
	defer proxied.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = proxied.Post(ctx, Target{ResponseURL: "https://hooks.slack.com/commands/T1/2/x"}, blockkit.Note("x", "hi"))
	// The errors must show the proxy was tried (proxyconnect), and not how.
	if err == nil || !strings.Contains(err.Error(), "proxyconnect") || strings.Contains(err.Error(), "proxysecret") || strings.Contains(err.Error(), "proxyuser") {
		t.Errorf("through a dead proxy: %v", err)
	}
	if _, err := proxied.dial(ctx); err == nil || !strings.Contains(err.Error(), "proxyconnect") || strings.Contains(err.Error(), "proxysecret") {
		t.Errorf("dialling through a dead proxy: %v", err)
	}
}

func TestRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{slackgo.StatusCodeError{Code: 404}, true},
		{slackgo.StatusCodeError{Code: 410}, true},
		{slackgo.StatusCodeError{Code: 429}, true},
		{fmt.Errorf("post: %w", &slackgo.RateLimitedError{RetryAfter: time.Minute}), true},
		{fmt.Errorf("post: %w", errURLNotAllowed), true},
		{slackgo.StatusCodeError{Code: 500}, false},
		{slackgo.StatusCodeError{Code: 502}, false},
		{context.DeadlineExceeded, false},
		{&net.OpError{Op: "read", Err: errors.New("reset")}, false},
		{nil, false},
	} {
		if got := Refused(tt.err); got != tt.want {
			t.Errorf("Refused(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
