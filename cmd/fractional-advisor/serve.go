package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/ops"
	"github.com/fractional-advisor/fractional-advisor/internal/slackbot"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// newLogger builds the process logger: JSON lines by default, console text
// for the demo. Tokens are never passed to it.
func newLogger(level string, console bool, w io.Writer) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level: %w", err)
	}
	encCfg := zap.NewProductionEncoderConfig()
	encCfg.TimeKey = "time"
	encCfg.EncodeTime = zapcore.ISO8601TimeEncoder
	var enc zapcore.Encoder
	if console {
		encCfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(encCfg)
	} else {
		enc = zapcore.NewJSONEncoder(encCfg)
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), lvl)), nil
}

// serveBot connects to Slack (or the emulator, via cfg.APIURL) and serves
// until ctx is done, with /healthz, /readyz and /metrics on httpAddr when it
// is not empty.
func serveBot(ctx context.Context, cfg config.Config, kb *faq.KB, log *zap.Logger, httpAddr string) error {
	// The HTTP listener stops when the bot does, whatever the reason: a
	// refused token must end the process, not leave /healthz answering.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	metrics := ops.NewMetrics()
	// A reconnect that takes a moment should not pull the pod from service.
	readiness := ops.NewReadiness(10*time.Second, nil)
	if httpAddr != "" {
		addr, done, err := ops.Serve(ctx, httpAddr, ops.Handler(metrics, readiness, cfg.PProf))
		if err != nil {
			return err
		}
		log.Info("serving health and metrics", zap.String("addr", addr.String()))
		defer func() {
			if err := <-done; err != nil {
				log.Error("health and metrics server", zap.Error(err))
			}
		}()
	}
	httpClient := &http.Client{Timeout: cfg.SlackTimeout, Transport: slackTransport(cfg.Workers)}
	bot := slackbot.New(slackbot.Deps{
		BotToken:  cfg.BotToken,
		AppToken:  cfg.AppToken,
		HTTP:      httpClient,
		APIURL:    cfg.APIURL,
		Search:    faq.NewIndex(kb),
		KB:        kb,
		Log:       log,
		Metrics:   metrics,
		Readiness: readiness,
	}, slackbot.Config{
		SlackTimeout:      cfg.SlackTimeout,
		ShutdownGrace:     cfg.ShutdownGrace,
		PingTimeout:       cfg.PingTimeout,
		Workers:           cfg.Workers,
		Queue:             cfg.Queue,
		UserRate:          userRate(cfg.UserRate),
		ReconnectMax:      cfg.ReconnectMax,
		LinkDisabledRetry: cfg.LinkDisabledRetry,
		MaxRetryAfter:     cfg.MaxRetryAfter,
		Debug:             cfg.LogLevel == "debug",
	})
	start := time.Now()
	log.Info("starting", zap.String("api_url", cfg.APIURL), zap.Int("faq_entries", kb.Len()))
	err := bot.Run(ctx)
	stop()
	log.Info("stopped", zap.Duration("uptime", time.Since(start)))
	return err
}

// userRate maps ADVISOR_USER_RATE (0: no limit) to slackbot's setting
// (negative: no limit; 0: the default).
func userRate(perMinute int) int {
	if perMinute == 0 {
		return -1
	}
	return perMinute
}

// slackTransport is net/http's default transport with room to keep a
// connection to Slack open for every worker (and the notes posted beside
// them): the default keeps two, so under load most calls dialled a new
// connection and closed it after.
func slackTransport(workers int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = workers + slackbot.DefaultNotes
	t.MaxIdleConns = max(t.MaxIdleConns, t.MaxIdleConnsPerHost) // the overall cap would win otherwise
	return t
}
