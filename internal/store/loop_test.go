package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// version reads the Version, failing the test on an error.
func version(t testing.TB, s Store) int64 {
	t.Helper()
	v, err := s.Version(context.Background())
	must(t, err)
	return v
}

func TestWatches(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		if ws, err := s.Watches(ctx); err != nil || len(ws) != 0 {
			t.Fatalf("Watches of a new store = %v, %v; want none", ws, err)
		}
		watch := func(w Watch) func() error { return func() error { return s.Watch(ctx, w) } }
		unwatch := func(channel string, want bool) func() error {
			return func() error {
				was, err := s.Unwatch(ctx, channel)
				if err == nil && was != want {
					err = fmt.Errorf("Unwatch(%s) = %v, want %v", channel, was, want)
				}
				return err
			}
		}
		steps := []struct {
			what    string
			do      func() error
			changed bool // the Version must change, else stay
			want    []Watch
		}{
			{"watch C1", watch(Watch{ChannelID: "C1", UserID: "U1", At: now}), true,
				[]Watch{{"C1", "U1", now}}},
			{"watch C2, earlier", watch(Watch{ChannelID: "C2", UserID: "U2", At: now.Add(-time.Hour)}), true,
				[]Watch{{"C2", "U2", now.Add(-time.Hour)}, {"C1", "U1", now}}},
			{"watch C1 again: replaced", watch(Watch{ChannelID: "C1", UserID: "U3", At: now.Add(-2 * time.Hour)}), true,
				[]Watch{{"C1", "U3", now.Add(-2 * time.Hour)}, {"C2", "U2", now.Add(-time.Hour)}}},
			{"unwatch C2", unwatch("C2", true), true,
				[]Watch{{"C1", "U3", now.Add(-2 * time.Hour)}}},
			{"unwatch C2 again", unwatch("C2", false), false,
				[]Watch{{"C1", "U3", now.Add(-2 * time.Hour)}}},
			{"unwatch C9, never watched", unwatch("C9", false), false,
				[]Watch{{"C1", "U3", now.Add(-2 * time.Hour)}}},
		}
		v := version(t, s)
		for _, step := range steps {
			must(t, step.do())
			got := version(t, s)
			if step.changed && got <= v || !step.changed && got != v {
				t.Errorf("%s: Version %d → %d, want changed %v", step.what, v, got, step.changed)
			}
			v = got
			ws, err := s.Watches(ctx)
			must(t, err)
			if !reflect.DeepEqual(ws, step.want) {
				t.Errorf("%s: Watches = %+v, want %+v", step.what, ws, step.want)
			}
		}
	})
}

