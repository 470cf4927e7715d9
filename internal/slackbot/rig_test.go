package slackbot

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// waitTime bounds every wait in the emulator tests; a pass is much faster.
const waitTime = 10 * time.Second

// rig is a bot running against the emulator, for fault-injection tests.
type rig struct {
	emu     *slacktest.Server
	bot     *Bot
	metrics *ops.Metrics
	ready   *ops.Readiness
	logs    *observer.ObservedLogs
	cancel  context.CancelFunc
	done    chan error
	stopped bool
	runErr  error
}

// rigOpts tunes a rig: the emulator's and the bot's settings, the search,
// and a hook run on the bot before it starts (to set test seams).
type rigOpts struct {
	emu      slacktest.Config
	cfg      Config
	search   Searcher
	kb       KnowledgeBase
	setup    func(*Bot)
	faults   map[string][]slacktest.Fault // injected before the bot starts
	noWait   bool                         // do not wait for the first connection
	tokenBot string                       // a bot token other than the emulator's
}

// startRig starts the emulator and the bot; cleanup stops both and checks
// that Run returned nil (unless the test stopped it itself).
func startRig(t *testing.T, o rigOpts) *rig {
	t.Helper()
	emu, err := slacktest.Start(o.emu)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	for method, fs := range o.faults {
		for _, f := range fs {
			emu.FailNext(method, f)
		}
	}
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	httpClient := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	appToken, botToken := emu.Tokens()
	if o.tokenBot != "" {
		botToken = o.tokenBot
	}
	core, logs := observer.New(zapcore.DebugLevel)
	cfg := o.cfg
	if cfg.SlackTimeout == 0 {
		cfg.SlackTimeout = 5 * time.Second
	}
	if cfg.ShutdownGrace == 0 {
		cfg.ShutdownGrace = 5 * time.Second
	}
	if cfg.ReconnectBase == 0 {
		cfg.ReconnectBase = 10 * time.Millisecond
	}
	if cfg.ReconnectMax == 0 {
		cfg.ReconnectMax = 100 * time.Millisecond
	}
	search, kb := o.search, o.kb
	if search == nil {
		search = noAnswers{}
	}
	if kb == nil {
		kb = noAnswers{}
		if k, ok := search.(KnowledgeBase); ok {
			kb = k
		}
	}
	r := &rig{emu: emu, metrics: ops.NewMetrics(), ready: ops.NewReadiness(0, nil), logs: logs, done: make(chan error, 1)}
	r.bot = New(Deps{BotToken: botToken, AppToken: appToken, HTTP: httpClient, APIURL: emu.APIURL(), Search: search, KB: kb,
		Log: zap.New(core), Metrics: r.metrics, Readiness: r.ready}, cfg)
	if o.setup != nil {
		o.setup(r.bot)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.done <- r.bot.Run(ctx) }()
	t.Cleanup(func() {
		if err := r.stop(t); err != nil {
			t.Errorf("Run returned %v, want nil", err)
		}
		if t.Failed() {
			for _, e := range logs.All() {
				t.Logf("%s %s %v", e.Level, e.Message, e.ContextMap())
			}
		}
	})
	if !o.noWait {
		ctx, cancel := context.WithTimeout(context.Background(), waitTime)
		defer cancel()
		if err := emu.WaitConnected(ctx); err != nil {
			t.Fatalf("the bot did not connect: %v", err)
		}
	}
	return r
}

// stop ends Run as SIGTERM would and returns its error; it is idempotent.
func (r *rig) stop(t *testing.T) error {
	t.Helper()
	if r.stopped {
		return r.runErr
	}
	r.stopped = true
	r.cancel()
	select {
	case r.runErr = <-r.done:
	case <-time.After(waitTime):
		t.Fatal("Run did not return after its context ended")
	}
	return r.runErr
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	t.Cleanup(cancel)
	return ctx
}

