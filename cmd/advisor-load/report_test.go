package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

func durations(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value is every percentile", durations(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"p99.9 of 1..100 rounds up to the max", hundred, 99.9, 100 * time.Millisecond},
		{"p1 of 1..100", hundred, 1, time.Millisecond},
		{"tiny p is the min", hundred, 0.001, time.Millisecond},
		// Nearest rank, no interpolation: p50 of 4 values is the 2nd.
		{"p50 of four", durations(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p51 of four", durations(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{"p99 of ten is the max", durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p90 of ten", durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.p); got != tt.want {
			t.Errorf("%s: percentile(p%g) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	if got := summarize(nil); got != (Dist{}) {
		t.Errorf("summarize(nil) = %+v, want zero", got)
	}
	// Unsorted input, sub-millisecond values kept to the microsecond.
	d := []time.Duration{3 * time.Millisecond, 1500 * time.Microsecond, 250 * time.Microsecond, 10 * time.Millisecond}
	got := summarize(d)
	want := Dist{N: 4, P50ms: 1.5, P90ms: 10, P99ms: 10, MaxMs: 10}
	if got != want {
		t.Errorf("summarize = %+v, want %+v", got, want)
	}
	if !slices.IsSorted(d) {
		t.Error("summarize did not sort its input in place")
	}
	if got := ms(1234567 * time.Nanosecond); got != 1.235 {
		t.Errorf("ms(1.234567ms) = %v, want 1.235", got)
	}
}

func TestParseMix(t *testing.T) {
	t.Parallel()
	m, err := parseMix("ask=40, mention=20,dm=20,assess=20")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.String(); got != "ask=40,mention=20,dm=20,assess=20" {
		t.Errorf("String = %q", got)
	}
	if got := m.envelopesPerTx(); got != 1.2 {
		t.Errorf("envelopesPerTx = %v, want 1.2 (a fifth of transactions send two)", got)
	}
	if m, err := parseMix("dm=1"); err != nil || m.String() != "dm=1" {
		t.Errorf("parseMix(dm=1) = %v, %v", m, err)
	}
	for _, bad := range []string{"", "ask=0", "ask", "ask=x", "ask=-1", "tea=3", "ask=1001"} {
		if _, err := parseMix(bad); err == nil {
			t.Errorf("parseMix(%q) accepted", bad)
		}
	}
}

func TestSchedulerFollowsMixAndBudget(t *testing.T) {
	t.Parallel()
	m, _ := parseMix("ask=2,mention=1,dm=1,assess=1")
	s := newScheduler(m, 600)
	counts := map[string]int{}
	envelopes, seq := 0, 0
	for {
		tx, ok := s.next()
		if !ok {
			break
		}
		if tx.seq != seq {
			t.Fatalf("seq %d, want %d", tx.seq, seq)
		}
		seq++
		counts[tx.kind]++
		envelopes += envelopesOf(tx.kind)
	}
	if envelopes != 600 {
		t.Errorf("scheduled %d envelopes, want the budget, 600", envelopes)
	}
	// 600 envelopes at 6 per round of 5 transactions: 100 rounds.
	want := map[string]int{kindAsk: 200, kindMention: 100, kindDM: 100, kindAssess: 100}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d transactions, want %d (all: %v)", k, counts[k], n, counts)
		}
	}

	// An odd budget with only assessments cannot be spent exactly.
	only, _ := parseMix("assess=1")
	s = newScheduler(only, 3)
	if tx, ok := s.next(); !ok || tx.kind != kindAssess {
		t.Fatalf("first = %+v, %v", tx, ok)
	}
	if tx, ok := s.next(); ok {
		t.Errorf("one envelope left, got %+v; an assessment needs two", tx)
	}
	// With other kinds, the last envelope goes to one of them.
	s = newScheduler(m, 1)
	for range 10 { // whatever the turn
		if tx, ok := s.next(); ok && envelopesOf(tx.kind) != 1 {
			t.Errorf("last envelope went to %s", tx.kind)
		}
	}
}