func TestHandoffLifecycle(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		// Times are kept to the millisecond, in UTC.
		opened := now.Add(1234567 * time.Nanosecond).In(time.FixedZone("X", 3600))
		const id = "h-2vbq7m0kz4xwd9ta"
		must(t, s.OpenHandoff(ctx, Handoff{ID: id, OpenedAt: opened, UserID: "U1", Surface: "mention", ChannelID: "C1",
			ThreadTS: "1.1", Question: "  who  signs\tthe\x00 NDA? ", Guesses: []string{"cost", "learned-3"}}))
		want := Handoff{ID: id, OpenedAt: now.Add(time.Millisecond), UserID: "U1", Surface: "mention", ChannelID: "C1",
			ThreadTS: "1.1", Question: "who signs the NDA?", Guesses: []string{"cost", "learned-3"}, Status: HandoffOpen}
		get := func(what string) {
			t.Helper()
			h, err := s.Handoff(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(h, want) {
				t.Errorf("%s: Handoff =\n%+v\nwant\n%+v", what, h, want)
			}
		}
		get("opened")
		if in, err := s.Insights(ctx, now.Add(-week)); err != nil || in.OpenHandoffs != 1 {
			t.Errorf("Insights.OpenHandoffs = %d, %v; want 1", in.OpenHandoffs, err)
		}
		if err := s.OpenHandoff(ctx, Handoff{ID: id, OpenedAt: now, UserID: "U2", Question: "mine?"}); !errors.Is(err, ErrExists) {
			t.Errorf("OpenHandoff of a used id = %v, want ErrExists", err)
		}
		get("after a second open of its id")

		// The post counts as tried when opened.
		take := func(before, at time.Time, want ...string) {
			t.Helper()
			hs, err := s.TakeUnposted(ctx, before, at, 10)
			must(t, err)
			var ids []string
			for _, h := range hs {
				ids = append(ids, h.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("TakeUnposted(+%v, +%v) = %v, want %v", before.Sub(now), at.Sub(now), ids, want)
			}
		}
		take(want.OpenedAt, now.Add(time.Minute))
		take(now.Add(time.Minute), now.Add(time.Minute), id)
		take(now.Add(time.Minute), now.Add(2*time.Minute)) // tried at +1m
		take(now.Add(time.Minute+time.Millisecond), now.Add(2*time.Minute), id)

		must(t, s.HandoffPosted(ctx, id, "CEXP", "9.9"))
		want.ExpertChannel, want.ExpertTS = "CEXP", "9.9"
		get("posted")
		take(now.Add(time.Hour), now.Add(time.Hour)) // posted: never again

		first := Closure{Status: HandoffAnswered, By: "UEXP", At: now.Add(time.Hour), Answer: " The CEO signs.\n", LearnedID: "learned-1"}
		h, closed, err := s.CloseHandoff(ctx, id, first)
		if err != nil || !closed {
			t.Fatalf("CloseHandoff = %v, %v; want closed", closed, err)
		}
		want.Status, want.ClosedAt, want.ClosedBy, want.Answer, want.LearnedID = HandoffAnswered, now.Add(time.Hour), "UEXP", "The CEO signs.", "learned-1"
		if !reflect.DeepEqual(h, want) {
			t.Errorf("CloseHandoff returned\n%+v\nwant\n%+v", h, want)
		}
		get("answered")

		h, closed, err = s.CloseHandoff(ctx, id, Closure{Status: HandoffResolved, By: "U2", At: now.Add(2 * time.Hour)})
		if err != nil || closed {
			t.Fatalf("second CloseHandoff = %v, %v; want not closed", closed, err)
		}
		if !reflect.DeepEqual(h, want) {
			t.Errorf("second CloseHandoff returned\n%+v\nwant the first closure's\n%+v", h, want)
		}
		get("after a second closure")
		if in, err := s.Insights(ctx, now.Add(-week)); err != nil || in.OpenHandoffs != 0 {
			t.Errorf("Insights.OpenHandoffs = %d, %v; want 0", in.OpenHandoffs, err)
		}

		// A resolved hand-off, without guesses.
		must(t, s.OpenHandoff(ctx, Handoff{ID: "h-2", OpenedAt: now, UserID: "U2", Question: "q?"}))
		h, closed, err = s.CloseHandoff(ctx, "h-2", Closure{Status: HandoffResolved, By: "UEXP", At: now})
		want2 := Handoff{ID: "h-2", OpenedAt: now, UserID: "U2", Question: "q?", Status: HandoffResolved, ClosedAt: now, ClosedBy: "UEXP"}
		if err != nil || !closed || !reflect.DeepEqual(h, want2) {
			t.Errorf("CloseHandoff(resolved) = %+v, %v, %v; want %+v", h, closed, err, want2)
		}

		for what, err := range map[string]error{
			"Handoff":       second(s.Handoff(ctx, "h-none")),
			"HandoffPosted": s.HandoffPosted(ctx, "h-none", "CEXP", "1.1"),
			"CloseHandoff":  third(s.CloseHandoff(ctx, "h-none", first)),
		} {
			if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrInvalid) {
				t.Errorf("%s of a missing hand-off: %v, want ErrNotFound", what, err)
			}
		}
	})
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }

