// Package slackbot is the Slack edge: it reads Socket Mode envelopes,
// acknowledges them at once, routes them, and replies through the Web API or
// a response_url. The answers come from the domain (faq, advisor) and the
// blocks from blockkit; this package only moves them.
package slackbot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"go.uber.org/zap"
)

// Searcher finds the best knowledge-base answer to a question.
type Searcher interface {
	Search(question string) faq.Result
}

// KnowledgeBase looks entries up by id and lists them for the Home tab.
type KnowledgeBase interface {
	Entry(id string) (*faq.Entry, bool)
	Entries() []*faq.Entry
}

// Config holds the edge's tunables; zero values take the defaults.
type Config struct {
	// SlackTimeout bounds every Web API and response_url call.
	SlackTimeout time.Duration
	// Workers and Queue size the pool that does the work after acks.
	Workers, Queue int
	// ShutdownGrace is how long in-flight work may run after shutdown
	// starts.
	ShutdownGrace time.Duration
	// DedupeSize and DedupeTTL bound the memory of seen event ids.
	DedupeSize int
	DedupeTTL  time.Duration
	// Debug logs users' text and response_urls; off by default because
	// questions can be sensitive and a response_url lets anyone post as the
	// bot.
	Debug bool
}

func (c Config) withDefaults() Config {
	if c.SlackTimeout <= 0 {
		c.SlackTimeout = 10 * time.Second
	}
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.Queue <= 0 {
		c.Queue = 256
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 20 * time.Second
	}
	if c.DedupeSize <= 0 {
		c.DedupeSize = 10000
	}
	if c.DedupeTTL <= 0 {
		c.DedupeTTL = time.Hour // Slack retries within minutes
	}
	return c
}

// Deps are the bot's collaborators. Metrics and Readiness may be nil.
type Deps struct {
	// API is built with the bot token and, for Socket Mode, the app token
	// (slack.OptionAppLevelToken); Socket wraps the same API.
	API    *slack.Client
	Socket *socketmode.Client
	// HTTP posts to response_urls; APIURL is the Web API's base URL, whose
	// host response_urls may also use (the emulator's).
	HTTP      *http.Client
	APIURL    string
	Search    Searcher
	KB        KnowledgeBase
	Log       *zap.Logger
	Metrics   *ops.Metrics
	Readiness *ops.Readiness
}

// Bot is the Slack app. Build it with New and start it with Run.
type Bot struct {
	cfg     Config
	log     *zap.Logger
	api     *slack.Client
	sm      *socketmode.Client
	http    *http.Client
	search  Searcher
	kb      KnowledgeBase
	metrics *ops.Metrics
	ready   *ops.Readiness
	seen    *dedupe
	pool    *pool
	urls    responseURLPolicy
	botUser string // the bot's own user id, to ignore its messages
}

// New wires a bot from its collaborators and settings.
func New(d Deps, cfg Config) *Bot {
	cfg = cfg.withDefaults()
	b := &Bot{
		cfg:     cfg,
		log:     d.Log,
		api:     d.API,
		sm:      d.Socket,
		http:    d.HTTP,
		search:  d.Search,
		kb:      d.KB,
		metrics: d.Metrics,
		ready:   d.Readiness,
		seen:    newDedupe(cfg.DedupeSize, cfg.DedupeTTL, time.Now),
	}
	if b.ready == nil {
		b.ready = ops.NewReadiness(0, nil)
	}
	if u, err := url.Parse(d.APIURL); err == nil {
		b.urls.apiHost = u.Host
	}
	b.pool = newPool(cfg.Queue, func(id string, v any, stack []byte) {
		b.metrics.Panic()
		b.log.Error("handler panicked", zap.String("request_id", id), zap.Any("panic", v), zap.ByteString("stack", stack))
	})
	return b
}

// Ready reports whether the Socket Mode connection is up (or only briefly
// down).
func (b *Bot) Ready() bool {
	ok, _ := b.ready.Ready()
	return ok
}

// Run serves until ctx is done, then stops reading envelopes, lets in-flight
// work finish within the shutdown grace, and returns nil. It returns an
// error when Slack refuses the credentials.
func (b *Bot) Run(ctx context.Context) error {
	authCtx, cancel := context.WithTimeout(ctx, b.cfg.SlackTimeout)
	auth, err := b.api.AuthTestContext(authCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("auth.test: %w", err)
	}
	b.botUser = auth.UserID

	// Work outlives ctx by the grace, so replies in flight still arrive.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	b.pool.start(workCtx, b.cfg.Workers)

	sockCtx, stopSock := context.WithCancel(ctx)
	defer stopSock()
	sockErr := make(chan error, 1)
	go func() { sockErr <- b.sm.RunContext(sockCtx) }()

	var runErr error
	sockDone := false
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err := <-sockErr:
			sockDone = true
			if !errors.Is(err, context.Canceled) {
				runErr = fmt.Errorf("socket mode: %w", err)
			}
			break loop
		case evt := <-b.sm.Events:
			b.dispatch(ctx, evt)
		}
	}
	b.ready.Down("shutting down")
	stopSock()
	if !sockDone {
		// Without this wait the Socket Mode client outlives Run, and may
		// even finish dialling Slack after the bot has stopped.
		<-sockErr
	}

	drained := make(chan struct{})
	go func() { b.pool.close(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(b.cfg.ShutdownGrace):
		b.log.Warn("shutdown grace over; abandoning in-flight work")
		stopWork()
		<-drained
	}
	return runErr
}

// dispatch handles one event from the socket. It must not block on Slack:
// everything slow goes to the pool after the ack.
func (b *Bot) dispatch(ctx context.Context, evt socketmode.Event) {
	received := time.Now()
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Info("connecting to Slack")
	case socketmode.EventTypeConnected:
		b.ready.Up()
		b.log.Info("connected to Slack")
	case socketmode.EventTypeHello:
	case socketmode.EventTypeDisconnect:
		reason := "unknown"
		if evt.Request != nil && evt.Request.Reason != "" {
			reason = evt.Request.Reason
		}
		b.ready.Down(reason)
		b.metrics.Reconnect(reason)
		b.log.Info("Slack asked to reconnect", zap.String("reason", reason))
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.ready.Down(string(evt.Type))
		b.metrics.Reconnect(string(evt.Type))
		b.log.Warn("socket mode error", zap.String("type", string(evt.Type)), zap.Any("detail", describe(evt.Data)))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("Slack refused the app token (invalid_auth)")
	case socketmode.EventTypeErrorBadMessage:
		b.log.Warn("unreadable envelope", zap.Any("detail", describe(evt.Data)))
	case socketmode.EventTypeSlashCommand:
		b.onCommand(ctx, evt, received)
	case socketmode.EventTypeInteractive:
		b.onInteractive(ctx, evt, received)
	case socketmode.EventTypeEventsAPI:
		b.onEvent(ctx, evt, received)
	}
}

// describe turns slack-go's error payloads into something loggable without
// dumping raw frames (which may hold users' text).
func describe(v any) string {
	switch d := v.(type) {
	case *socketmode.ErrorBadMessage:
		return d.Cause.Error()
	case error:
		return d.Error()
	case nil:
		return ""
	}
	return fmt.Sprintf("%T", v)
}
