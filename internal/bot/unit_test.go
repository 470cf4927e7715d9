package bot

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestDedupe(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	d := newDedupe(3, time.Minute, func() time.Time { return now })
	if !d.first("a") || d.first("a") {
		t.Fatal("the second sighting of an id must be a duplicate")
	}
	now = now.Add(2 * time.Minute)
	if !d.first("a") {
		t.Error("an id older than the TTL must be new again")
	}
	d.first("b")
	d.first("c")
	d.first("d") // evicts the oldest record ("a")
	if len(d.seen) > 3 {
		t.Errorf("holds %d ids, ceiling 3", len(d.seen))
	}
	if !d.first("a") {
		t.Error("an evicted id must be new again")
	}
	d.forget("d")
	if !d.first("d") {
		t.Error("a forgotten id must be new again")
	}
}

func TestShareRoundTrip(t *testing.T) {
	t.Parallel()
	a := advisor.Answers{Goal: "both", Infrastructure: "weak", AIAmbition: "aggressive", EngineeringTeam: "small", AIGovernance: "high", Budget: "10k_25k"}
	v := encodeShare(a, 9)
	got, months, err := decodeShare(v)
	if err != nil || got != a || months != 9 {
		t.Fatalf("decodeShare(%q) = %+v, %d, %v", v, got, months, err)
	}
	for _, bad := range []string{
		"", "v1", "v2.both.weak.aggressive.small.high.10k_25k.12",
		"v1.both.weak.aggressive.small.high.10k_25k",
		"v1.both.weak.aggressive.small.high.lots.12",
		"v1.both.weak.aggressive.small.high.10k_25k.0",
		"v1.both.weak.aggressive.small.high.10k_25k.999999999999999999999",
		"v1.<!channel>.weak.aggressive.small.high.10k_25k.12",
		strings.Repeat("v1.", 1000),
	} {
		if _, _, err := decodeShare(bad); err == nil {
			t.Errorf("decodeShare(%q) accepted a bad value", bad)
		}
	}
}