// TestTakeUnposted: the oldest first, at most limit, only the open ones
// whose post is missing and was tried before `before`.
func TestTakeUnposted(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		open := func(id string, minutes int) {
			must(t, s.OpenHandoff(ctx, Handoff{ID: id, OpenedAt: now.Add(time.Duration(minutes) * time.Minute), UserID: "U1", Question: "q?"}))
		}
		open("h-e", 5)
		open("h-a", 1)
		open("h-c", 3)
		open("h-b", 3) // a tie: by id
		open("h-posted", 0)
		must(t, s.HandoffPosted(ctx, "h-posted", "CEXP", "1.1"))
		addHandoff(t, s, "h-resolved", "U1", HandoffResolved, now, now)
		open("h-late", 60) // tried after `before`

		at := now.Add(30 * time.Minute)
		for i, want := range [][]string{{"h-a", "h-b"}, {"h-c", "h-e"}, nil} {
			hs, err := s.TakeUnposted(ctx, at, at, 2)
			must(t, err)
			var ids []string
			for _, h := range hs {
				ids = append(ids, h.ID)
				if h.Question != "q?" || h.Status != HandoffOpen {
					t.Errorf("took %+v", h)
				}
			}
			if !slices.Equal(ids, want) {
				t.Errorf("sweep %d: %v, want %v", i, ids, want)
			}
		}
		for _, limit := range []int{0, -1} {
			if hs, err := s.TakeUnposted(ctx, now.Add(time.Hour), now.Add(time.Hour), limit); len(hs) != 0 || err != nil {
				t.Errorf("TakeUnposted(limit %d) = %v, %v; want none", limit, hs, err)
			}
		}
		// Tried at `at`: due again once `before` is after it.
		hs, err := s.TakeUnposted(ctx, at.Add(time.Millisecond), at, 10)
		if err != nil || len(hs) != 4 {
			t.Errorf("a later sweep took %d, %v; want the 4 again", len(hs), err)
		}
	})
}

