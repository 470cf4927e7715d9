// Package apptest starts the whole bot (app.Serve) against the Slack
// emulator, for end-to-end tests: the one test rig of the project. Tests
// build its configuration as values, so they can run in parallel.
package apptest

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/app"
	"github.com/fractional-advisor/fractional-advisor/internal/bot"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/fractional-advisor/fractional-advisor/internal/slack"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// WaitTime bounds every wait for the bot: far more than it needs, far
// less than a user would wait.
const WaitTime = 10 * time.Second

// Options tune a rig; the zero value runs the bot as shipped.
type Options struct {
	Emulator slacktest.Config
	// Faults are injected before the bot starts (method → faults in turn).
	Faults map[string][]slacktest.Fault
	// Config edits the bot's configuration after the rig has set it up.
	Config func(*config.Config)
	// Search replaces the real search over the built-in knowledge base.
	Search bot.Searcher
	// NoWait does not wait for the bot's first connection.
	NoWait bool
	// Server is an emulator to share with another rig (replicas); nil
	// starts one for this rig.
	Server *slacktest.Server
	// DB is where the bot remembers: "" is a SQLite file of the test's
	// own, "none" no store at all, else an ADVISOR_DB address.
	DB string
	// Store wraps the store the rig opened (a test's faults); nil uses it
	// as it is.
	Store func(store.Store) store.Store
	// HTTPAddr, when set, runs the bot in HTTP mode listening there
	// (FreeAddr), signed with the emulator's secret; the emulator must
	// deliver to it (slacktest.Config.HTTPTargets).
	HTTPAddr string
}

// Rig is the bot running against the emulator.
type Rig struct {
	Emu     *slacktest.Server
	Config  config.Config
	Metrics *ops.Metrics
	Ready   *ops.Readiness
	// Store is what the bot remembers in (nil with DB "none").
	Store store.Store

	search  bot.Searcher
	log     *Buffer // the bot's log, JSON lines as in production
	logs    *observer.ObservedLogs
	cancel  context.CancelFunc
	done    chan error
	mu      sync.Mutex
	stopped bool
	runErr  error
}

// Start starts the emulator and the bot, and waits for the bot to connect
// unless told not to. Cleanup stops both, checks that the bot returned nil
// (unless the test stopped it itself) and that no token reached its log.
func Start(t *testing.T, o Options) *Rig {
	t.Helper()
	emu := o.Server
	if emu == nil {
		var err error
		if emu, err = slacktest.Start(o.Emulator); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = emu.Close() })
	}
	for method, faults := range o.Faults {
		for _, f := range faults {
			emu.FailNext(method, f)
		}
	}
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		t.Fatal(err)
	}

	cfg := config.Defaults()
	cfg.AppToken, cfg.BotToken = emu.Tokens()
	cfg.APIURL = emu.APIURL()
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.LogLevel = "debug" // the most the log ever holds: users' text
	cfg.SlackTimeout = 5 * time.Second
	cfg.ShutdownGrace = 5 * time.Second
	cfg.ReconnectMax = 100 * time.Millisecond
	if o.HTTPAddr != "" {
		cfg.Mode, cfg.SlackAddr, cfg.SigningSecret, cfg.AppToken = config.ModeHTTP, o.HTTPAddr, emu.SigningSecret(), ""
	}
	switch o.DB {
	case "", "none":
		cfg.DB = "sqlite:" + filepath.Join(t.TempDir(), "advisor.db")
	default:
		cfg.DB = o.DB
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var st store.Store
	if o.DB != "none" {
		if st, err = store.Open(context.Background(), cfg.DB); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		if o.Store != nil {
			st = o.Store(st)
		}
	}

	r := &Rig{Emu: emu, Config: cfg, search: o.Search, Store: st, Metrics: ops.NewMetrics(), Ready: ops.NewReadiness(0, nil), log: &Buffer{}, done: make(chan error, 1)}
	var observed zapcore.Core
	observed, r.logs = observer.New(zapcore.DebugLevel)
	enc := zap.NewProductionEncoderConfig()
	log := zap.New(zapcore.NewTee(observed, zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(r.log), zapcore.DebugLevel)))

	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		r.done <- app.Serve(ctx, cfg, app.Deps{Log: log, KB: kb, Search: o.Search, Metrics: r.Metrics, Ready: r.Ready, Store: st})
	}()
	t.Cleanup(func() {
		if err := r.Stop(t); err != nil {
			t.Errorf("the bot returned %v, want nil", err)
		}
		all := r.log.String()
		for _, tok := range []string{cfg.AppToken, cfg.BotToken} {
			if tok == "" {
				continue // no app token in HTTP mode
			}
			_, secret, _ := strings.Cut(tok, "-")
			if strings.Contains(all, tok) || strings.Contains(all, secret) {
				t.Errorf("a token (%s) appears in the bot's log", tok[:5])
			}
		}
		if cfg.SigningSecret != "" && strings.Contains(all, cfg.SigningSecret) {
			t.Error("the signing secret appears in the bot's log")
		}
		if t.Failed() {
			t.Logf("the bot's log:\n%s", all)
		}
	})
	switch {
	case o.NoWait:
	case o.HTTPAddr != "":
		WaitUntil(t, "the bot to be ready", func() bool { ok, _ := r.Ready.Ready(); return ok })
	default:
		if err := emu.WaitConnected(Ctx(t)); err != nil {
			t.Fatalf("the bot did not connect: %v", err)
		}
	}
	return r
}

