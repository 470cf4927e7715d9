package faq

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// testLearned are learned entries as experts would teach them: questions
// the built-in entries do not answer, each with its own details.
func testLearned() []*Entry {
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	qs := []string{
		"How much does a fractional CAIO cost for a seed-stage startup in Berlin?",
		"Can our CAIO sign off on SOC 2 evidence for the auditors?",
		"Should the chief AI officer own the data platform budget or should engineering?",
		"Do we need a DPA with OpenAI before sending customer tickets to the API?",
		"What equity do fractional CTOs usually ask for on top of the retainer?",
		"Is it ok for our fractional CTO to also advise a competitor?",
		"Who should run the hiring loop for our first ML engineer?",
		"Can a CAIO help us prepare for the EU AI Act?",
	}
	es := make([]*Entry, len(qs))
	for i, q := range qs {
		es[i] = &Entry{
			ID: fmt.Sprintf("learned-%d", i+1), Question: q,
			Answer: "An expert's answer to: " + q, Author: "U0EXPERT", LearnedAt: at.Add(time.Duration(i) * time.Hour),
		}
	}
	return es
}

func newTestLive(t testing.TB, learned []*Entry) *Live {
	t.Helper()
	l := NewLive(NewIndex(defaultKB(t)))
	l.SetLearned(learned)
	return l
}

// TestLearnedScoreExamples is the table LearnedThreshold was chosen
// from: the best learned entry for each question, with eight learned
// entries, and whether it must reach the threshold. Paraphrases that
// reword too much ("data processing agreement" for "DPA") fall short and
// must still be offered as alternatives; questions sharing only domain
// words must fall short.
func TestLearnedScoreExamples(t *testing.T) {
	t.Parallel()
	l := newTestLive(t, testLearned())
	li := l.learned.Load()
	tests := []struct {
		q     string
		best  string // the best learned entry, "" for none above learnedAltFloor
		match bool   // whether its score must reach LearnedThreshold
	}{
		// The same question again, and close paraphrases.
		{"How much does a fractional CAIO cost for a seed-stage startup in Berlin?", "learned-1", true},      // 1
		{"how much would a fractinal chief AI officer cost for a seed startup in berlin", "learned-1", true}, // 0.90
		{"do we need a DPA before sending customer tickets to OpenAI's API", "learned-4", true},              // 1
		{"is our caio allowed to sign SOC 2 evidence for auditors", "learned-2", true},                       // 0.81
		{"who owns the data platform budget, the CAIO or engineering?", "learned-3", true},                   // 0.82
		{"how much equity for a fractional cto", "learned-5", true},                                          // 0.85
		{"can our fractional cto advise a competitor too", "learned-6", true},                                // 1
		{"who runs hiring for the first machine learning engineer", "learned-7", true},                       // 0.90
		{"how should we prepare for the EU AI act", "learned-8", true},                                       // 0.85
		// Looser paraphrases: alternatives, not answers.
		{"can the CAIO sign off on SOC2 evidence", "learned-2", false},                                                 // 0.60
		{"do we need a data processing agreement with OpenAI before sending tickets to their API", "learned-4", false}, // 0.62
		{"who should interview our first ML engineer", "learned-7", false},                                             // 0.54
		{"can a chief AI officer get us ready for the EU AI Act", "learned-8", false},                                  // 0.65
		// Other questions sharing domain words.
		{"should our fractional CTO own the budget", "learned-5", false},                       // 0.64
		{"how much does a part-time CTO cost?", "learned-5", false},                            // 0.64
		{"what does a fractional caio cost for a seed company in Germany", "learned-1", false}, // 0.44
		{"What does a CAIO cost?", "learned-3", false},                                         // 0.40
		{"When should we hire a fractional CTO?", "", false},                                   // 0.38
		{"can our CAIO sign the expense reports", "", false},                                   // 0.25
		{"What's the difference between a CAIO and a CTO?", "", false},                         // 0.19
		{"who should run the offsite", "", false},                                              // 0.24
		{"what's the office wifi password?", "", false},                                        // 0
	}
	for _, tt := range tests {
		hits := li.rank(l.ix.an.plainTerms(tt.q, MaxQueryRunes, nil), 1)
		got, score := "", 0.0
		if len(hits) > 0 && hits[0].Score >= learnedAltFloor {
			got, score = hits[0].Entry.ID, hits[0].Score
		}
		if got != tt.best || (score >= LearnedThreshold) != tt.match {
			t.Errorf("%q: best learned %q (%.3f), want %q reaching the threshold %v", tt.q, got, score, tt.best, tt.match)
		}
	}
}

