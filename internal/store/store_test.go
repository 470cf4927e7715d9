package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// now is the tests' clock: fixed, so every figure is exact.
var now = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

const week = 7 * 24 * time.Hour

func TestEmptyStoreHasNoInsights(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		s := openStore(t, e)
		since := now.Add(-week)
		got, err := s.Insights(context.Background(), since)
		if err != nil {
			t.Fatal(err)
		}
		if want := (Insights{Since: since}); !reflect.DeepEqual(got, want) {
			t.Errorf("Insights = %+v, want %+v", got, want)
		}
		if got.UnansweredShare() != 0 {
			t.Errorf("UnansweredShare = %v, want 0", got.UnansweredShare())
		}
		as, err := s.RecentAssessments(context.Background(), "U1", 5)
		if err != nil || len(as) != 0 {
			t.Errorf("RecentAssessments = %v, %v; want none", as, err)
		}
	})
}

func TestInsights(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		since := now.Add(-week)
		q := func(at time.Time, surface, user, text, entry string) Question {
			return Question{At: at, Surface: surface, UserID: user, ChannelID: "C1", MessageTS: "1.1", Text: text, EntryID: entry, Score: 0.5}
		}
		must(t, s.RecordQuestions(ctx, []Question{
			q(since, "mention", "U1", "What does a CTO cost?", "cost"), // at the window's start: in it
			q(now, "mention", "U2", "what does a cto cost", "cost"),
			q(now, "dm", "U1", "Can you do taxes?", ""),
			q(now, "dm", "U2", "can you \t do TAXES", ""),
			q(now, "slash", "U3", "Where is the office?", ""),
			q(now, "slash", "U3", "can you do taxes?!", ""),
			q(since.Add(-time.Millisecond), "mention", "U1", "An old question?", ""), // before it: out
		}))
		v := func(at time.Time, user, channel, subject string, helpful bool) Vote {
			return Vote{At: at, UserID: user, ChannelID: channel, MessageTS: "1.1", Subject: subject, Helpful: helpful}
		}
		must(t, s.RecordVotes(ctx, []Vote{
			v(now, "U1", "C1", "faq:cost", false),
			v(now, "U2", "C1", "faq:cost", true),
			v(now, "U3", "C2", "recommendation:caio", true),
			v(now, "U1", "C3", "faq:when-cto", false),
			v(since.Add(-time.Hour), "U1", "C4", "faq:old", false),
		}))
		// An earlier click arriving late changes nothing.
		must(t, s.RecordVotes(ctx, []Vote{v(now.Add(-time.Minute), "U1", "C1", "faq:cost", true)}))
		a := func(at time.Time, user, rec string) Assessment {
			return Assessment{At: at, UserID: user, Answers: advisor.Answers{Goal: "both", Infrastructure: "solid", AIAmbition: "targeted",
				EngineeringTeam: "small", AIGovernance: "high", Budget: "10k_25k"}, Months: 12, Recommendation: rec, Confidence: 0.8}
		}
		must(t, s.RecordAssessments(ctx, []Assessment{
			a(now, "U1", "caio"), a(now, "U2", "caio"), a(now, "U3", "cto"), a(since.Add(-time.Hour), "U1", "both"),
		}))
		addHandoff(t, s, "h1", "U1", "open", now.Add(-30*24*time.Hour), time.Time{}) // old, still open: counted
		addHandoff(t, s, "h2", "U2", "open", now, time.Time{})
		addHandoff(t, s, "h3", "U3", "answered", now, now)

		got, err := s.Insights(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		want := Insights{
			Since:      since,
			Questions:  6,
			Unanswered: 4,
			BySurface:  []Count{{"dm", 2}, {"mention", 2}, {"slash", 2}},
			Votes: []SubjectVotes{
				{Subject: "faq:when-cto", NotHelpful: 1},
				{Subject: "faq:cost", Helpful: 1, NotHelpful: 1},
				{Subject: "recommendation:caio", Helpful: 1},
			},
			Recommendations: []Count{{"caio", 2}, {"cto", 1}},
			OpenHandoffs:    2,
			// Alike questions count as one, shown by the greatest text in
			// byte order on both engines.
			TopUnanswered: []Count{{"can you do taxes?!", 3}, {"Where is the office?", 1}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Insights =\n%+v\nwant\n%+v", got, want)
		}
		if got.UnansweredShare() != 4.0/6 {
			t.Errorf("UnansweredShare = %v, want 4/6", got.UnansweredShare())
		}
	})
}

