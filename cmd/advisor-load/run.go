package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// Hard limits: every run is bounded in envelopes and in time, whatever the
// flags say.
const (
	maxEnvelopes   = 1_000_000
	maxConcurrency = 10_000
	maxRate        = 100_000
	maxDuration    = 10 * time.Minute
	maxTimeout     = 15 * time.Minute
	maxWait        = time.Minute // ack, reply and idle waits
	maxInflightCap = 100_000
	connectTimeout = 30 * time.Second // bot start to socket connected
	stopGrace      = 10 * time.Second // SIGTERM to SIGKILL
	rssSampleEvery = 50 * time.Millisecond
)

type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

var errHelp = errors.New("help printed")

// options are the parsed flags.
type options struct {
	n, c         int
	rate         float64
	duration     time.Duration
	mix          mix
	users        int
	timeout      time.Duration
	ackTimeout   time.Duration
	replyTimeout time.Duration
	idle         time.Duration
	maxInflight  int
	json         bool
	verbose      bool
	transport    string   // "socket" or "http"
	botArgv      []string // nil: build and run the project's bot
	botEnv       []string
	cpuProfile   string // this process's CPU profile over the load, if set
	memProfile   string // this process's heap profile at the end of the load, if set
}

// rateMode reports whether the run is at a fixed rate (else N at C).
func (o options) rateMode() bool { return o.rate > 0 }

// envelopes is the run's envelope budget.
func (o options) envelopes() int {
	if o.rateMode() {
		return int(math.Round(o.rate * o.duration.Seconds()))
	}
	return o.n
}

