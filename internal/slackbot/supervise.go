package slackbot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"
)

// The Socket Mode connection is slack-go's: socketmode.Client.RunContext
// dials, answers pings, redials after a disconnect request or a missed
// ping, and retries failed dials. The supervisor below wraps it only where
// slack-go falls short for a bot that runs for months:
//   - a failed dial is retried by slack-go without jitter and with waits
//     that grow to 5 minutes; the supervisor stops that run and redials on
//     its own capped, jittered schedule (honouring a 429's Retry-After);
//   - link_disabled (an admin turned Socket Mode off) is redialled at
//     once by slack-go; the supervisor marks the bot not ready, logs one
//     error and waits LinkDisabledRetry instead;
//   - a refused token ends RunContext with an error; the supervisor turns
//     it into one clear line, without the token, and Run returns it.

// isFatalCode reports whether a Slack error is one no retry can fix: a
// person has to issue or reinstate a token.
func isFatalCode(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
		return true
	}
	return false
}

// fatalAuth reports whether err means Slack refused the token, and the code.
func fatalAuth(err error) (string, bool) {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && isFatalCode(se.Err) {
		return se.Err, true
	}
	// slack-go's connect loop returns apps.connections.open's errors as they
	// are, and treats a 404 as a bad token too.
	var sc slack.StatusCodeError
	if errors.As(err, &sc) && sc.Code == 404 {
		return "http_404", true
	}
	if isFatalCode(err.Error()) {
		return err.Error(), true
	}
	return "", false
}

// authenticate learns the bot's own user id with auth.test. A refused
// token is fatal; anything else (network, 5xx, 429) is retried until ctx
// ends, when it returns nil.
func (b *Bot) authenticate(ctx context.Context) error {
	bo := newBackoff(b.cfg.ReconnectBase, b.cfg.ReconnectMax)
	for {
		var auth *slack.AuthTestResponse
		err := b.call(ctx, "auth.test", true, func(ctx context.Context) error {
			var err error
			auth, err = b.api.AuthTestContext(ctx)
			return err
		})
		if err == nil {
			b.botUser = auth.UserID
			return nil
		}
		if code, ok := fatalAuth(err); ok {
			return fmt.Errorf("slack refused the bot token (SLACK_BOT_TOKEN): auth.test: %s", code)
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := bo.next(retryAfter(err))
		b.ready.Down("auth.test failed")
		b.log.Warn("auth.test failed; retrying", zap.Error(err), zap.Duration("in", wait))
		if !sleepCtx(ctx, wait) {
			return nil
		}
	}
}

// supervise runs the Socket Mode client until ctx ends (nil) or Slack
// refuses the app token (an error), restarting it as described above.
func (b *Bot) supervise(ctx context.Context) error {
	bo := newBackoff(b.cfg.ReconnectBase, b.cfg.ReconnectMax)
	for {
		runCtx, cancel := context.WithCancel(ctx)
		b.conn.setCancel(cancel)
		done := make(chan error, 1)
		go func() { done <- b.sm.RunContext(runCtx) }()
		wait, err := b.watch(ctx, runCtx, done, cancel, bo)
		cancel()
		b.conn.setCancel(nil)
		if err != nil || ctx.Err() != nil {
			return err
		}
		if b.conn.takeLinkDisabled() {
			wait = b.cfg.LinkDisabledRetry
		}
		b.log.Debug("redialling Slack", zap.Duration("in", wait))
		if !sleepCtx(ctx, wait) {
			return nil
		}
	}
}

// watch reads the client's events until its RunContext returns, and says
// how long to wait before the next one (or why not to start one).
func (b *Bot) watch(ctx, runCtx context.Context, done <-chan error, cancel context.CancelFunc, bo *backoff) (time.Duration, error) {
	var wait time.Duration
	for {
		select {
		case <-ctx.Done():
			cancel()
			// Without this wait the Socket Mode client outlives Run, and
			// may even finish dialling Slack after the bot has stopped.
			<-done
			return 0, nil
		case err := <-done:
			if err == nil || errors.Is(err, context.Canceled) {
				return wait, nil
			}
			if code, ok := fatalAuth(err); ok {
				return 0, fmt.Errorf("slack refused the app token (SLACK_APP_TOKEN): apps.connections.open: %s", code)
			}
			// slack-go ends RunContext only for the errors above; retry
			// anything new rather than exit.
			b.log.Warn("socket mode stopped; redialling", zap.Error(err))
			return bo.next(0), nil
		case evt := <-b.sm.Events:
			switch evt.Type {
			case socketmode.EventTypeConnecting:
				b.onConnecting(evt)
			case socketmode.EventTypeHello, socketmode.EventTypeInvalidAuth:
				// InvalidAuth is followed by RunContext's error, above.
			case socketmode.EventTypeConnected:
				if runCtx.Err() != nil {
					continue // a run we already stopped
				}
				b.ready.Up()
				bo.reset()
				b.log.Info("connected to Slack")
			case socketmode.EventTypeConnectionError:
				e, _ := evt.Data.(*slack.ConnectionErrorEvent)
				if e == nil || errors.Is(e.ErrorObj, context.Canceled) {
					continue // our own cancel, or shutdown
				}
				wait = bo.next(retryAfter(e.ErrorObj))
				b.ready.Down("cannot connect")
				b.metrics.Reconnect("connect_error")
				b.log.Warn("cannot connect to Slack; retrying", zap.Error(e.ErrorObj), zap.Duration("in", wait))
				// Redial on our schedule, not slack-go's.
				cancel()
			case socketmode.EventTypeErrorWriteFailed:
				b.log.Warn("socket write failed", zap.String("detail", describe(evt.Data)))
			default:
				b.dispatch(ctx, evt)
			}
		}
	}
}

// retryAfter is the wait a 429 asked for, or 0.
func retryAfter(err error) time.Duration {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter
	}
	return 0
}

