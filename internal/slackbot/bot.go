// Package slackbot is the Slack edge: it reads Socket Mode envelopes,
// acknowledges them at once, routes them, and replies through the Web API or
// a response_url. The answers come from the domain (faq, advisor) and the
// blocks from blockkit; this package only moves them.
package slackbot

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
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
	// SlackTimeout bounds each attempt of every Web API and response_url
	// call.
	SlackTimeout time.Duration
	// Workers and Queue size the pool that does the work after acks.
	Workers, Queue int
	// ShutdownGrace is how long in-flight work may run after shutdown
	// starts.
	ShutdownGrace time.Duration
	// DedupeSize and DedupeTTL bound the memory of seen event ids.
	DedupeSize int
	DedupeTTL  time.Duration
	// PingTimeout is how long the socket may go without a ping from Slack
	// before slack-go redials it (socketmode.OptionPingInterval).
	PingTimeout time.Duration
	// ReadLimit bounds one websocket frame (socketmode.OptionReadLimit). A
	// bigger frame drops that connection, which is redialled; it cannot
	// exhaust memory.
	ReadLimit int64
	// ReconnectBase and ReconnectMax shape the jittered exponential backoff
	// between failed attempts to connect (or to pass auth.test).
	ReconnectBase, ReconnectMax time.Duration
	// LinkDisabledRetry is the wait before reconnecting after Slack says
	// Socket Mode was turned off for the app (link_disabled): an admin has
	// to act, so hammering Slack helps nobody.
	LinkDisabledRetry time.Duration
	// CallAttempts is the most attempts one Slack call gets; MaxRetryAfter
	// is the longest Retry-After a call waits out before giving up.
	CallAttempts  int
	MaxRetryAfter time.Duration
	// UserRate is how many requests a user may make per minute (a token
	// bucket per user); negative turns the limit off. RateUsers bounds how
	// many users' buckets are kept.
	UserRate, RateUsers int
	// Notes bounds the short notes ("busy", "slow down") posted outside the
	// pool, so a flood cannot start unbounded goroutines.
	Notes int
	// Debug logs users' text and response_urls; off by default because
	// questions can be sensitive and a response_url lets anyone post as the
	// bot.
	Debug bool
}

// DefaultNotes is how many notes ("busy", "slow down") may be in flight
// unless Config.Notes says otherwise.
const DefaultNotes = 16

// Defaults of the settings that need one.
const (
	defaultReadLimit = 1<<20 + 64<<10 // Slack's frames are far smaller; 1 MiB plus room for the envelope
	rateWindow       = time.Minute
	// socketHandshakeTimeout bounds dialling the websocket (slack-go's
	// default).
	socketHandshakeTimeout = 45 * time.Second
)

func (c Config) withDefaults() Config {
	dur := func(p *time.Duration, v time.Duration) {
		if *p <= 0 {
			*p = v
		}
	}
	num := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	dur(&c.SlackTimeout, 10*time.Second)
	num(&c.Workers, 8)
	num(&c.Queue, 256)
	dur(&c.ShutdownGrace, 20*time.Second)
	num(&c.DedupeSize, 10000)
	dur(&c.DedupeTTL, time.Hour) // Slack retries within minutes
	dur(&c.PingTimeout, 30*time.Second)
	if c.ReadLimit <= 0 {
		c.ReadLimit = defaultReadLimit
	}
	dur(&c.ReconnectBase, 500*time.Millisecond)
	dur(&c.ReconnectMax, 30*time.Second)
	dur(&c.LinkDisabledRetry, time.Minute)
	num(&c.CallAttempts, 3)
	dur(&c.MaxRetryAfter, 30*time.Second)
	if c.UserRate == 0 {
		c.UserRate = 20
	}
	num(&c.RateUsers, 10000)
	num(&c.Notes, DefaultNotes)
	return c
}

// Deps are the bot's collaborators. Metrics and Readiness may be nil.
type Deps struct {
	// BotToken (xoxb-) makes the Web API calls; AppToken (xapp-) opens the
	// Socket Mode connection.
	BotToken, AppToken string
	// HTTP makes every Web API and response_url call; APIURL is the Web
	// API's base URL, whose host response_urls may also use (the
	// emulator's).
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
	api     *slack.Client // auth.test, and the Socket Mode client's own calls
	web     *webAPI       // the calls that post
	sm      *socketmode.Client
	http    *http.Client
	search  Searcher
	kb      KnowledgeBase
	metrics *ops.Metrics
	ready   *ops.Readiness
	seen    *dedupe
	pool    *pool
	limit   *limiter // nil: no per-user limit
	urls    responseURLPolicy
	botUser string // the bot's own user id, to ignore its messages
	conn    connState
	tap     connWatch // fed by the tap on the websocket

	// workCtx outlives Run's context by the shutdown grace; notes and
	// pool jobs use it so replies in flight still arrive.
	workCtx context.Context
	notes   chan struct{} // semaphore for notes posted outside the pool
	side    sync.WaitGroup

	// beforeWork, when set (by tests in this package), runs at the start of
	// every pool job: a seam to block workers or make a handler panic.
	beforeWork func(r request)
}