// mention sends an app_mention from user and returns its event info.
func (r *rig) mention(t *testing.T, user, text string) slacktest.EventInfo {
	t.Helper()
	_, info, err := r.emu.Mention(ctxT(t), slacktest.Message{UserID: user, Text: "<@" + r.emu.Config().BotUserID + "> " + text})
	if err != nil {
		t.Fatalf("mention %q: %v", clipText(text), err)
	}
	return info
}

// inThread matches the bot's posts in a mention's thread.
func inThread(info slacktest.EventInfo) func(slacktest.Posted) bool {
	return func(p slacktest.Posted) bool { return p.ThreadTS == info.TS }
}

// waitPost waits for a post matching match.
func (r *rig) waitPost(t *testing.T, what string, match func(slacktest.Posted) bool) slacktest.Posted {
	t.Helper()
	p, err := r.emu.WaitPost(ctxT(t), match)
	if err != nil {
		t.Fatalf("no %s: %v", what, err)
	}
	return p
}

// count is how many posts match.
func (r *rig) count(match func(slacktest.Posted) bool) int {
	n := 0
	for _, p := range r.emu.Posts() {
		if match(p) {
			n++
		}
	}
	return n
}

// answeredOnce checks that the mention got exactly one reply, an answer.
func (r *rig) answeredOnce(t *testing.T, info slacktest.EventInfo) {
	t.Helper()
	p := r.waitPost(t, "answer", inThread(info))
	if ids := blockIDs(p.Blocks); !hasPrefix(ids, "faq:") {
		t.Errorf("the reply is not an answer: blocks %v", ids)
	}
	if n := r.count(inThread(info)); n != 1 {
		t.Errorf("%d replies in the thread, want 1", n)
	}
}

// waitUntil polls cond (a metric, readiness) until it holds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !waitFor(cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

func (r *rig) reconnects(reason string) float64 {
	return testutil.ToFloat64(r.metrics.Reconnects.WithLabelValues(reason))
}

// logged counts log entries at level whose message contains msg.
func (r *rig) logged(level zapcore.Level, msg string) int {
	return r.logs.Filter(func(e observer.LoggedEntry) bool {
		return e.Level == level && strings.Contains(e.Message, msg)
	}).Len()
}

// blockIDs lists the block_ids in a JSON array of blocks.
func blockIDs(raw json.RawMessage) []string {
	var blocks []struct {
		BlockID string `json:"block_id"`
	}
	_ = json.Unmarshal(raw, &blocks)
	ids := make([]string, 0, len(blocks))
	for _, b := range blocks {
		ids = append(ids, b.BlockID)
	}
	return ids
}

func hasPrefix(ids []string, prefix string) bool {
	for _, id := range ids {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}

func hasBlock(id string) func(slacktest.Posted) bool {
	return func(p slacktest.Posted) bool {
		for _, b := range blockIDs(p.Blocks) {
			if b == id {
				return true
			}
		}
		return false
	}
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// gate blocks pool jobs until opened; started counts jobs that reached it.
type gate struct {
	open    chan struct{}
	once    sync.Once
	started chan request
}

func newGate(n int) *gate { return &gate{open: make(chan struct{}), started: make(chan request, n)} }

func (g *gate) wait(r request) {
	select {
	case g.started <- r:
	default:
	}
	<-g.open
}

func (g *gate) release() { g.once.Do(func() { close(g.open) }) }

// realKB loads the built-in knowledge base.
func realKB(t *testing.T) (*faq.Index, *faq.KB) {
	t.Helper()
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		t.Fatal(err)
	}
	return faq.NewIndex(kb), kb
}

// answerAll is a searcher that answers every question with one entry, so
// tests can tell an answer from a note without the real ranking.
type answerAll struct{ e *faq.Entry }

func (a answerAll) Search(string) faq.Result {
	return faq.Result{Match: &faq.Hit{Entry: a.e, Score: 1}}
}
func (a answerAll) Entry(string) (*faq.Entry, bool) { return nil, false }
func (a answerAll) Entries() []*faq.Entry           { return nil }

func anAnswer() answerAll {
	return answerAll{&faq.Entry{ID: "cost", Question: "What does it cost?", Answer: "It depends."}}
}