func TestTopUnansweredKeepsTen(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		var qs []Question
		for i := range 15 {
			for range i + 1 { // question i asked i+1 times
				qs = append(qs, Question{At: now, Surface: "dm", UserID: "U1", Text: fmt.Sprintf("question %02d", i)})
			}
		}
		must(t, s.RecordQuestions(ctx, qs))
		got, err := s.Insights(ctx, now.Add(-week))
		if err != nil {
			t.Fatal(err)
		}
		var want []Count
		for i := 14; i >= 5; i-- {
			want = append(want, Count{fmt.Sprintf("question %02d", i), i + 1})
		}
		if !reflect.DeepEqual(got.TopUnanswered, want) {
			t.Errorf("TopUnanswered = %v, want %v", got.TopUnanswered, want)
		}
	})
}

func TestVotesLastClickWins(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		vote := func(sec int, helpful bool) Vote {
			return Vote{At: now.Add(time.Duration(sec) * time.Second), UserID: "U1", ChannelID: "C1", MessageTS: "1.1",
				Subject: "faq:cost", Helpful: helpful}
		}
		steps := []struct {
			batch []Vote
			want  SubjectVotes
		}{
			{[]Vote{vote(1, true)}, SubjectVotes{"faq:cost", 1, 0}},
			{[]Vote{vote(2, false)}, SubjectVotes{"faq:cost", 0, 1}},
			{[]Vote{vote(0, true)}, SubjectVotes{"faq:cost", 0, 1}},                 // older: ignored
			{[]Vote{vote(5, true), vote(4, false)}, SubjectVotes{"faq:cost", 1, 0}}, // one batch: the latest
			{[]Vote{vote(6, false), vote(6, true)}, SubjectVotes{"faq:cost", 1, 0}}, // a tie: the later
			{[]Vote{vote(6, false)}, SubjectVotes{"faq:cost", 0, 1}},                // a tie in a later batch: it
		}
		for i, step := range steps {
			must(t, s.RecordVotes(ctx, step.batch))
			in, err := s.Insights(ctx, now.Add(-week))
			if err != nil {
				t.Fatal(err)
			}
			if want := []SubjectVotes{step.want}; !reflect.DeepEqual(in.Votes, want) {
				t.Errorf("after batch %d: votes %+v, want %+v", i, in.Votes, want)
			}
		}
		if n := count(t, s, "votes"); n != 1 {
			t.Errorf("%d vote rows for one user and message, want 1", n)
		}
	})
}

func TestRecentAssessments(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		var as []Assessment
		for i := range 7 {
			as = append(as, Assessment{At: now.Add(time.Duration(i) * time.Hour), UserID: "U1", Answers: advisor.Answers{Goal: "both"},
				Months: i, Recommendation: "cto", Confidence: 0.5})
		}
		as = append(as, Assessment{At: now.Add(time.Hour), UserID: "U2", Recommendation: "caio"})
		must(t, s.RecordAssessments(ctx, as))
		got, err := s.RecentAssessments(ctx, "U1", 5)
		if err != nil {
			t.Fatal(err)
		}
		var want []Assessment
		for i := 6; i >= 2; i-- {
			want = append(want, as[i])
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("RecentAssessments =\n%+v\nwant\n%+v", got, want)
		}
	})
}

func TestTextIsCleanedAndTimesKeptToTheMillisecond(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		at := now.Add(1234567 * time.Nanosecond).In(time.FixedZone("X", 3600))
		long := strings.Repeat("é", MaxTextRunes+10)
		must(t, s.RecordQuestions(ctx, []Question{
			{At: at, Surface: "dm", UserID: "U1", Text: "  bad \xff utf8\x00 and  spaces  "},
			{At: at, Surface: "dm", UserID: "U1", Text: long},
		}))
		must(t, s.RecordAssessments(ctx, []Assessment{{At: at, UserID: "U1", Recommendation: "cto"}}))
		in, err := s.Insights(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		want := []Count{{"bad \uFFFD utf8 and spaces", 1}, {strings.Repeat("é", MaxTextRunes), 1}}
		if !reflect.DeepEqual(in.TopUnanswered, want) {
			t.Errorf("TopUnanswered = %+v, want %+v", in.TopUnanswered, want)
		}
		as, err := s.RecentAssessments(ctx, "U1", 1)
		if err != nil || len(as) != 1 {
			t.Fatalf("RecentAssessments = %v, %v", as, err)
		}
		if want := now.Add(time.Millisecond); !as[0].At.Equal(want) || as[0].At.Location() != time.UTC {
			t.Errorf("At = %v, want %v in UTC", as[0].At, want)
		}
	})
}

