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
	"go.uber.org/zap"
)

// Deps are what Serve needs besides the configuration.
type Deps struct {
	Log *zap.Logger
	KB  *faq.KB
	// Search answers questions; nil searches KB (faq.NewIndex).
	Search bot.Searcher
	// Metrics and Ready are the operator's view; nil builds them.
	Metrics *ops.Metrics
	Ready   *ops.Readiness
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
	if d.Search == nil {
		d.Search = faq.NewIndex(d.KB)
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
	client := slack.New(cfg, d.Log, d.Metrics, d.Ready)
	defer client.Close()
	b := bot.New(cfg, bot.Deps{Slack: client, Search: d.Search, KB: d.KB, Log: d.Log, Metrics: d.Metrics, Ready: d.Ready})
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