// TestCloseHandoffConcurrently: of many simultaneous closures of one
// hand-off, through one store or two (two replicas), exactly one wins, and
// every caller sees the winner's closure.
func TestCloseHandoffConcurrently(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		stores := replicas(t, e)
		const handoffs, closers = 10, 8
		for i := range handoffs {
			id := fmt.Sprintf("h-%d", i)
			must(t, stores[0].OpenHandoff(ctx, Handoff{ID: id, OpenedAt: now, UserID: "U1", Question: "q?"}))
			var wg sync.WaitGroup
			got := make([]Handoff, closers)
			won := make([]bool, closers)
			start := make(chan struct{})
			for c := range closers {
				wg.Go(func() {
					<-start
					var err error
					got[c], won[c], err = stores[c%len(stores)].CloseHandoff(ctx, id, Closure{Status: HandoffAnswered,
						By: fmt.Sprintf("U%d", c), At: now, Answer: fmt.Sprintf("answer %d", c)})
					if err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			winner, wins := -1, 0
			for c, w := range won {
				if w {
					winner, wins = c, wins+1
				}
			}
			if wins != 1 {
				t.Fatalf("%s: %d closures won, want 1", id, wins)
			}
			stored, err := stores[0].Handoff(ctx, id)
			must(t, err)
			if want := fmt.Sprintf("answer %d", winner); stored.Answer != want || stored.ClosedBy != fmt.Sprintf("U%d", winner) {
				t.Errorf("%s: stored %q by %s, want the winner's %q", id, stored.Answer, stored.ClosedBy, want)
			}
			for c, h := range got {
				if !reflect.DeepEqual(h, stored) {
					t.Errorf("%s: closer %d got %+v, want %+v", id, c, h, stored)
				}
			}
		}
	})
}

// TestTakeUnpostedConcurrently: sweeps at once, through one store or two,
// take every due hand-off, none twice.
func TestTakeUnpostedConcurrently(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		stores := replicas(t, e)
		const handoffs, sweepers = 40, 4
		for i := range handoffs {
			must(t, stores[0].OpenHandoff(ctx, Handoff{ID: fmt.Sprintf("h-%02d", i), OpenedAt: now.Add(time.Duration(i) * time.Second),
				UserID: "U1", Question: "q?"}))
		}
		before, at := now.Add(time.Hour), now.Add(time.Hour+time.Second)
		var mu sync.Mutex
		taken := map[string]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for c := range sweepers {
			wg.Go(func() {
				<-start
				for {
					hs, err := stores[c%len(stores)].TakeUnposted(ctx, before, at, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(hs) == 0 {
						return
					}
					mu.Lock()
					for _, h := range hs {
						taken[h.ID]++
					}
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		if len(taken) != handoffs {
			t.Errorf("%d hand-offs taken, want %d", len(taken), handoffs)
		}
		for id, n := range taken {
			if n != 1 {
				t.Errorf("%s taken %d times", id, n)
			}
		}
	})
}

// replicas opens one store, and on Postgres a second on the same
// database: another replica, with a pool of its own.
func replicas(t *testing.T, e engine) []Store {
	dsn := e.dsn(t)
	stores := []Store{openDSN(t, dsn)}
	if e.name == Postgres {
		stores = append(stores, openDSN(t, dsn))
	}
	return stores
}

func TestLearn(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		v := version(t, s)
		changed := func(what string, want bool) {
			t.Helper()
			got := version(t, s)
			if want && got <= v || !want && got != v {
				t.Errorf("%s: Version %d → %d, want changed %v", what, v, got, want)
			}
			v = got
		}
		at := now.Add(1234567 * time.Nanosecond).In(time.FixedZone("X", 3600))
		l, err := s.Learn(ctx, Learned{ID: "ignored", Question: "  Who signs\n the NDA?\x00", Answer: "\n*The CEO*,\n  always. \xff\n",
			AuthorID: "UEXP", At: at, HandoffID: "h-1"})
		must(t, err)
		want := Learned{ID: "learned-1", Question: "Who signs the NDA?", Answer: "*The CEO*,\n  always. \uFFFD", AuthorID: "UEXP",
			At: now.Add(time.Millisecond), HandoffID: "h-1"}
		if !reflect.DeepEqual(l, want) {
			t.Errorf("Learn =\n%+v\nwant\n%+v", l, want)
		}
		changed("Learn", true)
		long := strings.Repeat("é", MaxTextRunes+1)
		var all []Learned
		all = append(all, want)
		for i, q := range []string{"second?", long} {
			l, err := s.Learn(ctx, Learned{Question: q, Answer: strings.Repeat("à", MaxAnswerRunes), At: now.Add(time.Duration(i+1) * time.Hour)})
			must(t, err)
			if wantID := fmt.Sprintf("learned-%d", i+2); l.ID != wantID {
				t.Errorf("Learn gave %s, want %s", l.ID, wantID)
			}
			all = append(all, l)
		}
		if q := all[2].Question; q != long[:len(q)] || len([]rune(q)) != MaxTextRunes {
			t.Errorf("a long question kept %d characters, want %d", len([]rune(q)), MaxTextRunes)
		}
		changed("Learn", true)
		ls, err := s.LearnedAnswers(ctx)
		must(t, err)
		if !reflect.DeepEqual(ls, all) {
			t.Errorf("LearnedAnswers =\n%+v\nwant\n%+v", ls, all)
		}

		retract := func(id string, want bool) {
			t.Helper()
			was, err := s.Retract(ctx, id)
			if err != nil || was != want {
				t.Errorf("Retract(%s) = %v, %v; want %v", id, was, err, want)
			}
			changed("Retract("+id+")", want)
		}
		retract("learned-3", true)
		retract("learned-3", false)
		retract("learned-99", false)
		retract("learned-1", true)
		// Numbers are never reused, though the last one was retracted.
		l, err = s.Learn(ctx, Learned{Question: "third?", Answer: "yes", At: now})
		if err != nil || l.ID != "learned-4" {
			t.Errorf("Learn after a retraction = %s, %v; want learned-4", l.ID, err)
		}
		ls, err = s.LearnedAnswers(ctx)
		must(t, err)
		if want := []Learned{l, all[1]}; !reflect.DeepEqual(ls, want) { // oldest first
			t.Errorf("LearnedAnswers =\n%+v\nwant\n%+v", ls, want)
		}
	})
}

// TestLearnConcurrently: simultaneous Learns, through one store or two,
// each get a number of their own.
func TestLearnConcurrently(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		stores := replicas(t, e)
		const learners = 8
		ids := make([]string, learners)
		var wg sync.WaitGroup
		for c := range learners {
			wg.Go(func() {
				l, err := stores[c%len(stores)].Learn(ctx, Learned{Question: "q?", Answer: "a", At: now})
				if err != nil {
					t.Error(err)
				}
				ids[c] = l.ID
			})
		}
		wg.Wait()
		slices.Sort(ids)
		if ids = slices.Compact(ids); len(ids) != learners {
			t.Errorf("%d learners got ids %v", learners, ids)
		}
		if v := version(t, stores[0]); v != learners {
			t.Errorf("Version %d after %d Learns from 0", v, learners)
		}
	})
}