func TestLiveSearch(t *testing.T) {
	t.Parallel()
	extra := &Entry{ID: "learned-9", Question: "What does a fractional CAIO cost per month in Europe?", Answer: "About the same."}
	l := newTestLive(t, append(testLearned(), extra))
	tests := []struct {
		name, q string
		want    string   // the match, "" for none
		alts    []string // ids the alternatives must include
		noAlt   string   // an id the alternatives must not include
	}{
		{"exact repeat", "Do we need a DPA with OpenAI before sending customer tickets to the API?", "learned-4", nil, ""},
		{"paraphrase with typos", "how much would a fractinal cheif AI oficer cost for a seed startup in berlin", "learned-1", []string{"cost"}, ""},
		{"off-topic", "what's the office wifi password?", "", nil, "learned-7"},
		{"off-topic sharing a word", "who should run the offsite", "", nil, "learned-7"},
		{"built-in answers confidently", "how much does a part-time CTO cost?", "cost", []string{"learned-5"}, ""},
		{"built-in better than a learned match", "what does a fractional caio cost per month", "cost", []string{"learned-9"}, ""},
		{"learned better than the built-in match", "who owns the data platform budget, the CAIO or engineering?", "learned-3", []string{"caio-without-infrastructure"}, ""},
		{"loose paraphrase is an alternative", "do we need a data processing agreement with OpenAI before sending tickets to their API", "", []string{"learned-4"}, ""},
		{"built-in only", "What's the difference between a CAIO and a CTO?", "caio-vs-cto", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := l.Search(tt.q)
			checkLiveResult(t, res)
			got := ""
			if res.Match != nil {
				got = res.Match.Entry.ID
			}
			if got != tt.want {
				t.Errorf("Search(%q) = %q, want %q (%s)", tt.q, got, tt.want, describe(res))
			}
			ids := map[string]bool{}
			for _, a := range res.Alternatives {
				ids[a.Entry.ID] = true
			}
			for _, id := range tt.alts {
				if !ids[id] {
					t.Errorf("Search(%q): alternatives lack %s (%s)", tt.q, id, describe(res))
				}
			}
			if tt.noAlt != "" && ids[tt.noAlt] {
				t.Errorf("Search(%q): alternatives hold %s (%s)", tt.q, tt.noAlt, describe(res))
			}
		})
	}
}

func describe(res Result) string {
	var b strings.Builder
	if res.Match != nil {
		fmt.Fprintf(&b, "match %s %.3f;", res.Match.Entry.ID, res.Match.Score)
	}
	for _, a := range res.Alternatives {
		fmt.Fprintf(&b, " %s %.3f", a.Entry.ID, a.Score)
	}
	return b.String()
}

// checkLiveResult asserts the invariants of a Live result. Unlike an
// Index result's, an alternative may outscore the match: learned and
// built-in scores are on different scales.
func checkLiveResult(t *testing.T, res Result) {
	t.Helper()
	if res.Alternatives == nil || len(res.Alternatives) > maxAlternatives {
		t.Fatalf("alternatives = %v, want a non-nil slice of at most %d", res.Alternatives, maxAlternatives)
	}
	seen := map[string]bool{}
	if m := res.Match; m != nil {
		threshold := Threshold
		if strings.HasPrefix(m.Entry.ID, "learned-") {
			threshold = LearnedThreshold
		}
		if m.Score < threshold || m.Score > 1 {
			t.Errorf("match %s score %v outside [%v, 1]", m.Entry.ID, m.Score, threshold)
		}
		seen[m.Entry.ID] = true
	}
	prev := 1.0
	for _, a := range res.Alternatives {
		if a.Score < altFloor || a.Score > prev {
			t.Errorf("alternative %s score %v not in [%v, %v]", a.Entry.ID, a.Score, altFloor, prev)
		}
		if seen[a.Entry.ID] {
			t.Errorf("entry %s listed twice", a.Entry.ID)
		}
		seen[a.Entry.ID] = true
		prev = a.Score
	}
}

