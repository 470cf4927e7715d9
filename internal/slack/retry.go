package slack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	slackgo "github.com/slack-go/slack"
	"go.uber.org/zap"
)

// Retries of Slack calls. The adapter decides per call:
//   - 429: Slack did not do the work; wait Retry-After (at most
//     MaxRetryAfter) and retry, whatever the method.
//   - the request never went out (a dial error: connection refused, DNS):
//     retry, whatever the method.
//   - idempotent methods (auth.test, apps.connections.open,
//     conversations.open, views.publish): also retry 5xx answers and
//     network errors, for doing them twice changes nothing.
//   - everything else (chat.postMessage, chat.postEphemeral, response_url,
//     views.open) fails at once: a retry could post twice. views.open is
//     not safe either: its trigger_id works once, so if the first try
//     opened the modal the retry fails, and the bot would apologise for a
//     modal the user can see.
//
// Every attempt has its own deadline and is counted in the metrics; what
// still fails is returned, to be logged once by the request's log line.

const (
	// callAttempts is the most attempts one call gets.
	callAttempts = 3
	// callBackoffBase and callBackoffMax shape the waits between retries
	// that have no Retry-After.
	callBackoffBase = 250 * time.Millisecond
	callBackoffMax  = 2 * time.Second
)

// call runs fn, one Slack call, as described above; method names it in the
// metrics.
func (c *Client) call(ctx context.Context, method string, idempotent bool, fn func(ctx context.Context) error) error {
	bo := newBackoff(callBackoffBase, callBackoffMax)
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, c.cfg.SlackTimeout)
		err := fn(actx)
		cancel()
		c.metrics.SlackCall(method, callStatus(err))
		if err == nil {
			return nil
		}
		if attempt >= callAttempts || ctx.Err() != nil {
			return err
		}
		wait, ok := retryWait(err, idempotent, c.cfg.MaxRetryAfter, bo)
		if !ok {
			return err
		}
		c.log.Debug("retrying a Slack call", zap.String("method", method), zap.Int("attempt", attempt), zap.Duration("in", wait), zap.Error(err))
		if !sleepCtx(ctx, wait) {
			return err
		}
	}
}

// retryWait says whether err may be retried and after how long.
func retryWait(err error, idempotent bool, maxRetryAfter time.Duration, bo *backoff) (time.Duration, bool) {
	var rl *slackgo.RateLimitedError
	var sc slackgo.StatusCodeError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter > maxRetryAfter {
			return 0, false
		}
		return max(rl.RetryAfter, time.Second), true
	case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
		return bo.next(time.Second), true // a 429 without Retry-After
	case notSent(err):
		return bo.next(0), true
	case !idempotent:
		return 0, false
	case errors.As(err, &sc):
		return bo.next(0), sc.Code >= 500
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return bo.next(0), true
	}
	return 0, false
}

// notSent reports whether err happened before the request left: the dial
// failed (connection refused, no route, DNS), so Slack never saw it.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// retryAfter is the wait a 429 asked for, or 0.
func retryAfter(err error) time.Duration {
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}

// callStatus names a call's result for the metrics: ok, rate_limited,
// Slack's error code, http_NNN, or error.
func callStatus(err error) string {
	var rl *slackgo.RateLimitedError
	var se slackgo.SlackErrorResponse
	var sc slackgo.StatusCodeError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &sc):
		return fmt.Sprintf("http_%d", sc.Code)
	}
	return "error"
}

// ErrorCode is Slack's error code in err ("not_in_channel",
// "expired_trigger_id"), or "" when err is not an error Slack answered.
func ErrorCode(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// Refused reports whether a call was refused before anything was posted,
// so doing it another way cannot post twice: Slack answered 4xx (an
// expired or used-up response_url, say) or 429 (rate limited past the
// retries), or the response_url was not Slack's. A 5xx or a network error
// may come after Slack acted, so they do not count.
func Refused(err error) bool {
	var sc slackgo.StatusCodeError
	var rl *slackgo.RateLimitedError
	return errors.As(err, &rl) || errors.As(err, &sc) && sc.Code >= 400 && sc.Code < 500 || errors.Is(err, errURLNotAllowed)
}

// backoff is capped exponential backoff with full jitter, so replicas that
// lost Slack together do not redial together. Not safe for concurrent use.
type backoff struct {
	base, max time.Duration
	attempt   int
}

func newBackoff(base, max time.Duration) *backoff { return &backoff{base: base, max: max} }

// next returns the wait before the next attempt: a random duration in
// [d/2, d], d doubling from base up to max; at least floor (a Retry-After).
func (b *backoff) next(floor time.Duration) time.Duration {
	d := b.max
	if b.attempt < 30 {
		d = min(b.base<<b.attempt, b.max)
	}
	b.attempt++
	d = d/2 + rand.N(d/2+1) // #nosec G404 -- jitter needs no crypto
	return max(d, floor)
}

func (b *backoff) reset() { b.attempt = 0 }

// sleepCtx waits d or until ctx ends; it reports whether d elapsed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