const usageText = `advisor-load: drive a Socket Mode bot through the Slack emulator and measure it.

Usage:
  advisor-load [flags]                       build ./cmd/fractional-advisor and load it
  advisor-load [flags] -bot-cmd "BIN ARGS"   load any Socket Mode app (given SLACK_APP_TOKEN,
                                             SLACK_BOT_TOKEN and SLACK_API_URL)
  advisor-load [flags] -- BIN ARGS...        the same, without splitting on spaces

Two modes: N envelopes at concurrency C (closed loop: each of C users waits
for its reply before the next), or a fixed rate for a duration (open loop).

Examples:
  advisor-load -n 5000 -c 16
  advisor-load -rate 1000 -duration 30s
  advisor-load -rate 5000 -duration 10s -json

Flags:
`

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("advisor-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageText)
		fs.PrintDefaults()
	}
	fs.IntVar(&o.n, "n", 1000, fmt.Sprintf("envelopes to send (count mode; at most %d)", maxEnvelopes))
	fs.IntVar(&o.c, "c", 8, fmt.Sprintf("concurrency: users acting at once (count mode; at most %d)", maxConcurrency))
	fs.Float64Var(&o.rate, "rate", 0, fmt.Sprintf("envelopes per second (rate mode; at most %d)", maxRate))
	fs.DurationVar(&o.duration, "duration", 10*time.Second, fmt.Sprintf("how long to send at -rate (at most %s)", maxDuration))
	mixFlag := fs.String("mix", "ask=40,mention=20,dm=20,assess=20",
		"shares of transactions: ask (slash command), mention, dm, assess (modal opened and submitted: 2 envelopes)")
	fs.IntVar(&o.users, "users", 0, "distinct users, reused in turn; 0 gives each transaction a fresh user (the bot limits each user's rate)")
	fs.DurationVar(&o.timeout, "timeout", 0, fmt.Sprintf("give up after this long in all (default: the load's length plus 2m; at most %s)", maxTimeout))
	fs.DurationVar(&o.ackTimeout, "ack-timeout", 5*time.Second, "an envelope without an ack this long is an error")
	fs.DurationVar(&o.replyTimeout, "reply-timeout", 5*time.Second, "an envelope without its reply this long after it was written is an error")
	fs.DurationVar(&o.idle, "idle", time.Second, "wait after the bot connects before reading its idle memory")
	fs.IntVar(&o.maxInflight, "max-inflight", 20_000, "rate mode: most transactions in flight; beyond it a tick is an error (generator_overload)")
	fs.StringVar(&o.transport, "transport", "socket", "how the emulator reaches the bot: socket (Socket Mode) or http (signed POSTs to /slack/events, SLACK_MODE=http)")
	fs.BoolVar(&o.json, "json", false, "print the report as one JSON line instead of a table")
	fs.BoolVar(&o.verbose, "v", false, "copy the bot's output to stderr")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the load tool's own CPU profile over the load to this file (the bot has ADVISOR_PPROF)")
	fs.StringVar(&o.memProfile, "memprofile", "", "write the load tool's own heap profile, taken at the end of the load, to this file")
	botCmd := fs.String("bot-cmd", "", "the bot's command line, split on spaces (default: build and run fractional-advisor serve)")
	var env multiFlag
	fs.Var(&env, "bot-env", "NAME=value for the bot's environment (repeatable; e.g. ADVISOR_WORKERS=16)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, errHelp
		}
		return o, &usageError{msg: err.Error()}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var err error
	if o.mix, err = parseMix(*mixFlag); err != nil {
		return o, usagef("%v", err)
	}
	switch {
	case *botCmd != "" && fs.NArg() > 0:
		return o, usagef("give the bot command with -bot-cmd or after --, not both")
	case *botCmd != "":
		o.botArgv = strings.Fields(*botCmd)
	case fs.NArg() > 0:
		o.botArgv = fs.Args()
	}
	for _, kv := range env {
		if name, _, ok := strings.Cut(kv, "="); !ok || name == "" {
			return o, usagef("-bot-env %q is not NAME=value", kv)
		}
	}
	o.botEnv = env
	if o.transport != "socket" && o.transport != "http" {
		return o, usagef("-transport %q: socket or http", o.transport)
	}

	if o.rateMode() {
		if set["n"] || set["c"] {
			return o, usagef("-n and -c are for count mode; with -rate, use -duration")
		}
		if o.rate > maxRate || math.IsNaN(o.rate) {
			return o, usagef("-rate %g: at most %d envelopes/s", o.rate, maxRate)
		}
		if o.duration < time.Second || o.duration > maxDuration {
			return o, usagef("-duration %s: from 1s to %s", o.duration, maxDuration)
		}
		if o.envelopes() > maxEnvelopes {
			return o, usagef("-rate × -duration is %d envelopes: at most %d", o.envelopes(), maxEnvelopes)
		}
		if o.envelopes() < 1 {
			return o, usagef("-rate × -duration is less than one envelope")
		}
	} else {
		if o.rate < 0 {
			return o, usagef("-rate %g: must be positive", o.rate)
		}
		if set["duration"] {
			return o, usagef("-duration needs -rate")
		}
		if o.n < 1 || o.n > maxEnvelopes {
			return o, usagef("-n %d: from 1 to %d", o.n, maxEnvelopes)
		}
		if o.c < 1 || o.c > maxConcurrency {
			return o, usagef("-c %d: from 1 to %d", o.c, maxConcurrency)
		}
	}
	if o.users < 0 || o.users > maxEnvelopes {
		return o, usagef("-users %d: from 0 to %d", o.users, maxEnvelopes)
	}
	for name, d := range map[string]time.Duration{"ack-timeout": o.ackTimeout, "reply-timeout": o.replyTimeout} {
		if d <= 0 || d > maxWait {
			return o, usagef("-%s %s: more than 0, at most %s", name, d, maxWait)
		}
	}
	if o.idle < 0 || o.idle > maxWait {
		return o, usagef("-idle %s: from 0 to %s", o.idle, maxWait)
	}
	if o.maxInflight < 1 || o.maxInflight > maxInflightCap {
		return o, usagef("-max-inflight %d: from 1 to %d", o.maxInflight, maxInflightCap)
	}
	if o.timeout == 0 {
		o.timeout = 2 * time.Minute
		if o.rateMode() {
			o.timeout += o.duration
		} else {
			o.timeout += 3 * time.Minute // enough for a million envelopes at a few thousand a second
		}
		o.timeout = min(o.timeout, maxTimeout)
	}
	if o.timeout < 0 || o.timeout > maxTimeout {
		return o, usagef("-timeout %s: at most %s", o.timeout, maxTimeout)
	}
	return o, nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// run is the whole program.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeoutCause(ctx, o.timeout, fmt.Errorf("-timeout %s reached", o.timeout))
	defer cancel()

	argv := o.botArgv
	// The bot's database, unless -bot-env names one: a SQLite file that
	// goes with the run.
	dir, err := os.MkdirTemp("", "advisor-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if argv == nil {
		bin, err := buildBot(ctx, dir, stderr)
		if err != nil {
			return err
		}
		argv = []string{bin, "serve"}
	}

	var slackAddr string
	var targets []string
	if o.transport == "http" {
		if slackAddr, err = freeAddr(); err != nil {
			return err
		}
		targets = []string{"http://" + slackAddr + "/slack/events"}
	}
	emu, err := slacktest.Start(slacktest.Config{
		HTTPTargets: targets,
		// Slack retries a late event; a load test counts it late instead.
		HTTPRetries: -1,
		// The emulator shares the machine with the bot it measures, so it
		// keeps little: no records (the tool counts through hooks), and the
		// rest only while a transaction can still refer to it. An
		// assessment's last reply goes to the response_url of its first
		// envelope, two replies (each at most a timeout) back.
		MaxRecords:  -1,
		ForgetAfter: 2*max(o.replyTimeout, o.ackTimeout) + time.Second,
		AckTimeout:  o.ackTimeout,
	})
	if err != nil {
		return err
	}
	defer emu.Close()
	res, track := newResults(), newTracker()
	emu.OnPost(track.onPost)

	app, tok := emu.Tokens()
	db := "sqlite:" + filepath.Join(dir, "advisor.db")
	slack := slackEnv{apiURL: emu.APIURL(), appToken: app, botToken: tok, signingSecret: emu.SigningSecret(), slackAddr: slackAddr}
	bot, err := startBot(argv, botEnv(os.Environ(), slack, db, o.botEnv), stderr, o.verbose)
	if err != nil {
		return err
	}
	defer bot.stop(stopGrace)
	var stats BotStats
	stats.PID = bot.pid()
	if err := waitConnected(ctx, emu, bot); err != nil {
		return err
	}
	stats.StartToConnectMs = ms(time.Since(bot.started))
	select {
	case <-time.After(o.idle):
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	rss, _, err := memKB(bot.pid())
	if err != nil {
		return fmt.Errorf("bot memory: %w", err)
	}
	stats.IdleRSSMB = float64(rss) / 1024

	// From here on, the bot's errors are the run's: count them.
	emu.OnCall(res.countSlackErrors)
	cpu0, err := cpuSeconds(bot.pid())
	if err != nil {
		return fmt.Errorf("bot cpu: %w", err)
	}
	prof, err := startProfile(o.cpuProfile, o.memProfile)
	if err != nil {
		return err
	}
	defer prof.stop() // on early returns; the normal path stops it after the load
	self0, wall0 := selfCPUSeconds(), time.Now()
	sampler := startRSSSampler(bot.pid())

	d := &driver{emu: emu, track: track, res: res, users: o.users, replyTimeout: o.replyTimeout, answers: answerSets()}
	sched := newScheduler(o.mix, o.envelopes())
	var maxLag time.Duration
	if o.rateMode() {
		maxLag = driveRate(ctx, d.run, d.res.fail, sched, o)
	} else {
		driveCount(ctx, d, sched, o.c)
	}

	cpu1, err := cpuSeconds(bot.pid())
	wall := time.Since(wall0)
	peakRun := sampler.stop()
	if err != nil || !bot.alive() {
		return bot.exitError()
	}
	_, hwm, err := memKB(bot.pid())
	if err != nil {
		return fmt.Errorf("bot memory: %w", err)
	}
	_, selfHWM, _ := memKB(os.Getpid())
	// VmHWM is the kernel's high-water mark, but its RSS counters are
	// per-thread caches that lag a little: a sample can top it.
	stats.PeakRSSMB = float64(max(hwm, peakRun)) / 1024
	stats.PeakRSSRunMB = float64(peakRun) / 1024
	stats.CPUSeconds = cpu1 - cpu0
	stats.CPUUtilization = stats.CPUSeconds / wall.Seconds()
	stats.LoadToolCPUSecs = selfCPUSeconds() - self0
	stats.LoadToolPeakMB = float64(selfHWM) / 1024
	if err := prof.stop(); err != nil {
		return err
	}

	r := buildReport(o, res, track, stats, maxLag)
	if ctx.Err() != nil {
		r.ErrorKinds["timeout"]++
		r.Errors++
	}
	if o.json {
		err = r.WriteJSON(stdout)
	} else {
		err = r.WriteTable(stdout)
	}
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if r.Errors > 0 {
		return fmt.Errorf("%d errors", r.Errors)
	}
	return nil
}

