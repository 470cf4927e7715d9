package ops

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestReadiness(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	r := NewReadiness(10*time.Second, func() time.Time { return now })
	steps := []struct {
		do    func()
		after time.Duration
		want  bool
	}{
		{func() {}, 0, false}, // not connected yet
		{r.Up, 0, true},       // connected
		{func() { r.Down("refresh_requested") }, 0, true}, // a reconnect within grace
		{func() {}, 9 * time.Second, true},
		{func() {}, 2 * time.Second, false}, // down longer than grace
		{r.Up, 0, true},
	}
	for i, s := range steps {
		s.do()
		now = now.Add(s.after)
		if got, why := r.Ready(); got != s.want {
			t.Errorf("step %d: ready = %v (%s), want %v", i, got, why, s.want)
		}
	}
	r.Down("link_disabled")
	now = now.Add(time.Minute)
	if _, why := r.Ready(); why != "link_disabled" {
		t.Errorf("reason = %q", why)
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	m.Envelopes.WithLabelValues("slash_commands", "ok").Inc()
	m.FAQ.WithLabelValues("matched").Inc()
	ready := NewReadiness(time.Second, nil)
	srv := httptest.NewServer(Handler(m, ready))
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "not connected yet") {
		t.Errorf("/readyz before connecting = %d %q", code, body)
	}
	ready.Up()
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("/readyz when connected = %d", code)
	}
	code, body := get("/metrics")
	for _, want := range []string{
		`advisor_envelopes_total{outcome="ok",type="slash_commands"} 1`,
		`advisor_faq_answers_total{result="matched"} 1`,
		"advisor_ack_latency_seconds_bucket", "go_goroutines",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, _ := get("/nope"); code != 404 {
		t.Errorf("unknown path = %d", code)
	}
	if code, _ := get("/debug/pprof/"); code != 404 {
		t.Errorf("pprof has a listener of its own; /debug/pprof/ = %d here", code)
	}
	withPProf := httptest.NewServer(PProfHandler())
	defer withPProf.Close()
	resp, err := http.Get(withPProf.URL + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/debug/pprof/ on the profiler's listener = %d", resp.StatusCode)
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := Serve(ctx, "127.0.0.1:0", Handler(nil, NewReadiness(0, nil)), ProbeLimits())
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr.String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve ended with %v", err)
	}
	if _, _, err := Serve(context.Background(), "not-an-address", nil, ProbeLimits()); err == nil {
		t.Error("a bad address must fail at once")
	}
}

// TestServeLimits: a client cannot hold the listener with huge headers or
// with headers that never finish.
func TestServeLimits(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	limits := ProbeLimits()
	limits.ReadHeader = 100 * time.Millisecond
	addr, done, err := Serve(ctx, "127.0.0.1:0", Handler(nil, NewReadiness(0, nil)), limits)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()

	req, err := http.NewRequest(http.MethodGet, "http://"+addr.String()+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Big", strings.Repeat("x", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("64 KiB of headers: %d, want 431", resp.StatusCode)
	}

	// A request that never finishes its headers is cut off.
	conn, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second)) // the test's own bound, far above the limit
	if _, err := io.ReadAll(conn); err != nil {
		t.Errorf("the slow client was not cut off: %v", err)
	}
}

// TestLabelsBounded: label values from the wire cannot grow the series
// without bound: 10,000 made-up error codes and reasons make one series
// each, "other".
func TestLabelsBounded(t *testing.T) {
	t.Parallel()
	m := NewMetrics()
	for i := range 10000 {
		m.SlackCall("chat.postMessage", fmt.Sprintf("made_up_error_%d", i))
		m.SlackCall(fmt.Sprintf("method.%d", i), "ok")
		m.Reconnect(fmt.Sprintf("reason %d %s", i, strings.Repeat("é", 1000)))
		m.Envelope(fmt.Sprintf("kind%d:x", i), fmt.Sprintf("outcome %d", i), 0.001)
	}
	m.SlackCall("chat.postMessage", "not_in_channel")
	m.Envelope("command:ask", "faq:cost", 0.001)
	for name, c := range map[string]prometheus.Collector{"calls": m.SlackCalls, "reconnects": m.Reconnects, "envelopes": m.Envelopes} {
		if n := testutil.CollectAndCount(c); n > 3 {
			t.Errorf("%s: %d series after 10,000 made-up values, want at most 3", name, n)
		}
	}
	if got := testutil.ToFloat64(m.SlackCalls.WithLabelValues("other", "ok")); got != 10000 {
		t.Errorf("unknown methods counted %v as other, want 10000", got)
	}
	if got := testutil.ToFloat64(m.SlackCalls.WithLabelValues("chat.postMessage", "not_in_channel")); got != 1 {
		t.Errorf("a known error code counted %v, want 1", got)
	}
	if got := testutil.ToFloat64(m.Envelopes.WithLabelValues("command", "faq")); got != 1 {
		t.Errorf("command:ask / faq:cost counted %v as command / faq, want 1", got)
	}
}

func TestCgroupMemoryLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  int64
		ok    bool
	}{
		{"v2", map[string]string{"memory.max": "134217728\n"}, 134217728, true},
		{"v2 unlimited", map[string]string{"memory.max": "max\n"}, 0, false},
		{"v1", map[string]string{"memory/memory.limit_in_bytes": "67108864\n"}, 67108864, true},
		{"v1 unlimited", map[string]string{"memory/memory.limit_in_bytes": "9223372036854771712\n"}, 0, false},
		{"no cgroup", map[string]string{}, 0, false},
		{"garbage", map[string]string{"memory.max": "lots"}, 0, false},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{}
		for k, v := range tt.files {
			fsys[k] = &fstest.MapFile{Data: []byte(v)}
		}
		got, ok := CgroupMemoryLimit(fsys)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: CgroupMemoryLimit = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if got := SoftMemoryLimit(100 << 20); got != 94371840 { // 90% of 100 MiB
		t.Errorf("SoftMemoryLimit(100 MiB) = %d", got)
	}
}

// TestReadinessStopping: shutting down is not ready at once, whatever the
// grace a reconnect gets.
func TestReadinessStopping(t *testing.T) {
	t.Parallel()
	r := NewReadiness(time.Hour, nil)
	r.Up()
	r.Stopping()
	if ok, why := r.Ready(); ok || why != "shutting down" {
		t.Errorf("Ready() = %v, %q after Stopping", ok, why)
	}
	r.Up() // a late reconnect must not bring it back
	if ok, _ := r.Ready(); ok {
		t.Error("ready again after Stopping")
	}
}