func TestInvalidRecordsWriteNothing(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		good := Question{At: now, Surface: "dm", UserID: "U1", Text: "hi?"}
		bad := []Question{
			{Surface: "dm", UserID: "U1", Text: "no time"},
			{At: now, Surface: "dm", Text: "no user"},
			{At: now, UserID: "U1", Text: "no surface"},
			{At: now, Surface: "dm", UserID: "U1", Text: " \t "},
			{At: now, Surface: "dm", UserID: strings.Repeat("U", 256), Text: "long user"},
			{At: now, Surface: "dm", UserID: "U\x00", Text: "NUL in user"},
		}
		for _, b := range bad {
			if err := s.RecordQuestions(ctx, []Question{good, b}); !errors.Is(err, ErrInvalid) {
				t.Errorf("RecordQuestions(%+v) = %v, want ErrInvalid", b, err)
			}
		}
		if err := s.RecordVotes(ctx, []Vote{{At: now, UserID: "U1", ChannelID: "C1", Subject: "faq:cost"}}); !errors.Is(err, ErrInvalid) {
			t.Errorf("a vote without a message: %v, want ErrInvalid", err)
		}
		if err := s.RecordAssessments(ctx, []Assessment{{At: now, UserID: "U1"}}); !errors.Is(err, ErrInvalid) {
			t.Errorf("an assessment without a recommendation: %v, want ErrInvalid", err)
		}
		if _, err := s.ClaimEvent(ctx, "", now); !errors.Is(err, ErrInvalid) {
			t.Errorf("ClaimEvent(\"\") = %v, want ErrInvalid", err)
		}
		if _, err := s.Purge(ctx, now, 0); !errors.Is(err, ErrInvalid) {
			t.Errorf("Purge with no retention = %v, want ErrInvalid", err)
		}
		for _, table := range []string{"questions", "votes", "assessments"} {
			if n := count(t, s, table); n != 0 {
				t.Errorf("%d rows in %s after refused batches", n, table)
			}
		}
		must(t, s.RecordQuestions(ctx, nil))
	})
}

func TestClaimEvent(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		claim := func(id string, at time.Time, want bool) {
			t.Helper()
			got, err := s.ClaimEvent(ctx, id, at)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("ClaimEvent(%s, +%v) = %v, want %v", id, at.Sub(now), got, want)
			}
		}
		claim("Ev1", now, true)
		claim("Ev1", now, false)                                   // a retry
		claim("Ev1", now.Add(ClaimTimeout), false)                 // not yet over 30 s
		claim("Ev1", now.Add(ClaimTimeout+time.Millisecond), true) // taken over
		claim("Ev1", now.Add(ClaimTimeout+time.Second), false)     // the new claim holds
		must(t, s.CompleteEvents(ctx, "Ev1"))
		claim("Ev1", now.Add(time.Hour), false) // answered: never again

		claim("Ev2", now, true)
		must(t, s.ReleaseEvent(ctx, "Ev2"))
		claim("Ev2", now, true) // released: Slack's retry is answered
		must(t, s.CompleteEvents(ctx, "Ev2"))
		must(t, s.ReleaseEvent(ctx, "Ev2")) // too late: stays answered
		claim("Ev2", now, false)
	})
}

// TestClaimEventConcurrently: of many simultaneous claims of one id,
// through one store or two (two replicas), exactly one wins.
func TestClaimEventConcurrently(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		dsn := e.dsn(t)
		stores := []Store{openDSN(t, dsn)}
		if e.name == Postgres {
			stores = append(stores, openDSN(t, dsn)) // a second pool: another replica
		}
		const ids, claimers = 20, 8
		for i := range ids {
			id := fmt.Sprintf("Ev%d", i)
			var wins sync.WaitGroup
			won := make(chan int, claimers)
			start := make(chan struct{})
			for c := range claimers {
				wins.Go(func() {
					<-start
					ok, err := stores[c%len(stores)].ClaimEvent(context.Background(), id, now)
					if err != nil {
						t.Error(err)
					}
					if ok {
						won <- c
					}
				})
			}
			close(start)
			wins.Wait()
			close(won)
			if n := len(won); n != 1 {
				t.Errorf("%s: %d claims won, want 1", id, n)
			}
		}
	})
}