// New wires a bot from its collaborators and settings.
func New(d Deps, cfg Config) *Bot {
	cfg = cfg.withDefaults()
	b := &Bot{
		cfg:     cfg,
		log:     d.Log,
		http:    d.HTTP,
		search:  d.Search,
		kb:      d.KB,
		metrics: d.Metrics,
		ready:   d.Readiness,
		seen:    newDedupe(cfg.DedupeSize, cfg.DedupeTTL, time.Now),
		notes:   make(chan struct{}, cfg.Notes),
		workCtx: context.Background(),
	}
	if b.log == nil {
		b.log = zap.NewNop()
	}
	if b.ready == nil {
		b.ready = ops.NewReadiness(0, nil)
	}
	if cfg.UserRate > 0 {
		b.limit = newLimiter(cfg.UserRate, rateWindow, cfg.RateUsers, time.Now)
	}
	b.tap = connWatch{pingTimeout: cfg.PingTimeout, onDisconnect: b.onDisconnect}
	if b.http == nil {
		b.http = &http.Client{}
	}
	apiURL := d.APIURL
	if apiURL == "" {
		apiURL = slack.APIURL
	}
	if !strings.HasSuffix(apiURL, "/") {
		apiURL += "/"
	}
	if u, err := url.Parse(apiURL); err == nil {
		b.urls.apiHost = u.Host
	}
	b.api = slack.New(d.BotToken,
		slack.OptionAPIURL(apiURL),
		slack.OptionAppLevelToken(d.AppToken),
		slack.OptionHTTPClient(b.http),
	)
	b.web = &webAPI{http: b.http, base: apiURL, token: d.BotToken}
	b.sm = socketmode.New(b.api,
		socketmode.OptionPingInterval(cfg.PingTimeout),
		socketmode.OptionReadLimit(cfg.ReadLimit),
		// slack-go reports neither disconnect reasons nor ping timeouts;
		// the dialer taps the websocket's reads for them (wstap.go).
		socketmode.OptionDialer(b.tap.dialer(socketHandshakeTimeout)),
	)
	b.pool = newPool(cfg.Queue, func(id string, v any, stack []byte) {
		b.metrics.Panic()
		b.log.Error("handler panicked", zap.String("request_id", id), zap.Any("panic", v), zap.ByteString("stack", stack))
	})
	return b
}

// Run serves until ctx is done, then stops reading envelopes, lets in-flight
// work finish within the shutdown grace, and returns nil. It returns an
// error when Slack refuses a token; every other failure is retried.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.authenticate(ctx); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return nil
	}

	// Work outlives ctx by the grace, so replies in flight still arrive.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	b.workCtx = workCtx
	b.pool.start(workCtx, b.cfg.Workers)

	runErr := b.supervise(ctx)
	b.ready.Down("shutting down")

	drained := make(chan struct{})
	go func() {
		b.pool.close()
		b.side.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(b.cfg.ShutdownGrace):
		b.log.Warn("shutdown grace over; abandoning in-flight work")
		stopWork()
		<-drained
	}
	return runErr
}

// dispatch handles one envelope (or slack-go's report of an unreadable
// one). It must not block on Slack: everything slow goes to the pool after
// the ack.
func (b *Bot) dispatch(ctx context.Context, evt socketmode.Event) {
	received := time.Now()
	switch evt.Type {
	case socketmode.EventTypeIncomingError:
		// A frame that is not JSON at all: slack-go keeps only the error,
		// so there is no envelope_id to ack. Slack will redeliver.
		b.metrics.Envelope("unreadable", "dropped", 0)
		b.log.Warn("unreadable frame", zap.String("detail", describe(evt.Data)))
	case socketmode.EventTypeErrorBadMessage:
		b.onBadMessage(ctx, evt, received)
	case socketmode.EventTypeSlashCommand:
		b.conn.sawEnvelope()
		b.onCommand(ctx, evt, received)
	case socketmode.EventTypeInteractive:
		b.conn.sawEnvelope()
		b.onInteractive(ctx, evt, received)
	case socketmode.EventTypeEventsAPI:
		b.conn.sawEnvelope()
		b.onEvent(ctx, evt, received)
	}
}

// onBadMessage acks an envelope slack-go could not parse (unknown type,
// a payload of the wrong shape) when its envelope_id can be read from the
// raw frame: slack-go does not ack these, and Slack would redeliver them
// again and again.
func (b *Bot) onBadMessage(ctx context.Context, evt socketmode.Event, received time.Time) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	id := ""
	if bad != nil {
		id = recoverEnvelopeID(bad.Message)
	}
	outcome := "dropped" // left to Slack's redelivery
	if id != "" && b.ack(ctx, &socketmode.Request{EnvelopeID: id}, received, nil) {
		outcome = "acked"
	}
	b.metrics.Envelope("unreadable", outcome, time.Since(received).Seconds())
	b.log.Warn("unreadable envelope", zap.String("envelope_id", id), zap.String("detail", describe(evt.Data)))
}

// recoverEnvelopeID reads envelope_id from a raw frame, if it is a sane
// one.
func recoverEnvelopeID(raw []byte) string {
	var f struct {
		EnvelopeID json.RawMessage `json:"envelope_id"`
	}
	if json.Unmarshal(raw, &f) != nil {
		return ""
	}
	var id string
	if json.Unmarshal(f.EnvelopeID, &id) != nil || len(id) == 0 || len(id) > 128 {
		return ""
	}
	for _, r := range id {
		if r < 0x21 || r > 0x7e {
			return ""
		}
	}
	return id
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