// connState is what the supervisor shares with slack-go's goroutines
// (through the tap on the websocket, wstap.go) about the current connection.
type connState struct {
	mu           sync.Mutex
	cancel       context.CancelFunc // stops the current RunContext
	linkDisabled bool               // Slack said link_disabled: wait before redialling
	linkLogged   bool               // the link_disabled error is logged once per outage
}

func (c *connState) setCancel(f context.CancelFunc) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancel = f
}

// disableLink records link_disabled and stops the current run; it reports
// whether this is the first time in this outage.
func (c *connState) disableLink() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.linkDisabled = true
	first := !c.linkLogged
	c.linkLogged = true
	if c.cancel != nil {
		c.cancel()
	}
	return first
}

func (c *connState) takeLinkDisabled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	was := c.linkDisabled
	c.linkDisabled = false
	return was
}

// sawEnvelope ends a link_disabled outage: Slack is sending work again.
func (c *connState) sawEnvelope() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.linkLogged = false
}

// onDisconnect handles Slack's request to disconnect; slack-go redials by
// itself unless the supervisor stops it (link_disabled).
func (b *Bot) onDisconnect(reason string) {
	if reason == "" {
		reason = "unknown"
	}
	if len(reason) > 40 {
		reason = reason[:40] // a metric label from the wire: keep it short
	}
	b.metrics.Reconnect(reason)
	if reason == "link_disabled" {
		b.ready.Down("link_disabled: Socket Mode is turned off for this app")
		if b.conn.disableLink() {
			b.log.Error("Slack turned Socket Mode off for this app (link_disabled); turn it back on in the app's settings. Retrying slowly.",
				zap.Duration("retry_every", b.cfg.LinkDisabledRetry))
		}
		return
	}
	b.ready.Down(reason)
	b.log.Info("Slack asked to reconnect", zap.String("reason", reason))
}

// onConnecting counts why slack-go is redialling, once: a disconnect Slack
// asked for was counted, with its reason, when the request arrived; a
// connection that ended otherwise is counted here, as a ping timeout or a
// lost connection. The tap on the websocket recorded which when slack-go
// closed it.
func (b *Bot) onConnecting(evt socketmode.Event) {
	e, _ := evt.Data.(*slack.ConnectingEvent)
	lost := b.tap.takeLost()
	if e == nil || e.ConnectionCount == 0 || e.Attempt != 1 {
		return // a new RunContext, or a retry after a failed dial
	}
	if lost != "" {
		b.onConnectionLost(lost)
	}
}

// onConnectionLost counts a connection slack-go dropped and is redialling.
func (b *Bot) onConnectionLost(reason string) {
	b.ready.Down(reason)
	b.metrics.Reconnect(reason)
	b.log.Warn("lost the connection to Slack; reconnecting", zap.String("reason", reason))
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