func TestTrackerMatchesEarlyAndLatePosts(t *testing.T) {
	t.Parallel()
	tr := newTracker()
	// Waiting first, then the post.
	w := tr.expect("u:U1")
	at := func(sec int64) time.Time { return time.Unix(sec, 0) } // tells the posts apart
	tr.onPost(slacktest.Posted{Kind: "response_url", UserID: "U1", At: at(1)})
	select {
	case <-w.done:
		if !w.post.At.Equal(at(1)) {
			t.Errorf("got the post of %v", w.post.At)
		}
	default:
		t.Fatal("waiter not woken")
	}
	// The post first (the bot beat the ack back), then the wait.
	tr.onPost(slacktest.Posted{Kind: "message", ThreadTS: "1.000001", Text: "b"})
	w = tr.expect("t:1.000001")
	select {
	case <-w.done:
	default:
		t.Fatal("early post not handed over")
	}
	// Updates, deletions and the Home tab are nobody's reply.
	tr.onPost(slacktest.Posted{Kind: "view", UserID: "U2", Replace: true})
	tr.onPost(slacktest.Posted{Kind: "home", UserID: "U2"})
	tr.onPost(slacktest.Posted{Kind: "message", Channel: "C1", TS: "2.0", Delete: true})
	if n := tr.leftovers(); n != 0 {
		t.Errorf("leftovers = %d, want 0", n)
	}
	// Abandoned: the later post is left over.
	w = tr.expect("view:U3")
	if !tr.abandon("view:U3", w) {
		t.Fatal("abandon of a waiting waiter = false")
	}
	tr.onPost(slacktest.Posted{Kind: "view", UserID: "U3"})
	if n := tr.leftovers(); n != 1 {
		t.Errorf("leftovers = %d, want 1", n)
	}
	// Two waiters on one key are served in order.
	w1, w2 := tr.expect("u:U4"), tr.expect("u:U4")
	tr.onPost(slacktest.Posted{Kind: "message", UserID: "U4", At: at(2)})
	tr.onPost(slacktest.Posted{Kind: "message", UserID: "U4", At: at(3)})
	<-w1.done
	<-w2.done
	if !w1.post.At.Equal(at(2)) || !w2.post.At.Equal(at(3)) {
		t.Errorf("got the posts of %v then %v", w1.post.At, w2.post.At)
	}
	if tr.abandon("u:U4", w1) {
		t.Error("abandon of an answered waiter = true")
	}
}

func TestNoteClassification(t *testing.T) {
	t.Parallel()
	post := func(blocks string) slacktest.Posted {
		return slacktest.Posted{Kind: "message", Blocks: json.RawMessage(blocks)}
	}
	tests := []struct {
		p    slacktest.Posted
		want string
	}{
		{post(`[{"type":"section","block_id":"faq:cost"}]`), ""},
		{post(`[{"type":"section","block_id":"busy"}]`), "busy"},
		{post(`[{"type":"section","block_id":"x"},{"type":"section","block_id":"rate_limited"}]`), "rate_limited"},
		{post(``), "text_only"},
		{slacktest.Posted{Kind: "view", Blocks: json.RawMessage(`[]`)}, ""},
	}
	for _, tt := range tests {
		if got := noteOf(tt.p); got != tt.want {
			t.Errorf("noteOf(%s) = %q, want %q", tt.p.Blocks, got, tt.want)
		}
	}
	acks := map[string]string{
		`{"text":"answer","blocks":[{"block_id":"faq:cost"}]}`: "",
		`{"text":"I'm a bit busy"}`:                            "text_only",
		`{"blocks":[{"block_id":"error"}]}`:                    "error",
		`not json`:                                             "bad_ack_payload",
	}
	for payload, want := range acks {
		if got := ackNote(json.RawMessage(payload)); got != want {
			t.Errorf("ackNote(%s) = %q, want %q", payload, got, want)
		}
	}
}

