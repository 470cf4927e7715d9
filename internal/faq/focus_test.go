package faq

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestQuestionFocus: a long message's asking sentences are found; short
// messages, messages that only ask, and messages that ask nothing have no
// focus.
func TestQuestionFocus(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{"We're a 40-person fintech. Our CTO left in March and the board wants an AI plan by the third quarter of next year. Do we need a CAIO first?",
			"Do we need a CAIO first?"},
		{"Some context: we sell insurance online, have 12 engineers, and our data is spread over three old systems nobody understands. " +
			"What should a part-time head of AI do in the first month? Also curious how long these engagements usually last.",
			"What should a part-time head of AI do in the first month? Also curious how long these engagements usually last."},
		{"Do we need a CAIO first?", ""},                                              // short
		{"We are a small SaaS company now. Do we need a CAIO?", "Do we need a CAIO?"}, // 12 words: long enough
		{"We are a small SaaS company. Do we need a CAIO?", ""},                       // 11 words: searched whole only
		{"We're a 40-person fintech. Our CTO left in March and the board wants an AI plan by the third quarter of next year. Looking forward to the offsite.", ""},    // asks nothing
		{"What does a fractional CAIO do, how is that different from a CTO, and which of the two should a company of forty people with no AI at all hire first?", ""}, // all question
	}
	for _, tt := range tests {
		if got := questionFocus(tt.text); got != tt.want {
			t.Errorf("questionFocus(%.40q…) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestFocusFindsTheBuriedQuestion: with the focus, a question buried in
// context gets the entry it asks for.
func TestFocusFindsTheBuriedQuestion(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	msg := "Background: we run a logistics marketplace with about sixty staff, the platform was built by an agency and " +
		"we have two junior developers who keep the lights on while the founders handle sales. How much would a part-time CTO cost us per month?"
	res := ix.Search(msg)
	if res.Match == nil || res.Match.Entry.ID != "cost" {
		t.Errorf("match %v, want cost", res.Match)
	}
	// Without the focus, the context drowns the question.
	if whole, _ := ix.search(msg); whole.Match != nil && whole.Match.Entry.ID == "cost" && whole.Match.Score >= res.Match.Score {
		t.Errorf("the whole message already scores %v: the test shows nothing", whole.Match.Score)
	}
}

// TestFractionalAloneIsNoAnchor: "fractional" or "interim" alone does not
// put a question in the domain, unless it asks what the word means or
// speaks of the arrangement ("a fractional engagement", "fractional
// roles").
func TestFractionalAloneIsNoAnchor(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	for q, want := range map[string]string{
		"fractional distillation explained":                                           "",
		"who is the interim manager of the sales team while Dana is on leave":         "",
		"when are the interim results published":                                      "",
		"what does fractional mean":                                                   "what-is-fractional",
		"is fractional just a fancy word for part-time or interim?":                   "what-is-fractional",
		"if we bring in both fractional roles, which groups would each of them lead?": "team-leadership",
		"what role does the fractional part play in rounding":                         "",
		"can a fractional arrangement grow during a migration and shrink after":       "scaling-engagement",
		"what does a fractional cto do day to day":                                    "cto-role",
	} {
		got := ""
		if res := ix.Search(q); res.Match != nil {
			got = res.Match.Entry.ID
		}
		if got != want {
			t.Errorf("Search(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestQuestionFocusLead: the sentence before the first asking one comes
// with the focus too, for questions that point back at it.
func TestQuestionFocusLead(t *testing.T) {
	t.Parallel()
	text := "We make furniture and have 300 people in two plants. I have been asked for a shortlist of AI opportunities ranked by impact. How would you rank those?"
	focus, lead := questionFocusLead(text)
	if focus != "How would you rank those?" || lead != "I have been asked for a shortlist of AI opportunities ranked by impact. How would you rank those?" {
		t.Errorf("questionFocusLead = %q, %q", focus, lead)
	}
	if _, lead := questionFocusLead("Do we need a CAIO? We are a 40-person fintech with a weak data platform and a board in a hurry."); lead != "" {
		t.Errorf("a message opening with its question has a lead-in: %q", lead)
	}
	// The question alone says nothing of what "it" is; the whole message
	// reads as one about readiness.
	ix := NewIndex(defaultKB(t))
	q := "We run a 300-person plant with lots of sensor data and manual quality checks. The board wants a ranked list of AI opportunities by impact and feasibility. How should we go about building it?"
	if res := ix.Search(q); res.Match == nil || res.Match.Entry.ID != "ai-use-cases" {
		t.Errorf("Search = %v, want ai-use-cases", res.Match)
	}
}

func TestHasWords(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", " ", "one", "one two", "  one\ttwo\nthree  ", "a b c d e f g h i j k l", "a b c d e f g h i j k", "héllo wörld ¿qué?", "x\u00a0y z"} {
		for n := 0; n <= 13; n++ {
			if got, want := hasWords(text, n), len(strings.Fields(text)) >= n; got != want {
				t.Errorf("hasWords(%q, %d) = %v, want %v", text, n, got, want)
			}
		}
	}
}

// TestFuseReadings: the entry all readings of a long message support
// comes first, ahead of one strong in any reading alone, and each hit
// keeps its best reading's score.
func TestFuseReadings(t *testing.T) {
	t.Parallel()
	context, both, question := &Entry{ID: "context"}, &Entry{ID: "both"}, &Entry{ID: "question"}
	whole := []Hit{{context, 0.6}, {both, 0.4}, {question, 0.1}}
	asked := []Hit{{question, 0.5}, {both, 0.35}, {context, 0.05}}
	lead := []Hit{{question, 0.45}, {context, 0.4}, {both, 0.1}}
	for _, tt := range []struct {
		readings [][]Hit
		want     []string
	}{
		{[][]Hit{whole}, []string{"context 0.60", "both 0.40", "question 0.10"}},
		{[][]Hit{whole, asked}, []string{"both 0.40", "question 0.50", "context 0.60"}},
		// The lead doubts "both": the worst reading counts most.
		{[][]Hit{whole, asked, lead}, []string{"question 0.50", "context 0.60", "both 0.40"}},
	} {
		var got []string
		for _, h := range fuseReadings(tt.readings) {
			got = append(got, fmt.Sprintf("%s %.2f", h.Entry.ID, h.Score))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%d readings: fused %v, want %v", len(tt.readings), got, tt.want)
		}
	}
}

// TestResultConfidence: the first hit answers, with the ranking's
// confidence as its score, when that reaches Threshold; else it is only
// an alternative.
func TestResultConfidence(t *testing.T) {
	t.Parallel()
	ix := &Index{}
	a, b := &Entry{ID: "a"}, &Entry{ID: "b"}
	for _, tt := range []struct {
		conf       float64
		match      string
		score      float64
		alts, sure int
	}{
		{Threshold + 0.1, "a", Threshold + 0.1, 1, 1},
		{Threshold, "a", Threshold, 1, 1},
		{Threshold - 0.01, "", 0, 2, 0},
	} {
		res, sure := ix.result([]Hit{{a, 0.15}, {b, 0.12}}, tt.conf)
		var match string
		var score float64
		if res.Match != nil {
			match, score = res.Match.Entry.ID, res.Match.Score
		}
		if match != tt.match || score != tt.score || len(res.Alternatives) != tt.alts || (sure > 0) != (tt.sure > 0) {
			t.Errorf("conf %.2f: match %q %.2f, %d alternatives, sure %.2f", tt.conf, match, score, len(res.Alternatives), sure)
		}
	}
}

// TestFocusInheritsRoles: asking sentences that name no role are about
// the role their message names: the other role's entries score less.
func TestFocusInheritsRoles(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	const asks = "What outputs should we have in hand by now?"
	score := func(hits []Hit, id string) float64 {
		i := slices.IndexFunc(hits, func(h Hit) bool { return h.Entry.ID == id })
		return hits[i].Score
	}
	alone, _ := ix.rankWhy(asks, 0, nil)
	for _, tt := range []struct {
		roles       roleSet
		same, other string
	}{
		{roleCAIO, "caio-deliverables", "cto-deliverables"},
		{roleCTO, "cto-deliverables", "caio-deliverables"},
	} {
		hits, own := ix.rankWhy(asks, tt.roles, nil)
		if own != 0 || score(hits, tt.same) != score(alone, tt.same) ||
			math.Abs(score(hits, tt.other)-roleMismatch*score(alone, tt.other)) > 0.002 {
			t.Errorf("roles %b: own %b; %s %.3f (alone %.3f), %s %.3f (alone %.3f)", tt.roles, own,
				tt.same, score(hits, tt.same), score(alone, tt.same), tt.other, score(hits, tt.other), score(alone, tt.other))
		}
	}
	msg := "We brought in a fractional chief AI officer in March to lead our first machine learning pilots, and the board meets next week. " + asks
	if res := ix.Search(msg); res.Match == nil || res.Match.Entry.ID != "caio-deliverables" {
		t.Errorf("%.50q…: match %v, want caio-deliverables", msg, res.Match)
	}
}
