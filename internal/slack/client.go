// Package slack is the bot's adapter to Slack, and the only package that
// talks to it. It owns the connection Slack delivers requests on (Socket
// Mode), every Web API and response_url call, their deadlines, retries and
// Retry-After, and turns what Slack sends into the typed events of
// events.go. The bot above it speaks in its own words: Post, OpenView,
// Publish, and a Handler for requests.
//
// slack-go supplies the payload types and error types; the Web API caller
// and the Socket Mode connection (over gorilla/websocket, as slack-go's
// own) are this package's. slack-go's socketmode client reports neither
// Slack's disconnect reasons nor missed pings, redials link_disabled at
// once, and retries failed dials on its own unjittered schedule of up to
// five minutes: the bot needs all four, and a connection of its own, in
// socket.go, costs less code than working around them did.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	slackgo "github.com/slack-go/slack"
	"go.uber.org/zap"
	"golang.org/x/net/http/httpproxy"
)

// Client is the adapter. Build it with New, serve with Run.
type Client struct {
	cfg     config.Config
	log     *zap.Logger
	metrics *ops.Metrics
	ready   *ops.Readiness
	web     *webAPI
	proxy   func(*http.Request) (*url.URL, error) // from HTTPS_PROXY, HTTP_PROXY, NO_PROXY
	api     *url.URL                              // the Web API's base: response_urls may point at its host too
	botUser atomic.Pointer[string]
	// requests numbers HTTP-mode requests, for their log lines.
	requests atomic.Uint64
}

// New builds the adapter from a validated configuration. metrics and
// ready may be nil.
func New(cfg config.Config, log *zap.Logger, metrics *ops.Metrics, ready *ops.Readiness) *Client {
	if ready == nil {
		ready = ops.NewReadiness(0, nil)
	}
	env := httpproxy.FromEnvironment().ProxyFunc()
	c := &Client{
		cfg:     cfg,
		log:     log,
		metrics: metrics,
		ready:   ready,
		proxy:   func(r *http.Request) (*url.URL, error) { return env(r.URL) },
	}
	c.api, _ = url.Parse(cfg.APIURL) // Validate has parsed it
	c.web = &webAPI{http: &http.Client{
		Timeout:   cfg.SlackTimeout,
		Transport: transport(cfg.Workers, c.proxy),
		// Slack answers these calls itself; a redirect would send the
		// token or the message somewhere else.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, base: cfg.APIURL}
	return c
}

// transport is net/http's default transport with room to keep a connection
// to Slack open for every worker, and for the notes ("busy") sent beside
// them: the default keeps two, so under load most calls dialled a new
// connection and closed it after.
func transport(workers int, proxy func(*http.Request) (*url.URL, error)) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = proxy
	t.MaxIdleConnsPerHost = workers + 16
	t.MaxIdleConns = max(t.MaxIdleConns, t.MaxIdleConnsPerHost) // the overall cap would win otherwise
	return t
}

// Close lets go of idle connections to Slack. Call it once nothing posts
// any more.
func (c *Client) Close() { c.web.http.CloseIdleConnections() }

// BotUserID is the bot's own user id, known once Run has authenticated.
func (c *Client) BotUserID() string {
	if p := c.botUser.Load(); p != nil {
		return *p
	}
	return ""
}

// Run authenticates, then serves Socket Mode, or HTTP in http mode, until
// ctx is done, handing every request to h. It returns nil when ctx ends,
// and an error when Slack refuses a token or the HTTP listener cannot
// start; every other failure is retried.
func (c *Client) Run(ctx context.Context, h Handler) error {
	if err := c.authenticate(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	if c.cfg.Mode == config.ModeHTTP {
		return c.runHTTP(ctx, h)
	}
	return c.runSocket(ctx, h)
}

// Reconnection backoff starts here and doubles up to ADVISOR_RECONNECT_MAX.
const reconnectBase = 500 * time.Millisecond

// authenticate learns the bot's own user id with auth.test. A refused
// token is fatal; anything else (network, 5xx, 429) is retried until ctx
// ends, when it returns nil.
func (c *Client) authenticate(ctx context.Context) error {
	bo := newBackoff(reconnectBase, c.cfg.ReconnectMax)
	for {
		var resp apiResponse
		err := c.call(ctx, "auth.test", true, func(ctx context.Context) error {
			var err error
			resp, err = c.web.postJSON(ctx, "auth.test", c.cfg.BotToken, []byte("{}"))
			return err
		})
		if err == nil {
			c.botUser.Store(&resp.UserID)
			return nil
		}
		if code, ok := fatalAuth(err); ok {
			return fmt.Errorf("slack refused the bot token (SLACK_BOT_TOKEN): auth.test: %s", code)
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := bo.next(retryAfter(err))
		c.ready.Down("auth.test failed")
		c.log.Warn("auth.test failed; retrying", zap.Error(err), zap.Duration("in", wait))
		if !sleepCtx(ctx, wait) {
			return nil
		}
	}
}

// fatalAuth reports whether err means Slack refused a token (no retry can
// fix that: a person has to issue or reinstate one), and Slack's code.
func fatalAuth(err error) (string, bool) {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
			return se.Err, true
		}
	}
	// apps.connections.open answers a bad app token with 404 too.
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusNotFound {
		return "http_404", true
	}
	return "", false
}

// clip keeps a value from the wire short enough for a log field: n runes
// at most, never cut inside one.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
