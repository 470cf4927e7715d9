package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// Benchmark data, generated with a fixed seed so every run and both
// engines see the same rows. now is the tests' fixed clock.
const (
	benchQuestions    = 1_000_000 // over 90 days…
	benchRecent       = 100_000   // …of which in the last 7
	benchVotes        = 100_000   // a tenth of them recent
	benchAssessments  = 50_000    // a tenth of them recent
	benchHandoffs     = 2_000     // a quarter of them open
	benchUsers        = 5_000
	benchUnansweredQs = 20_000 // distinct unanswered questions, asked Zipf-often
)

var (
	benchSurfaces = []struct {
		name   string
		weight int
	}{{"mention", 40}, {"dm", 30}, {"slash", 15}, {"shortcut", 8}, {"assistant", 5}, {"watched", 2}}
	benchEntries = []string{"caio-vs-cto", "caio-role", "cto-role", "caio-deliverables", "cto-deliverables",
		"ai-strategy-vs-roadmap", "when-caio", "when-cto", "both-roles", "caio-without-infrastructure", "cost",
		"what-is-fractional", "security-governance", "team-leadership", "caio-vs-ai-consultant",
		"caio-engagement-duration", "caio-fundraising", "one-exec-both-roles"}
	benchRoles = []string{"caio", "cto", "both", "cto_then_caio"}
	benchWords = []string{"budget", "hiring", "roadmap", "security", "vendors", "models", "data", "cloud",
		"compliance", "board", "team", "pricing", "contract", "timeline", "governance", "platform"}
)

// benchTime spreads row i of n over the window [from, from+span).
func benchTime(r *rand.Rand, from time.Time, span time.Duration) time.Time {
	return from.Add(time.Duration(r.Int64N(int64(span))))
}

// loadBenchData fills s: 1,000,000 questions (900,000 spread over the 83
// days before the last week, 100,000 over the last week; a quarter
// unanswered, their text drawn Zipf-wise from 20,000 distinct questions),
// 100,000 votes, 50,000 assessments and 2,000 hand-offs, a tenth of each
// (a quarter of the hand-offs open) in the last week. Questions go in
// through RecordQuestions in batches of 10,000: a prepared insert in one
// transaction on SQLite, COPY on Postgres.
func loadBenchData(b *testing.B, s Store) {
	ctx := context.Background()
	if _, ok := s.(*sqliteStore); ok {
		// Loading only: a throwaway file need not survive a crash, and a
		// big cache keeps the random inserts into the user index off the
		// disk. The single writer connection keeps both.
		exec(b, s, "PRAGMA synchronous = OFF")
		exec(b, s, "PRAGMA cache_size = -262144")
	}
	r := rand.New(rand.NewPCG(20261102, 1))
	zipf := rand.NewZipf(r, 1.1, 1, benchUnansweredQs-1)
	weights := 0
	for _, s := range benchSurfaces {
		weights += s.weight
	}
	surface := func() string {
		w := r.IntN(weights)
		for _, s := range benchSurfaces {
			if w < s.weight {
				return s.name
			}
			w -= s.weight
		}
		panic("unreachable")
	}
	user := func() string { return fmt.Sprintf("U%05d", r.IntN(benchUsers)) }
	old, recent := now.Add(-90*24*time.Hour), now.Add(-week)

	const chunk = 10_000
	qs := make([]Question, 0, chunk)
	for i := range benchQuestions {
		at := benchTime(r, old, recent.Sub(old))
		if i >= benchQuestions-benchRecent {
			at = benchTime(r, recent, week)
		}
		q := Question{At: at, Surface: surface(), UserID: user(), ChannelID: fmt.Sprintf("C%03d", r.IntN(200)),
			MessageTS: fmt.Sprintf("%d.%06d", at.Unix(), i%1_000_000), Score: r.Float64()}
		if r.IntN(4) == 0 {
			n := zipf.Uint64()
			q.Text = fmt.Sprintf("Can a fractional leader help with %s and %s, case %d?",
				benchWords[n%16], benchWords[n/16%16], n)
		} else {
			q.EntryID = benchEntries[r.IntN(len(benchEntries))]
			q.Text = "What about " + q.EntryID + " for our " + benchWords[r.IntN(16)] + "?"
		}
		if qs = append(qs, q); len(qs) == chunk {
			must(b, s.RecordQuestions(ctx, qs))
			qs = qs[:0]
		}
	}
	vs := make([]Vote, 0, benchVotes)
	for i := range benchVotes {
		at := benchTime(r, old, recent.Sub(old))
		if i%10 == 0 {
			at = benchTime(r, recent, week)
		}
		subject := "faq:" + benchEntries[r.IntN(len(benchEntries))]
		if r.IntN(5) == 0 {
			subject = "recommendation:" + benchRoles[r.IntN(len(benchRoles))]
		}
		vs = append(vs, Vote{At: at, UserID: user(), ChannelID: "C001", MessageTS: fmt.Sprintf("%d", i),
			Subject: subject, Helpful: r.IntN(3) > 0})
	}
	must(b, s.RecordVotes(ctx, vs))
	as := make([]Assessment, 0, benchAssessments)
	for i := range benchAssessments {
		at := benchTime(r, old, recent.Sub(old))
		if i%10 == 0 {
			at = benchTime(r, recent, week)
		}
		as = append(as, Assessment{At: at, UserID: user(), Answers: advisor.Answers{Goal: "both", Infrastructure: "partial",
			AIAmbition: "targeted", EngineeringTeam: "small", AIGovernance: "high", Budget: "10k_25k"},
			Months: 12, Recommendation: benchRoles[r.IntN(len(benchRoles))], Confidence: r.Float64()})
	}
	must(b, s.RecordAssessments(ctx, as))
	for i := range benchHandoffs {
		opened := benchTime(r, old, now.Sub(old))
		if i%4 == 0 {
			addHandoff(b, s, fmt.Sprintf("h-%d", i), user(), "open", opened, time.Time{})
		} else {
			addHandoff(b, s, fmt.Sprintf("h-%d", i), user(), "answered", opened, opened.Add(time.Hour))
		}
	}
	// What the database's own upkeep does in service: statistics for the
	// planner, and on Postgres the visibility map that index-only scans
	// need (autovacuum keeps both current).
	switch s.(type) {
	case *sqliteStore:
		exec(b, s, "ANALYZE")
	case *pgStore:
		exec(b, s, "VACUUM ANALYZE")
	}
}

// BenchmarkInsights times one Insights call over the last week of the
// data loadBenchData makes. Loading takes a minute or so per engine.
//
//	go test -run '^$' -bench Insights -benchtime 50x ./internal/store/
//	scripts/test-postgres run go test -run '^$' -bench Insights -benchtime 50x ./internal/store/
func BenchmarkInsights(b *testing.B) {
	for _, e := range engines() {
		b.Run(e.name, func(b *testing.B) {
			s := openStore(b, e)
			start := time.Now()
			loadBenchData(b, s)
			b.Logf("%s: loaded in %v", e.name, time.Since(start).Round(time.Second))
			ctx := context.Background()
			since := now.Add(-7 * 24 * time.Hour)
			var in Insights
			for b.Loop() {
				var err error
				if in, err = s.Insights(ctx, since); err != nil {
					b.Fatal(err)
				}
			}
			if in.Questions != benchRecent || len(in.TopUnanswered) != TopUnanswered {
				b.Fatalf("Insights counted %d questions and %d top unanswered, want %d and %d",
					in.Questions, len(in.TopUnanswered), benchRecent, TopUnanswered)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
