package slack_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/fractional-advisor/fractional-advisor/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// HTTP mode (CONTRACT.md, "HTTP mode"), end to end: the emulator posts to
// the bot's /slack/events as Slack does, signed.

// httpRig starts a bot in HTTP mode and an emulator delivering to it.
func httpRig(t *testing.T, o apptest.Options) *apptest.Rig {
	t.Helper()
	o.HTTPAddr = apptest.FreeAddr(t)
	o.Emulator.HTTPTargets = []string{apptest.EventsURL(o.HTTPAddr)}
	return apptest.Start(t, o)
}

// mentionBody is an app_mention event as Slack posts it.
func mentionBody(eventID, channel, ts string) []byte {
	return fmt.Appendf(nil, `{"type":"event_callback","token":"x","team_id":"T0EMU0001","api_app_id":"A0EMU0001","event_id":%q,"event_time":1,`+
		`"event":{"type":"app_mention","user":"U0HTTP001","text":"<@U0EMUBOT1> what does it cost?","ts":%q,"channel":%q,"event_ts":%q}}`,
		eventID, ts, channel, ts)
}

// post sends body to the bot as Slack would, then lets edit spoil it.
func post(t *testing.T, r *apptest.Rig, contentType string, body []byte, edit func(h http.Header)) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(apptest.Ctx(t), http.MethodPost, r.Emu.Config().HTTPTargets[0], bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("X-Slack-Signature", slacktest.Sign(r.Emu.SigningSecret(), now, body))
	if edit != nil {
		edit(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHTTPRefusals: every request that fails a check gets its status and
// nothing is done; the same request, well formed, is answered.
func TestHTTPRefusals(t *testing.T) {
	t.Parallel()
	r := httpRig(t, apptest.Options{Search: apptest.AnAnswer()})
	const channel = "C0REFUSE1"
	stale := func(h http.Header) {
		then := time.Now().Add(-301 * time.Second)
		h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(then.Unix(), 10))
	}
	tests := []struct {
		name, contentType string
		body              []byte
		edit              func(http.Header)
		status            int
		reason            string
	}{
		{"no signature", "application/json", mentionBody("EvREFUSE01", channel, "1.000001"),
			func(h http.Header) { h.Del("X-Slack-Signature") }, http.StatusUnauthorized, "bad signature"},
		{"no timestamp", "application/json", mentionBody("EvREFUSE02", channel, "1.000002"),
			func(h http.Header) { h.Del("X-Slack-Request-Timestamp") }, http.StatusUnauthorized, "bad signature"},
		{"a wrong signature", "application/json", mentionBody("EvREFUSE03", channel, "1.000003"),
			func(h http.Header) { h.Set("X-Slack-Signature", "v0="+strings.Repeat("ab", 32)) }, http.StatusUnauthorized, "bad signature"},
		{"signed by another secret", "application/json", mentionBody("EvREFUSE04", channel, "1.000004"),
			func(h http.Header) {
				ts, _ := strconv.ParseInt(h.Get("X-Slack-Request-Timestamp"), 10, 64)
				h.Set("X-Slack-Signature", slacktest.Sign("another-secret-0123456789abcdef", time.Unix(ts, 0), mentionBody("EvREFUSE04", channel, "1.000004")))
			}, http.StatusUnauthorized, "bad signature"},
		{"a stale timestamp", "application/json", mentionBody("EvREFUSE05", channel, "1.000005"), stale, http.StatusUnauthorized, "bad signature"},
		{"over 1 MiB", "application/json", append(mentionBody("EvREFUSE06", channel, "1.000006"), bytes.Repeat([]byte(" "), 1<<20)...),
			nil, http.StatusRequestEntityTooLarge, "body too large"},
		{"not a Slack content type", "text/plain", mentionBody("EvREFUSE07", channel, "1.000007"), nil, http.StatusUnsupportedMediaType, "unsupported content type"},
	}
	for _, tt := range tests {
		status, body := post(t, r, tt.contentType, tt.body, tt.edit)
		if status != tt.status || !strings.Contains(body, tt.reason) || len(body) > 100 {
			t.Errorf("%s: %d %q, want %d and a short reason", tt.name, status, body, tt.status)
		}
	}
	// The control: the same kind of request, well formed, is answered.
	if status, _ := post(t, r, "application/json", mentionBody("EvACCEPT01", channel, "1.000100"), nil); status != http.StatusOK {
		t.Fatalf("a good request: %d", status)
	}
	r.WaitPost(t, "the answer to the good request", func(p slacktest.Posted) bool { return p.ThreadTS == "1.000100" })
	if n := r.Count(func(p slacktest.Posted) bool { return p.Channel == channel }); n != 1 {
		t.Errorf("%d posts in the channel, want the control's answer alone", n)
	}
	for reason, want := range map[string]float64{"bad signature": 5, "body too large": 1, "unsupported content type": 1} {
		if got := testutil.ToFloat64(r.Metrics.HTTPRefusals.WithLabelValues(reason)); got != want {
			t.Errorf("refusals for %s = %v, want %v", reason, got, want)
		}
	}
	for _, tt := range tests {
		if id := tt.body[bytes.Index(tt.body, []byte("EvREFUSE")):][:10]; strings.Contains(r.Log(), string(id)) {
			t.Errorf("%s: the refused event %s reached the log", tt.name, id)
		}
	}
	if strings.Contains(r.Log(), r.Emu.SigningSecret()) {
		t.Error("the log holds the signing secret")
	}
}

// TestHTTPHandshakes: Slack's URL verification gets its challenge back,
// and its certificate check an empty 200.
func TestHTTPHandshakes(t *testing.T) {
	t.Parallel()
	r := httpRig(t, apptest.Options{Search: apptest.AnAnswer()})
	status, body := post(t, r, "application/json", []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`), nil)
	if status != http.StatusOK || body != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification: %d %q", status, body)
	}
	// Signed, so Slack's, but not JSON: nothing to do, and nothing for a
	// retry to do either.
	if status, _ := post(t, r, "application/json", []byte("{not json"), nil); status != http.StatusOK {
		t.Errorf("a signed body that is not JSON: %d, want 200", status)
	}
	status, body = post(t, r, "application/x-www-form-urlencoded", []byte("ssl_check=1&token=x"), func(h http.Header) {
		h.Del("X-Slack-Signature")
		h.Del("X-Slack-Request-Timestamp")
	})
	if status != http.StatusOK || body != "" {
		t.Errorf("ssl_check: %d %q", status, body)
	}
}

// TestHTTPAnswers: the ordinary moves, delivered over HTTP: a command's
// reply is the response's body; a mention is answered in its thread, and a
// retry of it gets a 200 and nothing more.
func TestHTTPAnswers(t *testing.T) {
	t.Parallel()
	r := httpRig(t, apptest.Options{Search: apptest.AnAnswer()})
	ack, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: "U0HTTP002", Text: "help"})
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := ack.PayloadBlockIDs(); err != nil || !strings.Contains(strings.Join(ids, " "), "help") {
		t.Errorf("the command's response: blocks %v, %v; want the help", ids, err)
	}
	info := r.Mention(t, "U0HTTP002", "what does it cost?")
	r.AnsweredOnce(t, info)
	retry, err := r.Emu.RedeliverEvent(apptest.Ctx(t), info.EventID, 1, "http_timeout")
	if err != nil {
		t.Fatal(err)
	}
	if retry.Status != http.StatusOK {
		t.Errorf("the retry got %d, want 200", retry.Status)
	}
	r.AnsweredOnce(t, r.Mention(t, "U0HTTP002", "and after the retry?")) // handled after the retry: its answer would be out by now
	if n := r.Count(apptest.InThread(info)); n != 1 {
		t.Errorf("the retried mention was answered %d times", n)
	}
}

// TestHTTPDrain: on shutdown a replica goes unready first, and the work it
// took still gets its answer.
func TestHTTPDrain(t *testing.T) {
	t.Parallel()
	gate := apptest.NewGate(t, 1, apptest.AnAnswer())
	r := httpRig(t, apptest.Options{Search: gate})
	info := r.Mention(t, "U0DRAIN01", "what does it cost?")
	<-gate.Started
	stopped := make(chan error, 1)
	go func() { stopped <- r.Stop(t) }()
	apptest.WaitUntil(t, "not ready", func() bool { ok, _ := r.Ready.Ready(); return !ok })
	gate.Release()
	if err := <-stopped; err != nil {
		t.Fatalf("the bot returned %v", err)
	}
	if n := r.Count(apptest.InThread(info)); n != 1 {
		t.Errorf("the mention in flight got %d answers, want 1", n)
	}
}

// downStore fails every read of the version while down is set.
type downStore struct {
	store.Store
	mu   sync.Mutex
	down bool
}

func (s *downStore) set(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

func (s *downStore) Version(ctx context.Context) (int64, error) {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		return 0, errors.New("connection refused")
	}
	return s.Store.Version(ctx)
}

// TestHTTPReadyNeedsTheStore: behind a load balancer, a replica whose
// database does not answer says it is not ready.
func TestHTTPReadyNeedsTheStore(t *testing.T) {
	t.Parallel()
	var ds *downStore
	r := httpRig(t, apptest.Options{Search: apptest.AnAnswer(), Store: func(s store.Store) store.Store {
		ds = &downStore{Store: s}
		return ds
	}})
	ds.set(true)
	if ok, why := r.Ready.Ready(); ok || !strings.Contains(why, "database") {
		t.Errorf("ready = %v (%s) with the database down", ok, why)
	}
	ds.set(false)
	if ok, why := r.Ready.Ready(); !ok {
		t.Errorf("not ready (%s) with the database back", why)
	}
}

// TestHTTPReplicasAnswerOnce: three replicas behind one load balancer and
// one Postgres; 3,000 events, each retried once to another replica: every
// event is answered exactly once, and each replica took its share.
func TestHTTPReplicasAnswerOnce(t *testing.T) {
	t.Parallel()
	dsn := storetest.Postgres(t)
	addrs := []string{apptest.FreeAddr(t), apptest.FreeAddr(t), apptest.FreeAddr(t)}
	var targets []string
	for _, a := range addrs {
		targets = append(targets, apptest.EventsURL(a))
	}
	emu, err := slacktest.Start(slacktest.Config{HTTPTargets: targets})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	var rigs []*apptest.Rig
	for _, a := range addrs {
		rigs = append(rigs, apptest.Start(t, apptest.Options{Server: emu, HTTPAddr: a, DB: dsn, Search: apptest.AnAnswer(),
			Config: func(c *config.Config) { c.UserRate = 0 }}))
	}
	const events = 3000
	infos := make([]slacktest.EventInfo, events)
	var wg sync.WaitGroup
	errs := make(chan error, events)
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				_, info, err := emu.Mention(context.Background(), slacktest.Message{UserID: "U0REPLICA", ChannelID: "C0REPLICA", Text: "what does it cost?"})
				if err == nil {
					// The load balancer sends the retry to the next replica.
					_, err = emu.RedeliverEvent(context.Background(), info.EventID, 1, "http_timeout")
				}
				infos[i] = info
				if err != nil {
					errs <- err
				}
			}
		})
	}
	for i := range events {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	answered := func() map[string]int {
		n := map[string]int{}
		for _, p := range emu.Posts() {
			if p.Channel == "C0REPLICA" {
				n[p.ThreadTS]++
			}
		}
		return n
	}
	apptest.WaitUntil(t, "every event answered", func() bool { return len(answered()) == events })
	apptest.WaitUntil(t, "every retry handled", func() bool {
		d := 0.0
		for _, r := range rigs {
			d += testutil.ToFloat64(r.Metrics.Duplicates)
		}
		return d == events
	})
	for ts, n := range answered() {
		if n != 1 {
			t.Errorf("event with ts %s answered %d times", ts, n)
		}
	}
	per := map[string]int{}
	for _, d := range emu.Deliveries() {
		per[d.Target]++
	}
	for _, tgt := range targets {
		if got := per[tgt]; got < 2*events/3-events/10 || got > 2*events/3+events/10 {
			t.Errorf("replica %s got %d of %d deliveries, want about a third", tgt, got, 2*events)
		}
	}
}