func TestPurge(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		retention := 90 * 24 * time.Hour
		old, kept := now.Add(-retention-time.Millisecond), now.Add(-retention)
		var qs []Question
		for range purgeChunk + 3 { // more than a chunk
			qs = append(qs, Question{At: old, Surface: "dm", UserID: "U1", Text: "old?"})
		}
		qs = append(qs, Question{At: kept, Surface: "dm", UserID: "U1", Text: "kept?"})
		must(t, s.RecordQuestions(ctx, qs))
		must(t, s.RecordVotes(ctx, []Vote{
			{At: old, UserID: "U1", ChannelID: "C1", MessageTS: "1", Subject: "faq:cost"},
			{At: kept, UserID: "U1", ChannelID: "C1", MessageTS: "2", Subject: "faq:cost"},
		}))
		must(t, s.RecordAssessments(ctx, []Assessment{
			{At: old, UserID: "U1", Recommendation: "cto"},
			{At: kept, UserID: "U1", Recommendation: "cto"},
		}))
		addHandoff(t, s, "open-old", "U1", "open", old, time.Time{})     // open: kept however old
		addHandoff(t, s, "closed-old", "U1", "resolved", old, old)       // purged
		addHandoff(t, s, "closed-recently", "U1", "answered", old, kept) // closed within retention: kept
		// Watches and learned answers are never purged.
		must(t, s.Watch(ctx, Watch{ChannelID: "C1", UserID: "U1", At: old}))
		if _, err := s.Learn(ctx, Learned{Question: "old?", Answer: "kept", AuthorID: "U2", At: old, HandoffID: "closed-old"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			id string
			at time.Time
		}{{"old", now.Add(-EventClaimKeep - time.Millisecond)}, {"kept", now.Add(-EventClaimKeep)}} {
			if ok, err := s.ClaimEvent(ctx, c.id, c.at); !ok || err != nil {
				t.Fatalf("claim: %v %v", ok, err)
			}
			must(t, s.CompleteEvents(ctx, c.id))
		}

		n, err := s.Purge(ctx, now, retention)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(purgeChunk + 3 + 1 + 1 + 1 + 1); n != want {
			t.Errorf("Purge deleted %d rows, want %d", n, want)
		}
		for table, want := range map[string]int{"questions": 1, "votes": 1, "assessments": 1, "handoffs": 2, "event_claims": 1,
			"watches": 1, "learned": 1} {
			if got := count(t, s, table); got != want {
				t.Errorf("%s: %d rows left, want %d", table, got, want)
			}
		}
		if ok, _ := s.ClaimEvent(ctx, "kept", now); ok {
			t.Error("a claim within EventClaimKeep was purged")
		}
		if n, err := s.Purge(ctx, now, retention); n != 0 || err != nil {
			t.Errorf("second Purge = %d, %v; want 0, nil", n, err)
		}
	})
}