// waitConnected waits until the bot's socket is connected, failing at once
// if the bot exits.
func waitConnected(ctx context.Context, emu *slacktest.Server, bot *botProc) error {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	go func() {
		select {
		case <-bot.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	wait, what := emu.WaitConnected, "connect its socket"
	if len(emu.Config().HTTPTargets) > 0 {
		wait, what = emu.WaitHTTPReady, "listen for Slack"
	}
	if err := wait(ctx); err != nil {
		if !bot.alive() {
			return bot.exitError()
		}
		return fmt.Errorf("bot did not %s within %s: %w; its stderr ends:\n%s", what, connectTimeout, err, bot.stderr.tail(2048))
	}
	return nil
}

// freeAddr returns a loopback address whose port was free a moment ago,
// for the bot to listen on in HTTP mode.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// driveCount runs the schedule on c workers, each waiting for its
// transaction to finish before taking the next.
func driveCount(ctx context.Context, d *driver, sched *scheduler, c int) {
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			for ctx.Err() == nil {
				t, ok := sched.next()
				if !ok {
					return
				}
				d.run(ctx, t)
			}
		})
	}
	wg.Wait()
}

// driveRate starts transactions at the rate that makes o.rate envelopes a
// second, for o.duration, without waiting for earlier ones (open loop: a
// slow bot does not slow the load). When it falls behind it catches up at
// once. It returns how far behind the schedule it fell at most.
func driveRate(ctx context.Context, run func(context.Context, tx), fail func(string), sched *scheduler, o options) time.Duration {
	interval := time.Duration(float64(time.Second) * o.mix.envelopesPerTx() / o.rate)
	// Transactions run on goroutines that are reused, up to maxInflight: a
	// new goroutine per transaction would grow its stack (and copy it) on
	// every encode, a tenth of the tool's CPU.
	jobs := make(chan tx)
	workers := 0
	var wg sync.WaitGroup
	defer wg.Wait()
	defer close(jobs)
	var maxLag time.Duration
	start := time.Now()
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if due.Sub(start) >= o.duration {
			return maxLag
		}
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait): // Go 1.23+ collects an unread timer
			case <-ctx.Done():
				return maxLag
			}
		} else {
			maxLag = max(maxLag, -wait)
		}
		t, ok := sched.next()
		if !ok {
			return maxLag
		}
		select {
		case jobs <- t: // an idle worker took it
		case <-ctx.Done():
			return maxLag
		default:
			if workers == o.maxInflight {
				fail("generator_overload")
				continue
			}
			workers++
			wg.Go(func() {
				for ok := true; ok; t, ok = <-jobs {
					run(ctx, t)
				}
			})
		}
	}
}

