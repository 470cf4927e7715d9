package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	l := newLimiter(3, time.Minute, 2, func() time.Time { return now })
	type step struct {
		user           string
		after          time.Duration
		wantOK, wantNo bool // wantNo: the note is due
	}
	steps := []step{
		{"a", 0, true, false}, {"a", 0, true, false}, {"a", 0, true, false},
		{"a", 0, false, true},                // over the limit: one note
		{"a", 0, false, false},               // still over: silent
		{"a", 20 * time.Second, true, false}, // a token back (3 a minute)
		{"a", 0, false, false},               // over again within the window: silent
		{"a", time.Minute, true, false},
	}
	for i, s := range steps {
		now = now.Add(s.after)
		ok, note := l.allow(s.user)
		if ok != s.wantOK || note != s.wantNo {
			t.Errorf("step %d: allow = %v, note %v; want %v, %v", i, ok, note, s.wantOK, s.wantNo)
		}
	}
	for i := range 10 {
		l.allow(fmt.Sprint("user", i))
	}
	if len(l.users) > 2 {
		t.Errorf("holds %d users, ceiling 2", len(l.users))
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

func TestRecoverEnvelopeID(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`{"envelope_id":"abc-123","type":"x"}`: "abc-123",
		`{"envelope_id":5}`:                    "",
		`{"envelope_id":"has space"}`:          "",
		`{"envelope_id":""}`:                   "",
		`[1]`:                                  "",
		`{"envelope_id":"x"`:                   "",
	}
	for in, want := range tests {
		if got := recoverEnvelopeID([]byte(in)); got != want {
			t.Errorf("recoverEnvelopeID(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestFatalAuthCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err   error
		fatal bool
	}{
		{slack.SlackErrorResponse{Err: "invalid_auth"}, true},
		{fmt.Errorf("auth.test: %w", slack.SlackErrorResponse{Err: "token_revoked"}), true},
		{errors.New("account_inactive"), true},
		{slack.StatusCodeError{Code: 404}, true},
		{slack.StatusCodeError{Code: 500}, false},
		{&slack.RateLimitedError{RetryAfter: time.Second}, false},
		{slack.SlackErrorResponse{Err: "ratelimited"}, false},
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
	b := New(Deps{BotToken: "xoxb-test"}, Config{MaxRetryAfter: 10 * time.Second})
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	reset := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}
	tests := []struct {
		name       string
		err        error
		idempotent bool
		retry      bool
	}{
		{"429 with Retry-After", &slack.RateLimitedError{RetryAfter: 2 * time.Second}, false, true},
		{"429 asking too long", &slack.RateLimitedError{RetryAfter: time.Minute}, true, false},
		{"429 without Retry-After", slack.StatusCodeError{Code: 429}, false, true},
		{"dial refused", fmt.Errorf("post: %w", refused), false, true},
		{"reset after sending, post", reset, false, false},
		{"reset after sending, idempotent", reset, true, true},
		{"500, post", slack.StatusCodeError{Code: 500}, false, false},
		{"503, idempotent", slack.StatusCodeError{Code: 503}, true, true},
		{"400, idempotent", slack.StatusCodeError{Code: 400}, true, false},
		{"timeout, post", context.DeadlineExceeded, false, false},
		{"timeout, idempotent", context.DeadlineExceeded, true, true},
		{"slack error", slack.SlackErrorResponse{Err: "channel_not_found"}, true, false},
	}
	for _, tt := range tests {
		_, got := b.retryWait(tt.err, tt.idempotent, newBackoff(time.Millisecond, time.Millisecond))
		if got != tt.retry {
			t.Errorf("%s: retry = %v, want %v", tt.name, got, tt.retry)
		}
	}
}