// Stop ends the bot as SIGTERM would and returns what it returned; it is
// idempotent.
func (r *Rig) Stop(t *testing.T) error {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped {
		return r.runErr
	}
	r.stopped = true
	// A gate still closed would hold the drain, and the test's real
	// failure would hide behind a timeout.
	if g, ok := r.search.(interface{ Release() }); ok {
		g.Release()
	}
	r.cancel()
	select {
	case r.runErr = <-r.done:
	case <-time.After(WaitTime):
		t.Fatal("the bot did not stop after its context ended")
	}
	return r.runErr
}

// Exited waits for the bot to stop by itself (a refused token) and returns
// what it returned.
func (r *Rig) Exited(t *testing.T) error {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case err := <-r.done:
		r.stopped = true
		return err
	case <-time.After(WaitTime):
		t.Fatal("the bot did not stop")
		return nil
	}
}

// Log is everything the bot logged so far, as JSON lines.
func (r *Rig) Log() string { return r.log.String() }

// Logged counts log entries at level whose message contains msg.
func (r *Rig) Logged(level zapcore.Level, msg string) int {
	return r.logs.Filter(func(e observer.LoggedEntry) bool {
		return e.Level == level && strings.Contains(e.Message, msg)
	}).Len()
}

// LoggedWith counts log entries with message msg and field key = value.
func (r *Rig) LoggedWith(msg, key, value string) int {
	return r.logs.Filter(func(e observer.LoggedEntry) bool {
		return e.Message == msg && e.ContextMap()[key] == value
	}).Len()
}

// Reconnects is the reconnection count for reason.
func (r *Rig) Reconnects(reason string) float64 {
	return testutil.ToFloat64(r.Metrics.Reconnects.WithLabelValues(reason))
}

// Mention sends an app_mention of the bot from user and returns its event.
func (r *Rig) Mention(t *testing.T, user, text string) slacktest.EventInfo {
	t.Helper()
	_, info, err := r.Emu.Mention(Ctx(t), slacktest.Message{UserID: user, Text: "<@" + r.Emu.Config().BotUserID + "> " + text})
	if err != nil {
		t.Fatalf("mention %q: %v", clip(text), err)
	}
	return info
}

// WaitPost waits for a post matching match.
func (r *Rig) WaitPost(t *testing.T, what string, match func(slacktest.Posted) bool) slacktest.Posted {
	t.Helper()
	p, err := r.Emu.WaitPost(Ctx(t), match)
	if err != nil {
		t.Fatalf("no %s: %v", what, err)
	}
	return p
}

// Count is how many posts match.
func (r *Rig) Count(match func(slacktest.Posted) bool) int {
	n := 0
	for _, p := range r.Emu.Posts() {
		if match(p) {
			n++
		}
	}
	return n
}

// AnsweredOnce checks that a mention got exactly one reply, an answer.
func (r *Rig) AnsweredOnce(t *testing.T, info slacktest.EventInfo) {
	t.Helper()
	p := r.WaitPost(t, "answer", InThread(info))
	if !IsAnswer(p) {
		t.Errorf("the reply is not an answer: blocks %v", p.BlockIDs())
	}
	// The bot logs a request once it is done with it: a second reply
	// would have been posted by then.
	WaitUntil(t, "the request's log line", func() bool { return r.LoggedWith("request", "id", info.EventID) > 0 })
	if n := r.Count(InThread(info)); n != 1 {
		t.Errorf("%d replies in the thread, want 1", n)
	}
}

// InThread matches the bot's posts in a mention's thread.
func InThread(info slacktest.EventInfo) func(slacktest.Posted) bool {
	return func(p slacktest.Posted) bool { return p.ThreadTS == info.TS }
}

// HasBlock matches posts with a block of this id.
func HasBlock(id string) func(slacktest.Posted) bool {
	return func(p slacktest.Posted) bool { return p.HasBlockID(id) }
}

// IsAnswer matches FAQ answers (a faq:ID or faq:none block).
func IsAnswer(p slacktest.Posted) bool { return p.HasBlockIDPrefix("faq:") }

// WaitUntil polls cond (a metric, readiness) until it holds.
func WaitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTime)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Ctx is a context that ends with the test, or after WaitTime.
func Ctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), WaitTime)
	t.Cleanup(cancel)
	return ctx
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Buffer is a bytes.Buffer that a logger (or a process's output) and a
// test may use at once.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// FreeAddr returns a loopback address with a port free a moment ago, for
// a bot in HTTP mode whose address the emulator must know before it
// starts.
func FreeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// EventsURL is where a bot in HTTP mode at addr takes Slack's requests.
func EventsURL(addr string) string { return "http://" + addr + slack.EventsPath }