func TestParseProc(t *testing.T) {
	t.Parallel()
	status := "Name:\tfractional-advi\nVmPeak:\t 1261000 kB\nVmHWM:\t   21632 kB\nVmRSS:\t   17716 kB\nThreads:\t7\n"
	rss, hwm, err := parseStatus([]byte(status))
	if err != nil || rss != 17716 || hwm != 21632 {
		t.Errorf("parseStatus = %d, %d, %v", rss, hwm, err)
	}
	if _, _, err := parseStatus([]byte("Name:\tzombie\nState:\tZ (zombie)\n")); err == nil {
		t.Error("parseStatus of a zombie succeeded")
	}
	// The command name may hold spaces and parentheses.
	stat := "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 7 0 100 1261000000 4429 18446744073709551615"
	cpu, err := parseStat([]byte(stat))
	if err != nil || cpu != 3.0 {
		t.Errorf("parseStat = %v, %v; want 3 (250+50 ticks)", cpu, err)
	}
	if _, err := parseStat([]byte("4242 (x) S 1")); err == nil {
		t.Error("parseStat of a short line succeeded")
	}
}

func TestBotEnv(t *testing.T) {
	t.Parallel()
	base := []string{"PATH=/bin", "SLACK_BOT_TOKEN=xoxb-real", "SLACK_SIGNING_SECRET=s", "ADVISOR_HTTP_ADDR=:8080", "ADVISOR_WORKERS=4",
		"ADVISOR_DB=postgres://prod/advisor"}
	env := botEnv(base, slackEnv{apiURL: "http://127.0.0.1:1/api/", appToken: "xapp-1-EMU", botToken: "xoxb-emu"},
		"sqlite:/tmp/x/advisor.db", []string{"ADVISOR_WORKERS=16"})
	last := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		last[k] = v
	}
	want := map[string]string{
		"PATH": "/bin", "SLACK_BOT_TOKEN": "xoxb-emu", "SLACK_APP_TOKEN": "xapp-1-EMU",
		"SLACK_API_URL": "http://127.0.0.1:1/api/", "ADVISOR_HTTP_ADDR": "127.0.0.1:0",
		"ADVISOR_LOG_LEVEL": "warn", "ADVISOR_WORKERS": "16", "ADVISOR_DB": "sqlite:/tmp/x/advisor.db",
	}
	for k, v := range want {
		if last[k] != v {
			t.Errorf("%s = %q, want %q", k, last[k], v)
		}
	}
	for _, kv := range env {
		if strings.Contains(kv, "xoxb-real") || strings.HasPrefix(kv, "SLACK_SIGNING_SECRET") {
			t.Errorf("the caller's Slack setting %q reached the bot", kv)
		}
	}
}

// TestBotEnvHTTP: in HTTP mode the bot gets the signing secret and the
// address the emulator posts to, and no app token.
func TestBotEnvHTTP(t *testing.T) {
	t.Parallel()
	env := botEnv([]string{"SLACK_APP_TOKEN=xapp-real", "ADVISOR_SLACK_ADDR=:3000"}, slackEnv{apiURL: "http://127.0.0.1:1/api/", botToken: "xoxb-emu",
		signingSecret: "emu-secret", slackAddr: "127.0.0.1:4567"}, "sqlite:/tmp/x/advisor.db", nil)
	last := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		last[k] = v
	}
	for k, v := range map[string]string{"SLACK_MODE": "http", "SLACK_SIGNING_SECRET": "emu-secret", "ADVISOR_SLACK_ADDR": "127.0.0.1:4567", "SLACK_APP_TOKEN": ""} {
		if last[k] != v {
			t.Errorf("%s = %q, want %q", k, last[k], v)
		}
	}
}

