package faq

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestSearchBehaviour(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	tests := []struct {
		name, q, want string // want "" means no match
	}{
		{"plain", "how much does a part-time CTO cost?", "cost"},
		{"long form of the role", "what does a chief technology officer on a part-time basis charge", "cost"},
		{"synonym for fractional", "interim CAIO pricing", "cost"},
		{"chatter", "hey team, quick q: what's the difference between a CAIO and a CTO?", "caio-vs-cto"},
		{"word order", "CTO vs CAIO difference", "caio-vs-cto"},
		{"typos", "wht does a fractinal cheif AI oficer do day to day", "caio-role"},
		{"upper case", "WHEN SHOULD WE HIRE A FRACTIONAL CTO", "when-cto"},
		{"weak foundations, one concept", "our stack is fragile and full of tech debt, should we bring in a fractional CAIO yet?", "caio-without-infrastructure"},
		{"more or less of a leader", "can we dial our fractional CTO down for a quarter and back up later?", "scaling-engagement"},
		{"order", "should the caio be hired before the cto or the other way around", "both-roles"},
		{"one role, two names", "is a fractional CTO the same thing as a part-time CTO?", "what-is-fractional"},
		{"putting AI work in order", "how do we prioritise our AI ideas", "ai-use-cases"},
		{"a person's things", "can someone send me the CTO's deck from the offsite", ""},
		{"the role's remit", "what falls on the CTO's plate at a 30-person startup", "cto-role"},
		{"an organisation's role holder", "why did OpenAI's CTO leave?", ""},
		{"an organisation's role holder, in words", "what did the Pentagon's new chief AI officer say about drones", ""},
		{"a kind of company's role", "what does a startup's CTO do all week", "cto-role"},
		{"a kind of company's role, in a word no entry uses", "what does a bank's CTO do all week", "cto-role"},
		{"off-topic", "what's the office wifi password?", ""},
		{"off-topic sharing words", "what does the coffee machine cost", ""},
		{"off-topic joke", "tell me a joke", ""},
		{"empty", "", ""},
		{"only stop words", "what is the", ""},
		{"only punctuation", "?!?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := ix.Search(tt.q)
			got := ""
			if res.Match != nil {
				got = res.Match.Entry.ID
			}
			if got != tt.want {
				t.Errorf("Search(%q) = %q, want %q", tt.q, got, tt.want)
			}
			checkResult(t, res)
		})
	}
}

// checkResult asserts the invariants of every result.
func checkResult(t *testing.T, res Result) {
	t.Helper()
	if res.Alternatives == nil || len(res.Alternatives) > maxAlternatives {
		t.Fatalf("alternatives = %v, want a non-nil slice of at most %d", res.Alternatives, maxAlternatives)
	}
	prev := 1.0
	if res.Match != nil {
		if res.Match.Score < Threshold || res.Match.Score > 1 {
			t.Errorf("match score %v outside [%v, 1]", res.Match.Score, Threshold)
		}
		prev = res.Match.Score
	}
	seen := map[string]bool{}
	if res.Match != nil {
		seen[res.Match.Entry.ID] = true
	}
	for _, a := range res.Alternatives {
		if a.Score < 0 || a.Score > prev {
			t.Errorf("alternative %s score %v not in [0, %v]", a.Entry.ID, a.Score, prev)
		}
		if seen[a.Entry.ID] {
			t.Errorf("entry %s listed twice", a.Entry.ID)
		}
		seen[a.Entry.ID] = true
		prev = a.Score
	}
}

func TestSearchCutsLongInput(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	q := "how much does a fractional cto cost? "
	long := q + strings.Repeat("blah ", 10000)
	// Past MaxQueryRunes the text is not read, so a long tail of noise
	// cannot change what the start of the question means... within the cut.
	if got := words(long, MaxQueryRunes, nil); utf8.RuneCountInString(strings.Join(got, " ")) > MaxQueryRunes {
		t.Errorf("words read %d runes, want at most %d", utf8.RuneCountInString(strings.Join(got, " ")), MaxQueryRunes)
	}
	checkResult(t, ix.Search(long))
}