func TestModalMeta(t *testing.T) {
	t.Parallel()
	m := modalMeta{ResponseURL: "https://hooks.slack.com/commands/T1/2/x", ChannelID: "C123"}
	got, err := decodeModalMeta(m.encode())
	if err != nil || got != m {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	for _, bad := range []string{"{", `{"c":"<!channel>"}`, `{"r":1}`, strings.Repeat("x", 4000)} {
		if _, err := decodeModalMeta(bad); err == nil {
			t.Errorf("decodeModalMeta(%q) accepted bad metadata", bad)
		}
	}
}

func TestCleanQuestion(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  what does a CAIO cost?  ", "what does a CAIO cost?"},
		{"line\none\ttab", "line one tab"},
		{"nul\x00byte", "nulbyte"},
		{"zero\u200bwidth\u200d and \u202ertl", "zerowidth and rtl"},
		{"bad \xff utf8", "bad   utf8"},
	}
	for _, tt := range tests {
		if got := cleanQuestion(tt.in); got != tt.want {
			t.Errorf("cleanQuestion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := len([]rune(cleanQuestion(strings.Repeat("é", 50000)))); n != MaxQuestionRunes {
		t.Errorf("long question kept %d runes, want %d", n, MaxQuestionRunes)
	}
}

func TestStripMarkupAndRouting(t *testing.T) {
	t.Parallel()
	if got := stripMarkup("<@U0BOT> what is a <#C1|general> CAIO <!here>"); got != "what is a   CAIO" {
		t.Errorf("stripMarkup = %q", got)
	}
	// Slack escapes &, < and > in message text; the search gets them back.
	if got := stripMarkup("R&amp;D &lt;team&gt; cost"); got != "R&D <team> cost" {
		t.Errorf("stripMarkup = %q", got)
	}
	for text, want := range map[string]bool{
		"start": true, "Start the assessment please": true, "can I take the assessment?": true,
		"what does a CAIO cost": false, "": false, "recommend": true,
		"how long does the assessment take?": false, "can you recommend a fractional CTO?": false,
		"is the assessment free": false, "Could you give me a recommendation?": true, "please, take the assessment!": true,
		"I'd like to take the assessment.": true, "which role should we hire first": false,
	} {
		if got := wantsAssessment(text); got != want {
			t.Errorf("wantsAssessment(%q) = %v, want %v", text, got, want)
		}
	}
	if w, rest := firstWord("  ASK  how much?  "); w != "ask" || rest != "how much?" {
		t.Errorf("firstWord = %q, %q", w, rest)
	}
}

func TestPoolBoundsAndPanics(t *testing.T) {
	t.Parallel()
	var panics atomic.Int32
	p := newPool(2, func(job, any, []byte) { panics.Add(1) })
	release := make(chan struct{})
	// No workers yet: the queue of 2 fills and the third job is refused.
	if !p.submit(job{run: func(context.Context) { <-release }}) || !p.submit(job{run: func(context.Context) { panic("boom") }}) {
		t.Fatal("a queue with room refused a job")
	}
	if p.submit(job{run: func(context.Context) {}}) {
		t.Fatal("a full queue accepted a job")
	}
	var apologies atomic.Int32
	p.start(context.Background(), 1)
	close(release)
	if !waitFor(func() bool { return panics.Load() == 1 }) {
		t.Fatal("the panic was not recovered and reported")
	}
	p.submit(job{run: func(context.Context) { panic("again") }, onPanic: func(context.Context) { apologies.Add(1) }})
	p.close()
	if panics.Load() != 2 || apologies.Load() != 1 {
		t.Errorf("panics %d, apologies %d; want 2 and 1", panics.Load(), apologies.Load())
	}
}

func waitFor(cond func() bool) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(time.Millisecond)
	}
	return false
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	now := time.Unix(0, 0)
	l := newLimiter(3, time.Minute, 2, func() time.Time { return now })
	type step struct {
		user           string
		after          time.Duration
		wantOK, wantNo bool // wantNo: the note is due
	}
	steps := []step{
		{"a", 0, true, false}, {"a", 0, true, false}, {"a", 0, true, false},
		{"a", 0, false, true},                // over the limit: one note
		{"a", 0, false, false},               // still over: silent
		{"a", 20 * time.Second, true, false}, // a token back (3 a minute)
		{"a", 0, false, false},               // over again within the window: silent
		{"a", time.Minute, true, false},
	}
	for i, s := range steps {
		now = now.Add(s.after)
		ok, note := l.allow(s.user)
		if ok != s.wantOK || note != s.wantNo {
			t.Errorf("step %d: allow = %v, note %v; want %v, %v", i, ok, note, s.wantOK, s.wantNo)
		}
	}
	for i := range 10 {
		l.allow(fmt.Sprint("user", i))
	}
	if len(l.users) > 2 || l.order.Len() > 2 {
		t.Errorf("holds %d users, ceiling 2", len(l.users))
	}
	// The user seen longest ago goes first.
	l.allow("user8") // user8 is now newer than user9
	l.allow("new")
	if _, ok := l.users["user9"]; ok {
		t.Error("the least recently seen user was kept")
	}
	if _, ok := l.users["user8"]; !ok {
		t.Error("a recently seen user was dropped")
	}
}

// TestLimiterFlood: a million distinct users cost no more than the
// ceiling's worth of buckets, and a user over the limit stays limited while
// the flood passes through the other buckets.
func TestLimiterFlood(t *testing.T) {
	t.Parallel()
	const ceiling = 1000
	now := time.Unix(0, 0)
	l := newLimiter(2, time.Minute, ceiling, func() time.Time { return now })
	l.allow("heavy")
	l.allow("heavy")
	if ok, _ := l.allow("heavy"); ok {
		t.Fatal("the third request within the burst of 2 was allowed")
	}
	for i := range 1_000_000 {
		l.allow(strconv.Itoa(i))
		if i%(ceiling/2) == 0 {
			l.allow("heavy") // keeps using its bucket, so it is never the oldest
		}
	}
	if len(l.users) != ceiling || l.order.Len() != ceiling {
		t.Errorf("holds %d users (%d in order), want the ceiling, %d", len(l.users), l.order.Len(), ceiling)
	}
	if ok, _ := l.allow("heavy"); ok {
		t.Error("a flood of other users reset a limited user's bucket")
	}
}

// TestPoolClosed: a job offered after close is refused, not a panic (an
// HTTP handler may still run when a shutdown past its grace closes the
// pools).
func TestPoolClosed(t *testing.T) {
	t.Parallel()
	p := newPool(1, func(job, any, []byte) {})
	p.start(context.Background(), 1)
	p.close()
	if p.submit(job{run: func(context.Context) {}}) {
		t.Error("a job was taken after close")
	}
}