func TestLiveSearchWithoutLearned(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	l := NewLive(ix)
	q := "how much does a fractional caio cost"
	if got, want := describe(l.Search(q)), describe(ix.Search(q)); got != want {
		t.Errorf("Live.Search = %s, want the Index's %s", got, want)
	}
	l.SetLearned(nil)
	if got, want := describe(l.Search(q)), describe(ix.Search(q)); got != want {
		t.Errorf("after SetLearned(nil): Live.Search = %s, want the Index's %s", got, want)
	}
}

func TestLiveEntry(t *testing.T) {
	t.Parallel()
	learned := testLearned()
	l := newTestLive(t, learned)
	e, ok := l.Entry("learned-3")
	if !ok || e.Question != learned[2].Question || e.Author != "U0EXPERT" || !e.LearnedAt.Equal(learned[2].LearnedAt) {
		t.Errorf("Entry(learned-3) = %+v, %v", e, ok)
	}
	if e, ok := l.Entry("cost"); !ok || e.ID != "cost" {
		t.Errorf("Entry(cost) = %v, %v; want the built-in entry", e, ok)
	}
	if _, ok := l.Entry("learned-99"); ok {
		t.Error("Entry(learned-99) found an entry that was never learned")
	}
	if n := len(l.Entries()); n != l.kb.Len() {
		t.Errorf("Entries() = %d entries, want the %d built-in ones", n, l.kb.Len())
	}
	if n := len(l.Learned()); n != len(learned) {
		t.Errorf("Learned() = %d entries, want %d", n, len(learned))
	}
	// The entries were copied: changing the caller's does not change them.
	learned[2].Question = "changed"
	if e, _ := l.Entry("learned-3"); e.Question == "changed" {
		t.Error("SetLearned kept the caller's entry, not a copy")
	}
	// A new set replaces the old one whole.
	l.SetLearned(learned[:1])
	if _, ok := l.Entry("learned-3"); ok {
		t.Error("Entry(learned-3) found after SetLearned dropped it")
	}
	if _, ok := l.Entry("learned-1"); !ok {
		t.Error("Entry(learned-1) not found")
	}
}

func TestSetLearnedBadInput(t *testing.T) {
	t.Parallel()
	good := &Entry{ID: "learned-1", Question: "Can our CAIO sign off on SOC 2 evidence?", Answer: "Yes."}
	l := newTestLive(t, []*Entry{
		nil,
		{ID: "", Question: "no id?", Answer: "x"},
		{ID: "learned-2", Question: "   ", Answer: "blank question"},
		{ID: "learned-3", Question: "blank answer?", Answer: ""},
		{ID: "cost", Question: "a learned entry with a built-in id", Answer: "x"},
		good,
		{ID: "learned-1", Question: "a duplicate id", Answer: "the second"},
		{ID: "learned-4", Question: "what is it?", Answer: "no searchable word"},
		{ID: "learned-5", Question: strings.Repeat("caio \xff\xfe ", 5000), Answer: "long and invalid UTF-8"},
	})
	var ids []string
	for _, e := range l.Learned() {
		ids = append(ids, e.ID)
	}
	if got, want := strings.Join(ids, " "), "learned-1 learned-4 learned-5"; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
	if e, _ := l.Entry("learned-1"); e.Answer != "Yes." {
		t.Errorf("Entry(learned-1).Answer = %q, want the first entry's", e.Answer)
	}
	if e, _ := l.Entry("cost"); e.Question == "a learned entry with a built-in id" {
		t.Error("a learned entry hid the built-in entry of its id")
	}
	for _, q := range []string{"", "what is it?", "can our caio sign off on soc 2 evidence", "caio", strings.Repeat("x", 10000)} {
		checkLiveResult(t, l.Search(q))
	}
	if res := l.Search("can our caio sign off on soc 2 evidence"); res.Match == nil || res.Match.Entry.ID != "learned-1" {
		t.Errorf("the good entry is not found: %s", describe(res))
	}
}