// rssSampler polls the bot's VmRSS for the highest value during the load.
type rssSampler struct {
	done chan struct{}
	peak chan int64
}

func startRSSSampler(pid int) *rssSampler {
	s := &rssSampler{done: make(chan struct{}), peak: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(rssSampleEvery)
		defer t.Stop()
		for {
			if rss, _, err := memKB(pid); err == nil {
				peak = max(peak, rss)
			}
			select {
			case <-s.done:
				s.peak <- peak
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *rssSampler) stop() int64 {
	close(s.done)
	return <-s.peak
}

// buildReport turns the results into the report.
func buildReport(o options, res *results, track *tracker, bot BotStats, maxLag time.Duration) *Report {
	res.mu.Lock()
	defer res.mu.Unlock()
	r := &Report{
		Mode:        "count",
		Transport:   o.transport,
		Mix:         o.mix.String(),
		Users:       o.users,
		Envelopes:   res.envelopes,
		Acked:       res.acked,
		Replies:     res.replies,
		AckReplies:  res.ackReplies,
		Ack:         summarize(res.ack),
		Reply:       summarize(res.reply),
		ReplyByKind: map[string]Dist{},
		ErrorKinds:  maps.Clone(res.errs),
		MaxLagMs:    ms(maxLag),
		Bot:         bot,
		LoadAvg:     loadAvg(),
		Host:        fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
	}
	if o.rateMode() {
		r.Mode, r.TargetRate = "rate", o.rate
	} else {
		r.Concurrency = o.c
	}
	for _, k := range slices.Sorted(maps.Keys(res.replyByKind)) {
		r.ReplyByKind[k] = summarize(res.replyByKind[k])
	}
	if n := track.leftovers(); n > 0 {
		r.UnmatchedPosts = n
	}
	for _, n := range r.ErrorKinds {
		r.Errors += n
	}
	if !res.firstSend.IsZero() {
		r.SendSeconds = res.lastSend.Sub(res.firstSend).Seconds()
		r.TotalSecs = res.lastDone.Sub(res.firstSend).Seconds()
	}
	if r.SendSeconds > 0 {
		r.SendRate = float64(r.Envelopes) / r.SendSeconds
	}
	if r.TotalSecs > 0 {
		r.ReplyRate = float64(r.Replies) / r.TotalSecs
	}
	if r.Envelopes > 0 {
		r.Bot.CPUPer1000 = r.Bot.CPUSeconds / float64(r.Envelopes) * 1000
	}
	return r
}
