package ops

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Readiness tracks whether the bot can take work: not ready until the
// socket first connects, and not ready again once it has been down for
// longer than grace (a reconnect that takes a moment is not worth pulling
// the pod out of rotation).
type Readiness struct {
	mu        sync.Mutex
	grace     time.Duration
	up        bool
	everUp    bool
	downSince time.Time
	reason    string
	now       func() time.Time
	checks    []check
	stopping  bool
}

type check struct {
	what string
	f    func(context.Context) error
}

// checkWait bounds each condition Require adds, so a probe answers in
// time whatever the condition waits on.
const checkWait = time.Second

// Stopping says the bot is shutting down: not ready from now on, whatever
// the grace, so a load balancer stops sending work before the listener
// closes.
func (r *Readiness) Stopping() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopping, r.up, r.reason = true, false, "shutting down"
}

// Require adds a condition to readiness, asked at every probe while the
// bot is otherwise ready: behind a load balancer, a replica whose database
// does not answer must leave the rotation.
func (r *Readiness) Require(what string, f func(context.Context) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks = append(r.checks, check{what, f})
}

// NewReadiness returns a tracker that starts not ready.
func NewReadiness(grace time.Duration, now func() time.Time) *Readiness {
	if now == nil {
		now = time.Now
	}
	return &Readiness{grace: grace, now: now, reason: "not connected yet"}
}

// Up records a live connection.
func (r *Readiness) Up() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.up, r.everUp, r.reason = true, true, ""
}

// Down records a lost connection and why.
func (r *Readiness) Down(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.up {
		r.downSince = r.now()
	}
	r.up, r.reason = false, reason
}

// Ready reports whether the bot is ready and, if not, why.
func (r *Readiness) Ready() (bool, string) {
	r.mu.Lock()
	ok := !r.stopping && (r.up || r.everUp && r.now().Sub(r.downSince) < r.grace)
	reason, checks := r.reason, r.checks
	r.mu.Unlock()
	if !ok {
		return false, reason
	}
	for _, c := range checks {
		ctx, cancel := context.WithTimeout(context.Background(), checkWait)
		err := c.f(ctx)
		cancel()
		if err != nil {
			return false, c.what + " does not answer"
		}
	}
	return true, ""
}

// Handler serves /healthz (the process is alive), /readyz (200 when ready,
// 503 with the reason when not) and /metrics.
func Handler(m *Metrics, ready *Readiness) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if ok, why := ready.Ready(); !ok {
			http.Error(w, "not ready: "+why, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	if m != nil {
		mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	}
	return mux
}

// PProfHandler serves Go's profiler under /debug/pprof/. It shows the
// program's internals, so it gets a listener of its own, on loopback.
func PProfHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", httppprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", httppprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", httppprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", httppprof.Trace)
	return mux
}

// Limits bound what one client can make a listener hold: a client that
// sends its headers slowly, or never reads the answer, or keeps an idle
// connection, is cut off.
type Limits struct {
	ReadHeader, Read, Write, Idle time.Duration
	MaxHeaderBytes                int
}

// ProbeLimits suit /healthz, /readyz and /metrics: small requests, answers
// within a scrape's timeout.
func ProbeLimits() Limits {
	return Limits{ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 15 * time.Second, Idle: time.Minute, MaxHeaderBytes: 8 << 10}
}

// PProfLimits leave time for a 30-second CPU profile or trace.
func PProfLimits() Limits {
	l := ProbeLimits()
	l.Write = 2 * time.Minute
	return l
}

// Serve listens on addr and serves h within limits until ctx is done. The
// listener is opened before Serve returns so a bad address fails at once.
func Serve(ctx context.Context, addr string, h http.Handler, limits Limits) (net.Addr, <-chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: limits.ReadHeader,
		ReadTimeout:       limits.Read,
		WriteTimeout:      limits.Write,
		IdleTimeout:       limits.Idle,
		MaxHeaderBytes:    limits.MaxHeaderBytes,
	}
	// done says the server has stopped, shutdown included, so nothing of
	// it outlives the caller's wait.
	done := make(chan error, 1)
	go func() {
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		var err error
		select {
		case err = <-served:
		case <-ctx.Done():
			shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = srv.Shutdown(shutdownCtx)
			cancel()
			err = <-served
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	return ln.Addr(), done, nil
}