func TestQuestionByRef(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		q := func(at time.Time, user, ref string) Question {
			return Question{At: at, Surface: "mention", UserID: user, ChannelID: "C1", MessageTS: "1.1", Text: "why " + user + "?",
				EntryID: "cost", Score: 0.75, ThreadTS: "1.0", Ref: ref}
		}
		qs := []Question{q(now, "U1", "r1"), q(now.Add(time.Second), "U2", "r1"), q(now.Add(-time.Second), "U3", "r1"),
			q(now, "U4", "r2"), q(now.Add(time.Hour), "U5", "")}
		must(t, s.RecordQuestions(ctx, qs))
		for ref, want := range map[string]Question{"r1": qs[1], "r2": qs[3]} {
			got, err := s.QuestionByRef(ctx, ref)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("QuestionByRef(%s) = %+v, %v; want %+v", ref, got, err, want)
			}
		}
		for _, ref := range []string{"", "r3"} {
			if _, err := s.QuestionByRef(ctx, ref); !errors.Is(err, ErrNotFound) {
				t.Errorf("QuestionByRef(%q) = %v, want ErrNotFound", ref, err)
			}
		}
	})
}

func TestDeleteQuestions(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		q := func(channel, ts string) Question {
			return Question{At: now, Surface: "dm", UserID: "U1", ChannelID: channel, MessageTS: ts, Text: "q?", Ref: channel + ts}
		}
		must(t, s.RecordQuestions(ctx, []Question{q("C1", "1.1"), q("C1", "1.1"), q("C1", "1.2"), q("C2", "1.1"), q("C1", "")}))
		n, err := s.DeleteQuestions(ctx, []MessageRef{{"C1", "1.1"}, {"C2", "1.1"}, {"C3", "1.1"}, {"C2", "1.1"}})
		if err != nil || n != 3 {
			t.Errorf("DeleteQuestions = %d, %v; want 3", n, err)
		}
		if got := count(t, s, "questions"); got != 2 {
			t.Errorf("%d questions left, want 2", got)
		}
		if _, err := s.QuestionByRef(ctx, "C11.1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a deleted question found: %v", err)
		}
		if n, err := s.DeleteQuestions(ctx, nil); n != 0 || err != nil {
			t.Errorf("DeleteQuestions(nil) = %d, %v", n, err)
		}
	})
}