// TestLiveConcurrent searches while the learned entries are replaced
// over and over: every result must be the result of one whole set.
func TestLiveConcurrent(t *testing.T) {
	t.Parallel()
	setA := testLearned()
	setB := []*Entry{
		{ID: "learned-11", Question: "How do we vet an AI vendor's training data licences?", Answer: "b"},
		{ID: "learned-12", Question: "Who should run the hiring loop for our first ML engineer?", Answer: "b"},
	}
	l := newTestLive(t, setA)
	qs := []string{
		"How much does a fractional CAIO cost for a seed-stage startup in Berlin?",
		"who should run the hiring loop for our first ML engineer",
		"how do we vet an AI vendor's training data licences",
		"what does a fractional caio cost",
	}
	want := make([]map[string]bool, len(qs))
	for i := range want {
		want[i] = map[string]bool{}
	}
	for _, set := range [][]*Entry{setA, setB} {
		l.SetLearned(set)
		for i, q := range qs {
			want[i][describe(l.Search(q))] = true
		}
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		defer close(done)
		for i := range 200 {
			if i%2 == 0 {
				l.SetLearned(setA)
			} else {
				l.SetLearned(setB)
			}
		}
	})
	for range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				q := i % len(qs)
				res := l.Search(qs[q])
				if got := describe(res); !want[q][got] {
					t.Errorf("Search(%q) = %s, the result of neither set", qs[q], got)
					return
				}
				l.Entry("learned-12")
			}
		})
	}
	wg.Wait()
}

// benchLearned returns n learned entries of realistic text: questions an
// expert would have answered, many sharing words, as real ones do.
func benchLearned(n int) []*Entry {
	openers := []string{
		"How should we", "Can our fractional CTO help us", "What's the best way to", "Do we need a CAIO to",
		"Who should own the work to", "Is it worth it to", "When is the right time to", "Should the head of AI",
	}
	actions := []string{
		"migrate our data warehouse to Snowflake", "set up an AI usage policy for the sales team",
		"evaluate vendors for speech-to-text", "hire a staff machine learning engineer",
		"budget for GPU spend next quarter", "review our SOC 2 controls",
		"handle customer data in LLM prompts", "pick between AWS and GCP",
		"write the board update on AI risk", "run a pilot of an AI assistant with support",
		"negotiate the OpenAI enterprise contract", "cut our cloud bill in half",
		"plan the rewrite of the mobile app", "onboard a second engineering team in Poland",
		"measure the ROI of our customer chatbot", "prepare for an EU AI Act audit",
		"train managers on prompt engineering", "replace our legacy CRM",
		"document the incident response plan", "choose an observability stack",
	}
	contexts := []string{
		"", " before our Series A", " with a team of 12 engineers", " in the next 90 days",
		" without a data team", " for a healthcare client", " while we're still pre-revenue",
		" given our Kubernetes setup", " if the board pushes back", " during a hiring freeze",
	}
	es := make([]*Entry, n)
	for i := range es {
		a, o, c := i%len(actions), (i/len(actions))%len(openers), (i/(len(actions)*len(openers)))%len(contexts)
		q := openers[o] + " " + actions[a] + contexts[c] + "?"
		es[i] = &Entry{ID: fmt.Sprintf("learned-%d", i+1), Question: q, Answer: "An expert's answer."}
	}
	return es
}

func BenchmarkSetLearned1000(b *testing.B) {
	l := NewLive(NewIndex(defaultKB(b)))
	es := benchLearned(1000)
	b.ReportAllocs()
	for b.Loop() {
		l.SetLearned(es)
	}
}

// BenchmarkLiveSearch compares the Index's search (index) with Live's
// over 1,000 learned entries (live-1000): the difference is what learned
// entries add to answering a question.
func BenchmarkLiveSearch(b *testing.B) {
	ix := NewIndex(defaultKB(b))
	l := NewLive(ix)
	l.SetLearned(benchLearned(1000))
	questions := []string{
		"how much does a part-time CTO cost?",
		"hey team, quick q: what's the difference between a fractional chief AI officer and a CTO?",
		"how should we handle customer data in LLM prompts before our series A",
		"what's the office wifi password?",
	}
	for _, bm := range []struct {
		name   string
		search func(string) Result
	}{{"index", ix.Search}, {"live-1000", l.Search}} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				bm.search(questions[i%len(questions)])
			}
		})
	}
}