func TestParseFlagsBounds(t *testing.T) {
	t.Parallel()
	ok := [][]string{
		{},
		{"-n", "50", "-c", "4"},
		{"-rate", "1000", "-duration", "30s"},
		{"-rate", "100000", "-duration", "10s"},
		{"-bot-cmd", "./bot serve"},
		{"--", "./bot", "serve"},
	}
	for _, args := range ok {
		if _, err := parseFlags(args, io.Discard); err != nil {
			t.Errorf("parseFlags(%q) = %v", args, err)
		}
	}
	bad := [][]string{
		{"-n", "0"},
		{"-n", "1000001"},
		{"-c", "0"},
		{"-c", "10001"},
		{"-rate", "100001"},
		{"-rate", "1000", "-duration", "11m"},
		{"-rate", "10000", "-duration", "200s"}, // two million envelopes
		{"-rate", "100", "-n", "5"},
		{"-duration", "5s"},
		{"-timeout", "16m"},
		{"-reply-timeout", "0s"},
		{"-mix", "ask=0"},
		{"-bot-cmd", "x", "--", "y"},
		{"-bot-env", "NOEQUALS"},
		{"-users", "-1"},
	}
	for _, args := range bad {
		_, err := parseFlags(args, io.Discard)
		var ue *usageError
		if err == nil || !errorsAs(err, &ue) {
			t.Errorf("parseFlags(%q) = %v, want a usage error", args, err)
		}
	}
	o, _ := parseFlags([]string{"-rate", "1000", "-duration", "30s"}, io.Discard)
	if o.envelopes() != 30000 || o.timeout != 2*time.Minute+30*time.Second {
		t.Errorf("rate run: %d envelopes, timeout %s", o.envelopes(), o.timeout)
	}
	o, _ = parseFlags([]string{"-bot-cmd", " ./bot  serve "}, io.Discard)
	if !slices.Equal(o.botArgv, []string{"./bot", "serve"}) {
		t.Errorf("botArgv = %q", o.botArgv)
	}
	if _, err := parseFlags([]string{"-h"}, io.Discard); err != errHelp {
		t.Errorf("-h: %v, want errHelp", err)
	}
}

func errorsAs(err error, target **usageError) bool {
	ue, ok := err.(*usageError)
	if ok {
		*target = ue
	}
	return ok
}

func sampleReport() *Report {
	return &Report{
		Mode: "rate", TargetRate: 1000, Mix: "ask=40,dm=60", Envelopes: 3000, Acked: 3000, Replies: 3000, AckReplies: 1200,
		SendSeconds: 3, TotalSecs: 3.01, SendRate: 1000, ReplyRate: 996.7,
		Ack:         Dist{N: 3000, P50ms: 0.4, P90ms: 0.9, P99ms: 1.8, MaxMs: 4},
		Reply:       Dist{N: 3000, P50ms: 1.1, P90ms: 2.5, P99ms: 6, MaxMs: 12},
		ReplyByKind: map[string]Dist{"ask": {N: 1200, P50ms: 0.4, P90ms: 0.9, P99ms: 1.8, MaxMs: 4}},
		ErrorKinds:  map[string]int{},
		Bot:         BotStats{PID: 42, StartToConnectMs: 90, IdleRSSMB: 15, PeakRSSMB: 25, PeakRSSRunMB: 24, CPUSeconds: 2.4, CPUPer1000: 0.8},
	}
}