// TestLoopRefusesInvalid: every refusal wraps ErrInvalid and writes
// nothing.
func TestLoopRefusesInvalid(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		must(t, s.OpenHandoff(ctx, Handoff{ID: "h-1", OpenedAt: now, UserID: "U1", Question: "q?"}))
		v := version(t, s)
		long := strings.Repeat("x", 256)
		h := func(f func(*Handoff)) func() error {
			h := Handoff{ID: "h-2", OpenedAt: now, UserID: "U1", Question: "q?"}
			f(&h)
			return func() error { return s.OpenHandoff(ctx, h) }
		}
		closure := func(f func(*Closure)) func() error {
			c := Closure{Status: HandoffAnswered, By: "U2", At: now, Answer: "a"}
			f(&c)
			return func() error { return third(s.CloseHandoff(ctx, "h-1", c)) }
		}
		learn := func(f func(*Learned)) func() error {
			l := Learned{Question: "q?", Answer: "a", AuthorID: "U2", At: now}
			f(&l)
			return func() error { return second(s.Learn(ctx, l)) }
		}
		for what, call := range map[string]func() error{
			"watch without a channel":   func() error { return s.Watch(ctx, Watch{UserID: "U1", At: now}) },
			"watch without a time":      func() error { return s.Watch(ctx, Watch{ChannelID: "C1", UserID: "U1"}) },
			"watch with a long user":    func() error { return s.Watch(ctx, Watch{ChannelID: "C1", UserID: long, At: now}) },
			"unwatch no channel":        func() error { return second(s.Unwatch(ctx, "")) },
			"hand-off id upper case":    h(func(h *Handoff) { h.ID = "H-2" }),
			"hand-off id empty":         h(func(h *Handoff) { h.ID = "" }),
			"hand-off id of 41":         h(func(h *Handoff) { h.ID = strings.Repeat("h", 41) }),
			"hand-off id with a space":  h(func(h *Handoff) { h.ID = "h 2" }),
			"hand-off without a user":   h(func(h *Handoff) { h.UserID = "" }),
			"hand-off without question": h(func(h *Handoff) { h.Question = " \t\x00" }),
			"hand-off without a time":   h(func(h *Handoff) { h.OpenedAt = time.Time{} }),
			"hand-off answered":         h(func(h *Handoff) { h.Status = HandoffAnswered }),
			"hand-off long channel":     h(func(h *Handoff) { h.ChannelID = long }),
			"hand-off guess with space": h(func(h *Handoff) { h.Guesses = []string{"cost", "a b"} }),
			"hand-off empty guess":      h(func(h *Handoff) { h.Guesses = []string{""} }),
			"hand-off bad UTF-8 guess":  h(func(h *Handoff) { h.Guesses = []string{"\xff"} }),
			"posted with a bad id":      func() error { return s.HandoffPosted(ctx, "H-1", "CEXP", "1.1") },
			"posted without a ts":       func() error { return s.HandoffPosted(ctx, "h-1", "CEXP", "") },
			"read a bad id":             func() error { return second(s.Handoff(ctx, "h_1")) },
			"close a bad id":            func() error { return third(s.CloseHandoff(ctx, "", Closure{})) },
			"close as open":             closure(func(c *Closure) { c.Status = HandoffOpen }),
			"close without status":      closure(func(c *Closure) { c.Status = "" }),
			"answered without answer":   closure(func(c *Closure) { c.Answer = " \n " }),
			"answered, answer too long": closure(func(c *Closure) { c.Answer = strings.Repeat("é", MaxAnswerRunes+1) }),
			"resolved with an answer":   closure(func(c *Closure) { c.Status = HandoffResolved }),
			"closed by no one":          closure(func(c *Closure) { c.By = "" }),
			"closed without a time":     closure(func(c *Closure) { c.At = time.Time{} }),
			"learn without a question":  learn(func(l *Learned) { l.Question = " " }),
			"learn without an answer":   learn(func(l *Learned) { l.Answer = "\x00" }),
			"learn an answer too long":  learn(func(l *Learned) { l.Answer = strings.Repeat("é", MaxAnswerRunes+1) }),
			"learn without a time":      learn(func(l *Learned) { l.At = time.Time{} }),
			"learn with a long author":  learn(func(l *Learned) { l.AuthorID = long }),
			"retract no id":             func() error { return second(s.Retract(ctx, "")) },
			"a ref too long":            func() error { return second(s.QuestionByRef(ctx, long)) },
			"delete a message without ts": func() error {
				return second(s.DeleteQuestions(ctx, []MessageRef{{"C1", "1.1"}, {"C1", ""}}))
			},
			"record a long thread": func() error {
				return s.RecordQuestions(ctx, []Question{{At: now, Surface: "dm", UserID: "U1", Text: "q?", ThreadTS: long}})
			},
			"record a long ref": func() error {
				return s.RecordQuestions(ctx, []Question{{At: now, Surface: "dm", UserID: "U1", Text: "q?", Ref: "r\x00"}})
			},
		} {
			if err := call(); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want ErrInvalid", what, err)
			}
		}
		for table, want := range map[string]int{"watches": 0, "learned": 0, "handoffs": 1, "questions": 0} {
			if n := count(t, s, table); n != want {
				t.Errorf("%d rows in %s after refusals, want %d", n, table, want)
			}
		}
		if h, err := s.Handoff(ctx, "h-1"); err != nil || h.Status != HandoffOpen {
			t.Errorf("h-1 after refused closures: %+v, %v; want open", h, err)
		}
		if got := version(t, s); got != v {
			t.Errorf("Version %d after refusals, was %d", got, v)
		}
	})
}

