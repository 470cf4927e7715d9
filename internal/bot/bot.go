// Package bot routes what Slack sends to the domain and back: each request
// the adapter (internal/slack) delivers goes to faq or advisor, the answer
// is rendered by blockkit and sent through the adapter. route.go reads top
// to bottom as the contract's routing table; this file runs the work.
package bot

import (
	"context"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/fractional-advisor/fractional-advisor/internal/slack"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
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

// Deps are the bot's collaborators. Metrics, Ready, Store and Recorder
// may be nil (without a store the bot remembers nothing).
type Deps struct {
	Slack   *slack.Client
	Search  Searcher
	KB      KnowledgeBase
	Log     *zap.Logger
	Metrics *ops.Metrics
	Ready   *ops.Readiness
	// Store answers the Home tab's reads; Recorder writes what the bot
	// remembers, after the reply. Claims, when set, decides across
	// replicas which one answers an event (a database they share); without
	// it each process's own memory of event ids does.
	Store    store.Store
	Recorder *store.Recorder
	Claims   Claims
	// Learned takes the answers experts taught the bot whenever they
	// change (the searcher, usually); nil: they are not searched.
	Learned LearnedSink
}

// Claims is the part of the store that shares event ids between replicas.
// Answered events are marked complete through the Recorder, in batches.
type Claims interface {
	ClaimEvent(ctx context.Context, id string, now time.Time) (bool, error)
}

// Fixed bounds of the bot's memory.
const (
	// dedupeSize and dedupeTTL bound the event ids remembered; Slack
	// retries an event within minutes.
	dedupeSize = 10000
	dedupeTTL  = time.Hour
	// rateUsers bounds the per-user rate buckets kept.
	rateUsers  = 10000
	rateWindow = time.Minute
	// quickWorkers make the calls that must not wait behind the answers
	// queued before them: a modal opening (its trigger_id lasts 3 s) and
	// the short notes ("busy", "slow down") about the work being full.
	// Beyond a queue as long, they are refused, so a flood cannot start
	// unbounded goroutines.
	quickWorkers = 16
)

// Bot is the Slack app. Build it with New and start it with Run.
type Bot struct {
	cfg     config.Config
	slack   *slack.Client
	search  Searcher
	kb      KnowledgeBase
	log     *zap.Logger
	metrics *ops.Metrics
	ready   *ops.Readiness
	store   store.Store
	rec     *store.Recorder
	claims  Claims
	learned LearnedSink
	loop    loopState
	seen    *dedupe
	// assistant remembers the assistant threads started here, titled
	// those already named.
	assistant, titled *dedupe
	limit             *limiter // nil: no per-user limit
	work              *pool    // answers, after the ack
	quick             *pool    // modals and notes, which must not queue behind answers
}

// New wires a bot from a validated configuration and its collaborators.
func New(cfg config.Config, d Deps) *Bot {
	b := &Bot{
		cfg:       cfg,
		slack:     d.Slack,
		search:    d.Search,
		kb:        d.KB,
		log:       d.Log,
		metrics:   d.Metrics,
		ready:     d.Ready,
		store:     d.Store,
		rec:       d.Recorder,
		claims:    d.Claims,
		learned:   d.Learned,
		loop:      loopState{version: -1},
		seen:      newDedupe(dedupeSize, dedupeTTL, time.Now),
		assistant: newDedupe(assistantThreads, assistantTTL, time.Now),
		titled:    newDedupe(assistantThreads, assistantTTL, time.Now),
	}
	if b.ready == nil {
		b.ready = ops.NewReadiness(0, nil)
	}
	if cfg.UserRate > 0 {
		b.limit = newLimiter(cfg.UserRate, rateWindow, rateUsers, time.Now)
	}
	onPanic := func(j job, v any, stack []byte) {
		b.panicked(j.kind, j.id, v, stack)
	}
	b.work = newPool(cfg.Queue, onPanic)
	b.quick = newPool(quickWorkers, onPanic)
	return b
}

// Run serves until ctx is done, then stops taking requests, lets the work
// in flight finish within the shutdown grace, and returns nil. It returns
// an error when Slack refuses a token.
func (b *Bot) Run(ctx context.Context) error {
	// Work outlives ctx by the grace, so replies in flight still arrive.
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	b.work.start(workCtx, b.cfg.Workers)
	b.quick.start(workCtx, quickWorkers)
	// The sync stops with the connection, whatever ended it: a refused
	// token must end the process.
	syncCtx, stopSync := context.WithCancel(ctx)
	syncDone := make(chan struct{})
	go func() {
		defer close(syncDone)
		b.syncLoop(syncCtx)
	}()

	err := b.slack.Run(ctx, b.handle)
	stopSync()
	<-syncDone
	b.ready.Stopping()

	drained := make(chan struct{})
	go func() {
		b.work.close()
		b.quick.close() // after the work, whose panics are apologised for there
		close(drained)
	}()
	select {
	case <-drained:
	case <-time.After(b.cfg.ShutdownGrace):
		b.log.Warn("shutdown grace over; abandoning in-flight work")
		stopWork()
		<-drained
	}
	return err
}

// Things the bot says in several places.
const (
	sayBusy    = "I'm a bit busy right now. Please try again in a moment."
	saySorry   = "Sorry, something went wrong on my side. Please try again."
	sayNoModal = "Sorry, I couldn't open the assessment. Please run `/fractional-advisor` again."
	saySlow    = "You're sending me a lot of requests. Please wait a minute and try again."
	// sayNotForgotten must not let the user think it worked.
	sayNotForgotten = "Sorry, I couldn't delete what I keep about you just now. Nothing was deleted; please try again in a few minutes."
)

// request is one handled request, for the one log line it earns.
type request struct {
	kind  string // "command:ask", "event:app_mention", "action:share_recommendation", …
	id    string // envelope or event id
	user  string
	start time.Time
	text  string // logged only in debug
}

// newRequest starts the log record of req.
func newRequest(req *slack.Request, id, user, text string) request {
	if id == "" {
		id = req.ID
	}
	return request{kind: req.Event.Kind(), id: id, user: user, start: req.Received, text: text}
}

// done logs the request's outcome, latency and, in debug, its text, and
// counts it.
func (b *Bot) done(r request, outcome string, err error) {
	took := time.Since(r.start)
	fields := []zap.Field{
		zap.String("type", r.kind),
		zap.String("id", r.id),
		zap.String("user", r.user),
		zap.Duration("latency", took),
		zap.String("outcome", outcome),
	}
	if b.cfg.LogLevel == "debug" && r.text != "" {
		fields = append(fields, zap.String("text", r.text))
	}
	status := outcome
	if err != nil {
		status = "error"
	}
	b.metrics.Envelope(r.kind, status, took.Seconds())
	if err != nil {
		b.log.Error("request failed", append(fields, zap.Error(err))...)
		return
	}
	b.log.Info("request", fields...)
}

// runLater queues work for after the ack, and runSoon the few kinds that
// cannot wait behind it (opening a modal). When the queue is full it counts
// and logs the refusal and returns false, for the caller to say so; a
// panic in work is logged by the pool and apologised for through sorry.
func (b *Bot) runLater(r request, work func(ctx context.Context) (string, error), sorry func(ctx context.Context)) bool {
	return b.run(b.work, r, work, sorry)
}

func (b *Bot) runSoon(r request, work func(ctx context.Context) (string, error), sorry func(ctx context.Context)) bool {
	return b.run(b.quick, r, work, sorry)
}

func (b *Bot) run(p *pool, r request, work func(ctx context.Context) (string, error), sorry func(ctx context.Context)) bool {
	ok := p.submit(job{
		id:   r.id,
		kind: r.kind,
		run: func(ctx context.Context) {
			outcome, err := work(ctx)
			b.done(r, outcome, err)
		},
		onPanic: func(ctx context.Context) {
			b.done(r, "panic", nil) // the pool has logged the panic with its stack
			if sorry != nil {
				sorry(ctx)
			}
		},
	})
	if !ok {
		b.metrics.Rejected()
		b.done(r, "busy", nil)
	}
	return ok
}

// note posts a one-line reply ("busy", "slow down") beside the work, for
// when the work queue is what is full.
func (b *Bot) note(to slack.Target, blockID, text string) {
	if to.IsZero() {
		return
	}
	queued := b.quick.submit(job{id: blockID, kind: "note", run: func(ctx context.Context) {
		if err := b.slack.Post(ctx, to, blockkit.Note(blockID, text)); err != nil {
			b.log.Warn("note not sent", zap.String("note", blockID), zap.Error(err))
		}
	}})
	if !queued {
		b.log.Debug("note dropped: too many in flight", zap.String("note", blockID))
	}
}

// ack acknowledges a request with nothing to say; a failure is logged
// here.
func (b *Bot) ack(req *slack.Request) bool {
	if err := req.Ack(); err != nil {
		b.log.Warn("ack failed", zap.String("envelope_id", req.ID), zap.Error(err))
		return false
	}
	return true
}

// firstTime reports whether an event id has not been handled yet, and
// logs a duplicate.
func (b *Bot) firstTime(r request) bool {
	if r.id == "" || b.seen.first(r.id) {
		return true
	}
	b.metrics.Duplicate()
	b.done(r, "duplicate", nil)
	return false
}

// panicked logs and counts a recovered panic, once, with the request's
// kind and id and never its content.
func (b *Bot) panicked(kind, id string, v any, stack []byte) {
	b.metrics.Panic()
	b.log.Error("handler panicked", zap.String("type", kind), zap.String("request_id", id),
		zap.String("panic", ops.PanicValue(v)), zap.ByteString("stack", stack))
}