func TestReportOutputs(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	if missing := r.complete(); len(missing) != 0 {
		t.Errorf("complete() = %v, want nothing missing", missing)
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(js.String(), "\n"); n != 1 || !strings.HasSuffix(js.String(), "\n") {
		t.Errorf("JSON is %d lines, want one: %s", n, js.String())
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Ack != r.Ack || back.Bot != r.Bot || back.Envelopes != r.Envelopes {
		t.Errorf("JSON round trip lost data: %+v", back)
	}
	for _, field := range []string{`"p99_ms":1.8`, `"peak_rss_mb":25`, `"cpu_s_per_1000":0.8`, `"start_to_connected_ms":90`, `"idle_rss_mb":15`, `"errors":0`} {
		if !strings.Contains(js.String(), field) {
			t.Errorf("JSON lacks %s: %s", field, js.String())
		}
	}

	var table bytes.Buffer
	if err := r.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1000 envelopes/s target", "3000 sent, 3000 acked, 3000 replies (1200 in the ack)",
		"ack ", "1.800", "reply ask", "idle RSS 15.0 MB", "peak RSS 25.0 MB", "0.800 s per 1,000 envelopes"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}

	if !regexp.MustCompile(`(?m)^errors\s+0$`).MatchString(table.String()) {
		t.Errorf("table lacks the errors line:\n%s", table.String())
	}

	r.ErrorKinds = map[string]int{"missing_reply:dm": 2, "ack_timeout": 1}
	r.Errors = 3
	table.Reset()
	_ = r.WriteTable(&table)
	if !regexp.MustCompile(`(?m)^errors\s+3: ack_timeout=1, missing_reply:dm=2$`).MatchString(table.String()) {
		t.Errorf("table errors line:\n%s", table.String())
	}

	r.Reply = Dist{}
	r.Bot.IdleRSSMB = 0
	if missing := r.complete(); !slices.Equal(missing, []string{"reply latency", "idle RSS"}) {
		t.Errorf("complete() = %v", missing)
	}
}

func TestBuildReport(t *testing.T) {
	t.Parallel()
	res := newResults()
	t0 := time.Now()
	res.sent(slacktest.Ack{Sent: t0, Latency: time.Millisecond}, nil)
	res.sent(slacktest.Ack{Sent: t0.Add(time.Second), Latency: 3 * time.Millisecond}, nil)
	res.sent(slacktest.Ack{Sent: t0.Add(500 * time.Millisecond)}, slacktest.ErrAckTimeout)
	res.replied("dm", 2*time.Millisecond, false, t0.Add(2*time.Second))
	res.countSlackErrors(slacktest.Call{Method: "chat.postMessage", Error: "channel_not_found"})
	res.countSlackErrors(slacktest.Call{Method: "chat.postMessage"})
	o, _ := parseFlags([]string{"-n", "3", "-c", "1"}, io.Discard)
	r := buildReport(o, res, newTracker(), BotStats{CPUSeconds: 0.3}, 0)
	if r.Envelopes != 3 || r.Acked != 2 || r.Replies != 1 || r.Ack.N != 2 || r.Reply.N != 1 {
		t.Errorf("counts: %+v", r)
	}
	if r.Errors != 2 || r.ErrorKinds["ack_timeout"] != 1 || r.ErrorKinds["slack:chat.postMessage:channel_not_found"] != 1 {
		t.Errorf("errors %d: %v", r.Errors, r.ErrorKinds)
	}
	if r.SendSeconds != 1 || r.TotalSecs != 2 || r.SendRate != 3 || r.ReplyRate != 0.5 {
		t.Errorf("send %vs total %vs rates %v %v", r.SendSeconds, r.TotalSecs, r.SendRate, r.ReplyRate)
	}
	if math.Abs(r.Bot.CPUPer1000-100) > 1e-9 {
		t.Errorf("cpu per 1000 = %v, want 100", r.Bot.CPUPer1000)
	}
}

func TestTailBuffer(t *testing.T) {
	t.Parallel()
	b := &tailBuffer{max: 8}
	_, _ = b.Write([]byte("hello "))
	_, _ = b.Write([]byte("world!"))
	if got := b.tail(100); got != "o world!" {
		t.Errorf("tail = %q", got)
	}
	if got := b.tail(3); got != "ld!" {
		t.Errorf("tail(3) = %q", got)
	}
}

// driveRate runs every transaction it starts, on at most -max-inflight
// goroutines at once, and counts the ticks it had no room for.
func TestDriveRateBoundsInflight(t *testing.T) {
	t.Parallel()
	m, err := parseMix("ask=1")
	if err != nil {
		t.Fatal(err)
	}
	o := options{rate: 1000, duration: time.Second, mix: m, maxInflight: 3}
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	var mu sync.Mutex
	running, most, ran, overloads := 0, 0, 0, 0
	runTx := func(context.Context, tx) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		started <- struct{}{}
		<-release
		mu.Lock()
		running--
		ran++
		mu.Unlock()
	}
	allOverloaded := make(chan struct{})
	fail := func(what string) {
		mu.Lock()
		defer mu.Unlock()
		if what == "generator_overload" {
			if overloads++; overloads == 7 {
				close(allOverloaded)
			}
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		driveRate(context.Background(), runTx, fail, newScheduler(m, 10), o)
	}()
	// Three transactions hold the three slots; the other seven ticks find
	// no room. Then the three finish and driveRate returns. A slot is
	// taken before its transaction's goroutine runs, so the seven
	// overloads can come before the three have started: wait for both.
	<-allOverloaded
	for range 3 {
		<-started
	}
	close(release)
	<-done
	if most != 3 || ran != 3 || overloads != 7 {
		t.Errorf("at most %d at once, %d ran, %d overloads; want 3, 3, 7", most, ran, overloads)
	}

	// With room, workers are reused: all ten run.
	m2 := o
	m2.maxInflight = 100
	mu.Lock()
	ran, overloads = 0, 0
	mu.Unlock()
	quick := func(context.Context, tx) {
		mu.Lock()
		ran++
		mu.Unlock()
	}
	driveRate(context.Background(), quick, fail, newScheduler(m, 10), m2)
	if ran != 10 || overloads != 0 {
		t.Errorf("%d ran, %d overloads; want 10, 0", ran, overloads)
	}
}

// -cpuprofile and -memprofile write profiles pprof can read.
func TestProfiles(t *testing.T) {
	dir := t.TempDir() // not parallel: only one CPU profile at a time
	cpu, mem := dir+"/cpu.pprof", dir+"/mem.pprof"
	p, err := startProfile(cpu, mem)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.stop(); err != nil {
		t.Fatal(err)
	}
	if err := p.stop(); err != nil { // a second stop (the deferred one) is harmless
		t.Fatal(err)
	}
	for _, f := range []string{cpu, mem} {
		if fi, err := os.Stat(f); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v, %v", f, fi, err)
		}
	}
	if _, err := startProfile(dir+"/no/such/dir/cpu.pprof", ""); err == nil {
		t.Error("a CPU profile in a missing directory started")
	}
}

// complete reports what a finished run's report lacks, if anything.
func (r *Report) complete() []string {
	var missing []string
	need := func(ok bool, what string) {
		if !ok {
			missing = append(missing, what)
		}
	}
	need(r.Envelopes > 0, "envelopes")
	need(r.Ack.N > 0 && r.Ack.P50ms > 0 && r.Ack.MaxMs >= r.Ack.P99ms && r.Ack.P99ms >= r.Ack.P90ms && r.Ack.P90ms >= r.Ack.P50ms, "ack latency")
	need(r.Reply.N > 0 && r.Reply.P50ms > 0 && r.Reply.MaxMs >= r.Reply.P99ms, "reply latency")
	need(r.SendRate > 0 && r.ReplyRate > 0, "throughput")
	need(r.Bot.PID > 0, "bot pid")
	need(r.Bot.StartToConnectMs > 0, "start to connected")
	need(r.Bot.IdleRSSMB > 0, "idle RSS")
	need(r.Bot.PeakRSSMB >= r.Bot.IdleRSSMB && r.Bot.PeakRSSMB > 0, "peak RSS")
	need(r.Bot.CPUPer1000 >= 0 && r.Bot.CPUSeconds >= 0, "cpu")
	return missing
}