// TestMigrateFrom0001: a database of the first schema, with rows in it,
// is brought to the current one by Open, its rows kept.
func TestMigrateFrom0001(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		dsn := e.dsn(t)
		old := openAtVersion(t, e.name, dsn, 1)
		exec(t, old, `INSERT INTO questions (at, surface, user_id, channel_id, message_ts, text, text_key, entry_id, score)
			VALUES (?, 'dm', 'U1', 'C1', '1.1', 'old?', 'old', '', 0)`, timeArg(old, now))
		exec(t, old, `INSERT INTO handoffs (id, user_id, status, opened_at, closed_at) VALUES (?, ?, ?, ?, ?)`,
			"h-old", "U1", "open", timeArg(old, now), nil)
		must(t, old.Close())

		s := openDSN(t, dsn)
		if n := count(t, s, "schema_migrations"); n != len(mustMigrations(t, e.name)) {
			t.Errorf("%d migrations recorded, want %d", n, len(mustMigrations(t, e.name)))
		}
		if n := count(t, s, "questions"); n != 1 {
			t.Errorf("%d questions after migrating, want 1", n)
		}
		h, err := s.Handoff(ctx, "h-old")
		if want := (Handoff{ID: "h-old", OpenedAt: now, UserID: "U1", Status: HandoffOpen}); err != nil || !reflect.DeepEqual(h, want) {
			t.Errorf("Handoff of an old row = %+v, %v; want %+v", h, err, want)
		}
		// Counted as tried when opened, as OpenHandoff does now.
		if hs, err := s.TakeUnposted(ctx, now, now, 10); len(hs) != 0 || err != nil {
			t.Errorf("TakeUnposted before its opening = %v, %v; want none", hs, err)
		}
		if hs, err := s.TakeUnposted(ctx, now.Add(time.Millisecond), now, 10); len(hs) != 1 || err != nil {
			t.Errorf("TakeUnposted after its opening = %v, %v; want it", hs, err)
		}
		if _, err := s.QuestionByRef(ctx, "r"); !errors.Is(err, ErrNotFound) {
			t.Errorf("QuestionByRef = %v, want ErrNotFound", err)
		}
		must(t, s.Watch(ctx, Watch{ChannelID: "C1", At: now}))
		if l, err := s.Learn(ctx, Learned{Question: "q?", Answer: "a", At: now}); err != nil || l.ID != "learned-1" {
			t.Errorf("Learn = %+v, %v; want learned-1", l, err)
		}
		if v := version(t, s); v != 2 {
			t.Errorf("Version %d after a watch and a learned answer, want 2", v)
		}
	})
}

// openAtVersion opens dsn for serving with only its engine's first
// migrations, as a binary of that version would.
func openAtVersion(t *testing.T, engine, dsn string, version int) Store {
	t.Helper()
	ctx := context.Background()
	ms := mustMigrations(t, engine)[:version]
	d, err := ParseDSN(dsn)
	must(t, err)
	var s Store
	switch engine {
	case SQLite:
		s, err = openSQLite(ctx, d.Path, ms, true)
	case Postgres:
		s, err = openPostgres(ctx, d, ms, true)
	}
	must(t, err)
	t.Cleanup(func() { s.Close() }) // again, after a failure
	if n := count(t, s, "schema_migrations"); n != version {
		t.Fatalf("%d migrations applied, want %d", n, version)
	}
	return s
}
