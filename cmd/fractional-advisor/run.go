package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/app"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/demo"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"go.uber.org/zap"
)

// usageError is bad input on the command line: exit status 2, one line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errHelp means help was asked for and printed: exit 0.
var errHelp = errors.New("help printed")

const usage = `fractional-advisor: decide between a fractional CAIO and a fractional CTO.

Usage:
  fractional-advisor [serve]                 connect to Slack over Socket Mode (needs SLACK_APP_TOKEN, SLACK_BOT_TOKEN)
  fractional-advisor demo                    the whole bot against a built-in Slack emulator: no tokens, no network
  fractional-advisor ask [--json] QUESTION   answer one question from the knowledge base, offline
  fractional-advisor recommend [--json] --goal G --infrastructure I --ai-ambition A
                     --engineering-team T --ai-governance V --budget B [--months N]
                                             run the recommendation engine, offline
  fractional-advisor help                    show this help

Examples:
  fractional-advisor ask "how much does a part-time CTO cost?"
  fractional-advisor ask --json "do we need both a CTO and a CAIO?"
  fractional-advisor recommend --goal ai_transformation --infrastructure solid \
      --ai-ambition targeted --engineering-team established --ai-governance high --budget 10k_25k

Settings come from the environment; README.md lists them. Every command takes --help.
`

// run is the whole program; main only maps its error to an exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = strings.ToLower(args[0]), args[1:]
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "recommend":
		return runRecommend(args, stdout) // needs no settings at all
	case "ask":
		// Offline: only the content folder matters, so a bad serve-only
		// setting must not stop it.
		off, err := config.LoadOffline()
		if err != nil {
			return &usageError{msg: err.Error()}
		}
		kb, err := loadKB(off)
		if err != nil {
			return err
		}
		search := faq.NewLive(faq.NewIndex(kb))
		if dsn, ok := config.OfflineDB(); ok {
			if err := loadLearned(ctx, dsn, search); err != nil {
				return err
			}
		}
		return runAsk(args, search, stdout)
	case "serve", "demo":
	default:
		return usagef("unknown command %q (try: fractional-advisor help)", cmd)
	}
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help":
			fmt.Fprint(stdout, usage)
			return errHelp
		}
		return usagef("%s: unexpected argument %q", cmd, clip(args[0]))
	}
	cfg, err := config.Load()
	if err != nil {
		return &usageError{msg: err.Error()} // a bad setting is bad input: exit 2
	}
	if cmd == "demo" {
		return runDemo(ctx, cfg, stdout, stderr)
	}
	return runServe(ctx, cfg, stderr)
}

// runServe is the production path: real tokens, real Slack.
func runServe(ctx context.Context, cfg config.Config, stderr io.Writer) error {
	if err := cfg.Validate(); err != nil {
		return &usageError{msg: err.Error()}
	}
	log, err := newLogger(cfg.LogLevel, false, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()
	setMemoryLimit(log)
	kb, err := loadKB(cfg.Offline)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	return app.Serve(ctx, cfg, app.Deps{Log: log, KB: kb, Store: st})
}

// loadLearned adds the answers experts taught the bot, from the database
// serve keeps, to an offline search. It opens the database read-only and
// never creates it.
func loadLearned(ctx context.Context, dsn string, to *faq.Live) error {
	if _, err := store.ParseDSN(dsn); err != nil {
		return &usageError{msg: "ADVISOR_DB: " + err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := store.OpenExisting(ctx, dsn)
	if err != nil {
		return fmt.Errorf("ADVISOR_DB: %w", err)
	}
	defer st.Close()
	ls, err := st.LearnedAnswers(ctx)
	if err != nil {
		return fmt.Errorf("ADVISOR_DB: %w", err)
	}
	entries := make([]*faq.Entry, 0, len(ls))
	for _, l := range ls {
		entries = append(entries, &faq.Entry{ID: l.ID, Question: l.Question, Answer: l.Answer, Author: l.AuthorID, LearnedAt: l.At})
	}
	to.SetLearned(entries)
	return nil
}

// openStore opens (and creates, or migrates) the database at dsn. An
// address that does not parse was refused by Validate already; here a
// database that cannot be reached or read stops serve in one line.
func openStore(ctx context.Context, dsn string) (store.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("ADVISOR_DB: %w", err)
	}
	return st, nil
}

// setMemoryLimit gives the Go runtime a soft memory limit under the
// container's, unless GOMEMLIMIT already set one.
func setMemoryLimit(log *zap.Logger) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return // GOMEMLIMIT set it
	}
	if limit, ok := ops.CgroupMemoryLimit(os.DirFS("/sys/fs/cgroup")); ok {
		soft := ops.SoftMemoryLimit(limit)
		debug.SetMemoryLimit(soft)
		log.Info("memory limit from the container", zap.Int64("container_bytes", limit), zap.Int64("gomemlimit_bytes", soft))
	}
}

