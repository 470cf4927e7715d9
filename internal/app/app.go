// Package app wires the running bot together: the Slack adapter, the
// routing, the knowledge base and the health and metrics listener. serve,
// demo and the end-to-end tests all start it the same way.
package app

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/bot"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/fractional-advisor/fractional-advisor/internal/slack"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"go.uber.org/zap"
)

// Deps are what Serve needs besides the configuration.
type Deps struct {
	Log *zap.Logger
	KB  *faq.KB
	// Search answers questions; nil searches KB (faq.NewIndex) and the
	// answers experts taught the bot (faq.Live).
	Search bot.Searcher
	// Metrics and Ready are the operator's view; nil builds them.
	Metrics *ops.Metrics
	Ready   *ops.Readiness
	// Store is what the bot remembers in, opened by the caller (who closes
	// it after Serve returns); nil remembers nothing.
	Store store.Store
}

// readyGrace is how long the bot may be disconnected and still say it is
// ready: a reconnect that takes a moment should not pull the pod from
// service.
const readyGrace = 10 * time.Second

// Serve runs the bot until ctx is done, with /healthz, /readyz and
// /metrics on cfg.HTTPAddr unless it is empty. cfg must have passed
// Validate. It returns an error when Slack refuses a token or the listener
// cannot start.
func Serve(ctx context.Context, cfg config.Config, d Deps) error {
	// The listener stops when the bot does, whatever the reason: a refused
	// token must end the process, not leave /healthz answering.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if d.Metrics == nil {
		d.Metrics = ops.NewMetrics()
	}
	if d.Ready == nil {
		d.Ready = ops.NewReadiness(readyGrace, nil)
	}
	var kb bot.KnowledgeBase = d.KB
	var learned bot.LearnedSink
	if d.Search == nil {
		live := faq.NewLive(faq.NewIndex(d.KB))
		d.Search, kb, learned = live, live, live
	}
	listeners := []struct {
		what, addr string
		h          http.Handler
		limits     ops.Limits
	}{
		{"health and metrics", cfg.HTTPAddr, ops.Handler(d.Metrics, d.Ready), ops.ProbeLimits()},
		{"the profiler", cfg.PProfAddr, ops.PProfHandler(), ops.PProfLimits()},
	}
	for _, l := range listeners {
		if l.addr == "" {
			continue
		}
		addr, done, err := ops.Serve(ctx, l.addr, l.h, l.limits)
		if err != nil {
			stop() // the listeners already open wait for it in their defers
			return err
		}
		d.Log.Info("serving "+l.what, zap.String("addr", addr.String()))
		defer func() {
			if err := <-done; err != nil {
				d.Log.Error(l.what+" server", zap.Error(err))
			}
		}()
	}
	var rec *store.Recorder
	if d.Store != nil {
		rec = store.NewRecorder(d.Store, store.RecorderConfig{OnError: func(err error, lost int) {
			d.Log.Warn("records lost: the store did not take them", zap.Int("lost", lost), zap.Error(err))
		}})
		d.Metrics.WatchRecorder(rec.Offered, rec.Dropped, rec.Written)
		purged := purge(ctx, d.Store, cfg.Retention, d.Log)
		defer func() {
			// After the bot: its last answers' records are written too.
			closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recorderGrace)
			defer cancel()
			if err := rec.Close(closeCtx); err != nil {
				d.Log.Warn("records lost at shutdown", zap.Error(err))
			}
			<-purged
		}()
	}
	if cfg.Mode == config.ModeHTTP && d.Store != nil {
		// Behind a load balancer, a replica that cannot reach the
		// database would answer events it cannot claim: out it goes.
		d.Ready.Require("the database", func(ctx context.Context) error {
			_, err := d.Store.Version(ctx)
			return err
		})
	}
	client := slack.New(cfg, d.Log, d.Metrics, d.Ready)
	defer client.Close()
	deps := bot.Deps{Slack: client, Search: d.Search, KB: kb, Log: d.Log, Metrics: d.Metrics, Ready: d.Ready,
		Store: d.Store, Recorder: rec, Learned: learned}
	// Replicas share claims through Postgres. SQLite serves one replica,
	// whose own memory of event ids is enough: a claim there would only
	// add two writes to every event.
	if dsn, err := store.ParseDSN(cfg.DB); err == nil && dsn.Engine == store.Postgres && d.Store != nil {
		deps.Claims = d.Store
	}
	b := bot.New(cfg, deps)
	start := time.Now()
	d.Log.Info("starting", zap.String("slack_api_host", apiHost(cfg.APIURL)), zap.Int("faq_entries", d.KB.Len()))
	err := b.Run(ctx)
	stop()
	d.Log.Info("stopped", zap.Duration("uptime", time.Since(start)))
	return err
}

// apiHost is the host of the Web API's URL, for the log: a URL may carry
// credentials.
func apiHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

const (
	// recorderGrace is how long the recorder may write at shutdown.
	recorderGrace = 5 * time.Second
	// purgeEvery is how often rows past the retention are deleted.
	purgeEvery = time.Hour
)

// purge deletes what is older than the retention, at start and then every
// purgeEvery, until ctx ends; the channel closes when it has stopped.
// Every replica purges: deleting the same old rows twice is harmless.
func purge(ctx context.Context, s store.Store, retention time.Duration, log *zap.Logger) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(purgeEvery)
		defer t.Stop()
		for {
			pctx, cancel := context.WithTimeout(ctx, time.Minute)
			n, err := s.Purge(pctx, time.Now(), retention)
			cancel()
			switch {
			case err != nil && ctx.Err() == nil:
				log.Warn("purge failed; retrying later", zap.Error(err))
			case n > 0:
				log.Info("purged old records", zap.Int64("rows", n), zap.Duration("retention", retention))
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return done
}