func TestSearchConcurrent(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	want := ix.Search("fractional caio cost")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				got := ix.Search("fractional caio cost")
				if got.Match == nil || want.Match == nil || got.Match.Entry != want.Match.Entry || got.Match.Score != want.Match.Score {
					t.Error("concurrent searches disagree")
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestOneEdit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"chief", "cheif", true},          // transposition
		{"fractional", "fractinal", true}, // deletion
		{"officer", "offficer", true},     // insertion
		{"salary", "salery", true},        // substitution
		{"salary", "salary", false},
		{"salary", "slaery", false},
		{"cost", "coast", true},
		{"cost", "costly", false},
	}
	for _, tt := range tests {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Hey CTO's team!", "hey cto team"},
		{"part-time\tCAIO\x00now", "part time caio now"},
		{"bad \xff\xfe utf8", "bad utf8"},
		{"¿Qué es un CAIO?", "qué es un caio"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(words(tt.in, MaxQueryRunes, nil), " "); got != tt.want {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOrganisationsRole: a role after an organisation's name is a
// particular person, read as a term no entry has; after a kind of
// company, or a person's possessive, it reads as before.
func TestOrganisationsRole(t *testing.T) {
	t.Parallel()
	a := NewIndex(defaultKB(t)).an
	tests := []struct{ in, want string }{
		{"OpenAI's CTO", "ailab cto's"},
		{"Tesla’s chief technology officer", "tesla cto's"},
		{"the Pentagon's head of AI", "pentagon caio's"},
		{"Zorblat's new CAIO", "zorblat new caio's"},
		{"Tesla's first chief technology officer", "tesla order cto's"}, // a person placed in time
		{"Tesla's big new CTO", "tesla big new cto"},                    // only such words between
		{"a startup's first CTO", "company order cto"},
		{"a startup's CTO", "company cto"},
		{"an insurer's CTO", "insurer cto"}, // a kind of company, whatever its word
		{"every hospital's CAIO", "every hospital caio"},
		{"our startp's CTO", "company cto"}, // a slip of a known word is no name
		{"our client's head of AI", "customer caio"},
		{"2026's CTO", "2026 cto"},
		{"our CTO's calendar", "cto's calendar"},
		{"OpenAI's models", "ailab model"},
	}
	for _, tt := range tests {
		if got := strings.Join(a.plainTerms(tt.in, MaxQueryRunes, nil), " "); got != tt.want {
			t.Errorf("terms of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSearch(f *testing.F) {
	// More seeds live in testdata/fuzz/FuzzSearch.
	f.Add("how much does a fractional cto cost")
	f.Add("")
	ix := NewIndex(defaultKB(f))
	f.Fuzz(func(t *testing.T, q string) {
		checkResult(t, ix.Search(q))
	})
}

func BenchmarkSearch(b *testing.B) {
	ix := NewIndex(defaultKB(b))
	questions := []string{
		"how much does a part-time CTO cost?",
		"hey team, quick q: what's the difference between a fractional chief AI officer and a CTO?",
		"wht does a fractinal cheif AI oficer do day to day",
		"what's the office wifi password?",
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Search(questions[i%len(questions)])
	}
}

// BenchmarkSearchLong searches long messages that bury their question
// in context: each is read whole, by its asking sentences and by those
// with the sentence before them.
func BenchmarkSearchLong(b *testing.B) {
	ix := NewIndex(defaultKB(b))
	questions := []string{
		"Background: we run a logistics marketplace with about sixty staff, the platform was built by an agency and " +
			"we have two junior developers who keep the lights on while the founders handle sales. How much would a part-time CTO cost us per month?",
		"We run a chain of gyms and we have a fractional CAIO starting next month to look at member churn. My CEO asked me what " +
			"the output will look like, and honestly I don't know. What does a fractional chief AI officer typically produce?",
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Search(questions[i%len(questions)])
	}
}

func BenchmarkNewIndex(b *testing.B) {
	kb := defaultKB(b)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(kb)
	}
}

func TestNewIndexDeterministic(t *testing.T) {
	t.Parallel()
	// The first 500 examples: every kind of feature (terms, vectors, the
	// off-topic class), at a tenth of the training's time.
	kb := defaultKB(t)
	kb = kb.WithExamples(kb.Examples()[:500])
	_, set := buildIndex(kb, defaultTuning())
	a, b := set.train(), set.train()
	if !slices.Equal(a.w, b.w) || !slices.Equal(a.bias, b.bias) {
		t.Fatal("two trainings on the same content gave different classifiers")
	}
}

// TestIntents: the intents a question's wording shows, from the cues of
// concepts.yaml (stop words kept, gaps of up to four words) and from its
// words.
func TestIntents(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	tests := []struct {
		q    string
		want []string
	}{
		{"what does a CAIO do that a CTO doesn't", []string{"duties", "differ"}},
		{"what does a CTO do that a CAIO doesnt", []string{"duties", "differ"}},
		{"is a chief AI officer just a kind of CTO?", []string{"differ"}},
		{"can a fractional CTO also be our CAIO?", []string{"oneperson"}},
		{"can our CTO take on the AI officer role too", []string{"oneperson"}},
		{"we have an interim CAIO, do we still need a CTO as well?", []string{"both"}},
		{"what do fractional chief technology officers do", []string{"duties"}},
		{"should we hire a fractional CTO", []string{"when"}},
		{"shuold we hire a fractional CTO", []string{"when"}},
		{"is this the point where we bring in a part-time CTO?", []string{"when"}}, // a stop word's typo fixed: the cue still reads
		{"is $20k a month reasonable for a fractional CTO?", []string{"cost"}},
		{"how do we know if our fractional CTO is working out", []string{"measure"}},
		{"what will a fractional CTO actually hand us", []string{"deliverable"}},
		{"who should own AI governance", []string{"responsibl"}},
		{"OpenAI or an open-source model, whose call is that?", []string{"responsibl"}},
		{"should the CTO be hired before the CAIO or the other way round", []string{"order"}},
		{"wat does a caio do exactly", []string{"duties"}},
		{"who are you for, and how do I use you?", []string{"thisbot"}},
		{"can our fractional CTO also be our CAIO", []string{"oneperson"}},
		{"will our fractional CTO also be working for our competitors", []string{}},
		{"do we need one or both of these roles", []string{"both", "tworoles"}},
		// A gap takes four words at most, and the words must be in order.
		{"what does a new shiny CTO do", []string{"duties"}},
		{"what does a very new shiny CTO do", nil},
		{"what does our very new and shiny fractional CTO do", nil},
		{"the CAIO doesn't do that, a CTO does", nil},
		// A cue's words read as written: "my salary" (a career cue) must
		// not turn into "my" and any word of cost.
		{"is my budget enough for a fractional CAIO", []string{"cost"}},
		{"what's my price for a fractional CTO", []string{"cost"}},
		{"who is in charge of AI governance", []string{"responsibl"}},
		// Near misses: the cue's words, not its shape.
		{"who should run the hiring loop for our first ML engineer", []string{"order"}}, // "first": no "when"
		{"what's the office wifi password", []string{}},
	}
	for _, tt := range tests {
		_, ex := ix.Explain(tt.q)
		got := ex.Intents
		if tt.want == nil { // no cue matched: no intent beyond the words'
			for _, in := range got {
				if in == "duties" || in == "differ" {
					t.Errorf("%q: intents %v, want no duties or differ", tt.q, got)
				}
			}
			continue
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(tt.want))
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("%q: intents %v, want %v", tt.q, got, want)
		}
	}
}

// TestUncoveredTopics: a question about a topic no entry answers
// (uncovered.yaml) gets no answer and names the topic, where it used to
// get the nearest entry; its neighbours in the knowledge base still
// answer theirs. An expert's learned answer covers the topic.
func TestUncoveredTopics(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	tests := []struct {
		q     string
		topic string // "" for an answer
		entry string
	}{
		{"How many hours a week does a fractional CTO work?", "hours", ""},
		{"does our interim cto have to sign a non-disclosure agreement", "ip", ""},
		{"what notice period should the contract with our part-time CAIO have", "contracts", ""},
		{"is it fine if our fractional chief AI officer works remotely from another time zone", "remote", ""},
		{"do fractional CTOs get stock options", "equity", ""},
		// A long message: the asking sentence alone names the topic.
		{"We are a 40-person logistics company and our board finally approved bringing in a fractional CTO from next month after a long search. Does the fractional CTO need to sign an NDA with us?", "ip", ""},
		// Neighbours: covered, answered.
		{"How much does a fractional CTO cost per month?", "", "cost"},
		{"how long does a fractional CAIO engagement usually last", "", "caio-engagement-duration"},
		{"what does a fractional CTO do all week", "", "cto-role"},
		{"when should we hire a fractional CTO", "", "when-cto"},
	}
	for _, tt := range tests {
		res := ix.Search(tt.q)
		switch {
		case tt.topic != "" && (res.Match != nil || res.Uncovered == nil || res.Uncovered.ID != tt.topic):
			t.Errorf("%q: match %v, uncovered %v, want topic %s", tt.q, res.Match, res.Uncovered, tt.topic)
		case tt.topic == "" && (res.Match == nil || res.Match.Entry.ID != tt.entry || res.Uncovered != nil):
			t.Errorf("%q: match %v, uncovered %v, want %s", tt.q, res.Match, res.Uncovered, tt.entry)
		}
		for _, a := range res.Alternatives {
			if strings.HasPrefix(a.Entry.ID, TopicPrefix) {
				t.Errorf("%q: a topic offered as an alternative: %s", tt.q, a.Entry.ID)
			}
		}
	}
	// Learned answers on other questions leave the topic named.
	l := NewLive(ix)
	l.SetLearned(testLearned())
	if res := l.Search("how many hours a week does a fractional cto work"); res.Match != nil || res.Uncovered == nil || res.Uncovered.ID != "hours" {
		t.Errorf("with unrelated learned answers: match %v, uncovered %v, want the topic hours", res.Match, res.Uncovered)
	}
	l.SetLearned([]*Entry{{ID: "learned-1", Question: "How many hours a week does a fractional CTO work?", Answer: "Two days, usually."}})
	if res := l.Search("how many hours a week does a fractional cto work"); res.Match == nil || res.Match.Entry.ID != "learned-1" || res.Uncovered != nil {
		t.Errorf("with a learned answer: match %v, uncovered %v, want learned-1", res.Match, res.Uncovered)
	}
}

// TestIntentAnchors: "these two roles" puts a question in the domain
// without naming a role; a question naming neither is still cut.
func TestIntentAnchors(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	if _, ex := ix.Explain("do we need one or both of these roles?"); !ex.Anchored {
		t.Errorf("'one or both of these roles' not anchored: %+v", ex)
	}
	if _, ex := ix.Explain("do we need one or both of these offsite venues?"); ex.Anchored {
		t.Errorf("'one or both of these offsite venues' anchored: %+v", ex)
	}
}

// TestPhrasalVerbs: one filler word may stand inside a phrasal verb of
// the concepts, before its particle, and nowhere else.
func TestPhrasalVerbs(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	tests := []struct {
		q    string
		term string
		want bool
	}{
		{"how do we kick off with a fractional cto", "start", true},
		{"how do we kick things off with a fractional cto", "start", true},
		{"how do we kick all the things off", "start", false}, // two fillers
		{"does the caio's work product include a roadmap", "deliverable", true},
		{"does the caio work with product teams", "deliverable", false}, // no particle
	}
	for _, tt := range tests {
		terms := ix.an.terms(tt.q, MaxQueryRunes, nil)
		if got := slices.Contains(terms, tt.term); got != tt.want {
			t.Errorf("%q reads %v: has %q = %v, want %v", tt.q, terms, tt.term, got, tt.want)
		}
	}
}

// TestChatShorthand: "u", "r", "wud" are read as the words they stand
// for, not as words no entry has.
func TestChatShorthand(t *testing.T) {
	t.Parallel()
	a := NewIndex(defaultKB(t)).an
	for in, want := range map[string]string{
		"how much wud a part time cto cost":   "cost fractional cto cost",
		"who r u and what can u help with":    "thisbot",
		"can u tell me what ur caio does pls": "caio",
	} {
		if got := strings.Join(a.plainTerms(in, MaxQueryRunes, nil), " "); got != want {
			t.Errorf("terms of %q = %q, want %q", in, got, want)
		}
	}
}
