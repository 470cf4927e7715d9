package slackbot

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"go.uber.org/zap"
)

// Retries of Slack calls.
//
// slack-go has retries of its own (slack.OptionRetry, OptionRetryConfig),
// off by default and set per client: its connection handler retries on
// "connection reset" and "EOF", which can come after Slack has already
// posted the message. So the bot leaves them off and decides per call:
//   - 429: Slack did not do the work; wait Retry-After (at most
//     MaxRetryAfter) and retry, whatever the method.
//   - the request never went out (a dial error: connection refused, DNS):
//     retry, whatever the method.
//   - idempotent methods (auth.test, conversations.open, views.publish):
//     also retry 5xx answers and network errors, for doing them twice
//     changes nothing.
//   - everything else (chat.postMessage, chat.postEphemeral, response_url,
//     views.open) fails at once: a retry could post twice. views.open is not
//     idempotent-safe either: its trigger_id works once, so if the first try
//     opened the modal the retry fails, and the bot would apologise for a
//     modal the user can see.
//
// Every attempt has its own SlackTimeout and is counted in the metrics; what
// still fails is returned, to be logged once by the request's log line.

// callBackoff shapes the waits between retries that have no Retry-After.
const (
	callBackoffBase = 250 * time.Millisecond
	callBackoffMax  = 2 * time.Second
)

// call runs one Slack call, fn, as described above. method names it in
// the metrics.
func (b *Bot) call(ctx context.Context, method string, idempotent bool, fn func(ctx context.Context) error) error {
	bo := newBackoff(callBackoffBase, callBackoffMax)
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, b.cfg.SlackTimeout)
		err := fn(actx)
		cancel()
		b.called(method, err)
		if err == nil {
			return nil
		}
		if attempt >= b.cfg.CallAttempts || ctx.Err() != nil {
			return err
		}
		wait, ok := b.retryWait(err, idempotent, bo)
		if !ok {
			return err
		}
		b.log.Debug("retrying a Slack call", zap.String("method", method), zap.Int("attempt", attempt), zap.Duration("in", wait), zap.Error(err))
		if !sleepCtx(ctx, wait) {
			return err
		}
	}
}

// retryWait says whether err may be retried and after how long.
func (b *Bot) retryWait(err error, idempotent bool, bo *backoff) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &rl):
		if rl.RetryAfter > b.cfg.MaxRetryAfter {
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
