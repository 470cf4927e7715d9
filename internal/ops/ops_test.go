package ops

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
	srv := httptest.NewServer(Handler(m, ready, false))
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
		t.Errorf("pprof must be off unless asked for; /debug/pprof/ = %d", code)
	}
	withPProf := httptest.NewServer(Handler(m, ready, true))
	defer withPProf.Close()
	resp, err := http.Get(withPProf.URL + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/debug/pprof/ with pprof on = %d", resp.StatusCode)
	}
}

func TestServe(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := Serve(ctx, "127.0.0.1:0", Handler(nil, NewReadiness(0, nil), false))
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
	if _, _, err := Serve(context.Background(), "not-an-address", nil); err == nil {
		t.Error("a bad address must fail at once")
	}
}