func TestForgetUser(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		ctx := context.Background()
		s := openStore(t, e)
		for _, u := range []string{"U1", "U2"} {
			must(t, s.RecordQuestions(ctx, []Question{
				{At: now, Surface: "dm", UserID: u, Text: "a?", Ref: "r-" + u}, {At: now, Surface: "dm", UserID: u, Text: "b?"},
			}))
			must(t, s.RecordVotes(ctx, []Vote{{At: now, UserID: u, ChannelID: "C1", MessageTS: "1", Subject: "faq:cost"}}))
			must(t, s.RecordAssessments(ctx, []Assessment{{At: now, UserID: u, Recommendation: "cto"}}))
			addHandoff(t, s, "h-"+strings.ToLower(u), u, "open", now, time.Time{})
		}
		// What U1 did for the team, kept with their id blanked: a watch,
		// a learned answer, U2's hand-off closed.
		must(t, s.Watch(ctx, Watch{ChannelID: "C1", UserID: "U1", At: now}))
		must(t, s.Watch(ctx, Watch{ChannelID: "C2", UserID: "U2", At: now}))
		learned, err := s.Learn(ctx, Learned{Question: "who?", Answer: "us", AuthorID: "U1", At: now, HandoffID: "h-u2"})
		must(t, err)
		if _, ok, err := s.CloseHandoff(ctx, "h-u2", Closure{Status: HandoffAnswered, By: "U1", At: now, Answer: "us",
			LearnedID: learned.ID}); !ok || err != nil {
			t.Fatalf("CloseHandoff = %v, %v", ok, err)
		}
		v0 := version(t, s)

		n, err := s.ForgetUser(ctx, "U1")
		if err != nil {
			t.Fatal(err)
		}
		if n != 5 {
			t.Errorf("ForgetUser deleted %d rows, want 5", n)
		}
		for _, table := range userTables() {
			want := 1
			if table == "questions" {
				want = 2
			}
			if got := count(t, s, table); got != want {
				t.Errorf("%s: %d rows left, want U2's %d", table, got, want)
			}
		}
		if as, _ := s.RecentAssessments(ctx, "U1", 5); len(as) != 0 {
			t.Errorf("U1's assessments remain: %v", as)
		}
		if _, err := s.QuestionByRef(ctx, "r-U1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("QuestionByRef of U1's question = %v, want ErrNotFound", err)
		}
		if _, err := s.Handoff(ctx, "h-u1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("U1's hand-off: %v, want ErrNotFound", err)
		}
		ws, err := s.Watches(ctx)
		must(t, err)
		if want := []Watch{{"C1", "", now}, {"C2", "U2", now}}; !reflect.DeepEqual(ws, want) {
			t.Errorf("Watches = %+v, want %+v", ws, want)
		}
		ls, err := s.LearnedAnswers(ctx)
		must(t, err)
		if len(ls) != 1 || ls[0].AuthorID != "" || ls[0].ID != learned.ID {
			t.Errorf("LearnedAnswers = %+v, want %s kept without its author", ls, learned.ID)
		}
		h, err := s.Handoff(ctx, "h-u2")
		if err != nil || h.ClosedBy != "" || h.Answer != "us" || h.UserID != "U2" {
			t.Errorf("U2's hand-off = %+v, %v; want kept, closed by \"\"", h, err)
		}
		if v := version(t, s); v <= v0 {
			t.Errorf("Version %d after ForgetUser blanked a watch, was %d: replicas keep U1's id", v, v0)
		}
		if n, err := s.ForgetUser(ctx, "U1"); n != 0 || err != nil {
			t.Errorf("second ForgetUser = %d, %v; want 0, nil", n, err)
		}
	})
}

// TestForgetUserCoversEveryTable: every column that names a user
// (user_id, author_id, closed_by) is one ForgetUser deletes by or blanks,
// so a later migration that adds one cannot forget to.
func TestForgetUserCoversEveryTable(t *testing.T) {
	t.Parallel()
	forEach(t, func(t *testing.T, e engine) {
		s := openStore(t, e)
		var cols []string
		ctx := context.Background()
		switch s := s.(type) {
		case *sqliteStore:
			err := eachRow(ctx, s.r, `SELECT m.name || '.' || c.name FROM sqlite_master m, pragma_table_info(m.name) c
				WHERE m.type = 'table' AND c.name IN ('user_id', 'author_id', 'closed_by')`, nil, func(rows *sql.Rows) error {
				var name string
				err := rows.Scan(&name)
				cols = append(cols, name)
				return err
			})
			must(t, err)
		case *pgStore:
			rows, err := s.pool.Query(ctx, `SELECT table_name || '.' || column_name FROM information_schema.columns
				WHERE column_name IN ('user_id', 'author_id', 'closed_by') AND table_schema = current_schema()`)
			must(t, err)
			must(t, eachPgRow(rows, func() error {
				var name string
				err := rows.Scan(&name)
				cols = append(cols, name)
				return err
			}))
		}
		slices.Sort(cols)
		var want []string
		for _, table := range userTables() {
			want = append(want, table+".user_id")
		}
		for _, c := range actorColumns() {
			want = append(want, c.table+"."+c.column)
		}
		slices.Sort(want)
		if !slices.Equal(cols, want) {
			t.Errorf("columns naming a user: %v; ForgetUser clears %v", cols, want)
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