// demoExperts is the emulated experts' channel of the demo.
const demoExperts = "C0EXPERTS"

// runDemo starts the emulator and the bot in this process and plays the
// scripted session.
func runDemo(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		return fmt.Errorf("demo: start emulator: %w", err)
	}
	defer emu.Close()
	cfg.AppToken, cfg.BotToken = emu.Tokens()
	cfg.APIURL = emu.APIURL()
	cfg.HTTPAddr = "" // the demo needs no port
	// A database of its own that goes with the demo, and the demo's user
	// sees the admins' insights.
	dir, err := os.MkdirTemp("", "fractional-advisor-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer os.RemoveAll(dir)
	cfg.DB = "sqlite:" + filepath.Join(dir, "demo.db")
	cfg.Admins = []string{emu.Config().DefaultUserID}
	cfg.ExpertChannel = demoExperts
	if err := cfg.Validate(); err != nil {
		return &usageError{msg: err.Error()}
	}
	level := "warn" // keep the transcript readable; ADVISOR_LOG_LEVEL=info shows each request
	if os.Getenv("ADVISOR_LOG_LEVEL") != "" {
		level = cfg.LogLevel
	}
	log, err := newLogger(level, true, stderr)
	if err != nil {
		return err
	}
	kb, err := loadKB(cfg.Offline)
	if err != nil {
		return err
	}

	st, err := openStore(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer st.Close()

	botCtx, stopBot := context.WithCancel(ctx)
	botErr := make(chan error, 1)
	go func() { botErr <- app.Serve(botCtx, cfg, app.Deps{Log: log, KB: kb, Store: st}) }()
	scriptErr := demo.Run(ctx, emu, stdout, demoExperts, func(ctx context.Context) error {
		// The session asks six questions, votes once and takes the
		// assessment once.
		for {
			in, err := st.Insights(ctx, time.Now().Add(-time.Hour))
			if err == nil && in.Questions >= 6 && len(in.Votes) >= 1 && len(in.Recommendations) >= 1 {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%w (last read: %v)", ctx.Err(), err)
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
	stopBot()
	if err := <-botErr; err != nil && scriptErr == nil {
		return fmt.Errorf("demo: bot: %w", err)
	}
	if scriptErr != nil {
		return fmt.Errorf("demo: %w", scriptErr)
	}
	return nil
}

// loadKB loads the built-in knowledge base, or the operator's own files
// when ADVISOR_CONTENT_DIR is set.
func loadKB(cfg config.Offline) (*faq.KB, error) {
	if cfg.ContentDir == "" {
		return faq.Load(faq.DefaultContent())
	}
	if fi, err := os.Stat(cfg.ContentDir); err != nil || !fi.IsDir() {
		return nil, &usageError{msg: fmt.Sprintf("ADVISOR_CONTENT_DIR %s: no such folder", cfg.ContentDir)}
	}
	kb, err := faq.Load(os.DirFS(cfg.ContentDir))
	if err == nil {
		err = kb.Complete()
	}
	if err != nil {
		return nil, fmt.Errorf("ADVISOR_CONTENT_DIR %s: %w", cfg.ContentDir, err)
	}
	return kb, nil
}

// exitCode prints err (one line for usage errors) and picks the status.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil || errors.Is(err, errHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "fractional-advisor:", ue.msg)
		return 2
	default:
		fmt.Fprintln(stderr, "fractional-advisor:", err)
		return 1
	}
}
