package blockkit

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/slack-go/slack"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares v, as indented JSON, with testdata/name.golden.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/blockkit -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./internal/blockkit -update\ngot:\n%s", path, got)
	}
}

// message is what a chat.postMessage would carry.
func message(m Message) map[string]any {
	return map[string]any{"text": m.Text, "blocks": m.Blocks}
}

var (
	entryCost = &faq.Entry{ID: "cost", Question: "What does a fractional CTO or CAIO cost compared with a full-time hire?",
		Answer: "*Between $10,000 and $25,000 a month.*\nA full-time CTO costs $200,000 to $400,000 a year."}
	entryWhenCTO  = &faq.Entry{ID: "when-cto", Question: "When should a company hire a fractional CTO?", Answer: "When the foundation needs a leader."}
	entryWhenCAIO = &faq.Entry{ID: "when-caio", Question: "When should a company hire a fractional CAIO?", Answer: "When AI needs a leader."}
	entryBoth     = &faq.Entry{ID: "both-roles", Question: "Does a company need both a fractional CTO and a fractional CAIO?", Answer: "Sometimes."}
)

func sampleRecommendation(t *testing.T, a advisor.Answers, months int) advisor.Recommendation {
	t.Helper()
	rec, err := advisor.Recommend(a, months)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

var answersCTOThenCAIO = advisor.Answers{Goal: "both", Infrastructure: "weak", AIAmbition: "aggressive",
	EngineeringTeam: "small", AIGovernance: "high", Budget: "10k_25k"}

func TestGolden(t *testing.T) {
	t.Parallel()
	rec := sampleRecommendation(t, answersCTOThenCAIO, 12)
	tests := []struct {
		name string
		v    any
	}{
		{"help", message(Help())},
		{"start_prompt", message(StartPrompt())},
		{"modal", AssessmentModal(`{"response_url":"https://hooks.slack.com/commands/T1/2/x","channel":"C1"}`)},
		{"home", HomeTab(Home{Topics: []*faq.Entry{entryBoth, entryCost, entryWhenCAIO, entryWhenCTO}})},
		{"home_admin", HomeTab(Home{Topics: []*faq.Entry{entryCost}, Recent: sampleRecent(), Insights: sampleInsights()})},
		{"home_forgetful", HomeTab(Home{Topics: []*faq.Entry{entryCost}, Forgetful: true})},
		{"faq_answer", message(FAQAnswer(FAQReply{Question: "how much is a part-time cto?", Echo: true,
			Result:  faq.Result{Match: &faq.Hit{Entry: entryCost, Score: 0.81}},
			Related: []*faq.Entry{entryWhenCTO, entryBoth}}))},
		{"faq_none", message(FAQAnswer(FAQReply{Question: "what's the wifi password?",
			Result: faq.Result{Alternatives: []faq.Hit{{Entry: entryWhenCTO, Score: 0.12}}}}))},
		{"recommendation", message(Recommendation(RecommendationReply{Rec: rec, Answers: answersCTOThenCAIO,
			Context: "Series A fintech, <!channel> we ship in Q3", ShareValue: "v1.x"}))},
		{"recommendation_shared", message(Recommendation(RecommendationReply{Rec: rec, Answers: answersCTOThenCAIO, SharedBy: "U123ABC"}))},
		{"feedback_thanks", message(FeedbackThanks(true, ""))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			golden(t, tt.name, tt.v)
		})
	}
}

// TestContractIDs checks the identifiers tools outside the project rely on.
func TestContractIDs(t *testing.T) {
	t.Parallel()
	modal := AssessmentModal("")
	if modal.CallbackID != "advisor_assessment" {
		t.Errorf("callback_id = %q", modal.CallbackID)
	}
	want := map[string][]string{
		"goal":             {"ai_transformation", "tech_foundation", "both"},
		"infrastructure":   {"solid", "partial", "weak"},
		"ai_ambition":      {"exploring", "targeted", "aggressive"},
		"engineering_team": {"none", "small", "established"},
		"ai_governance":    {"low", "high"},
		"budget":           {"under_10k", "10k_25k", "over_25k"},
	}
	found := 0
	for _, b := range modal.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		var values []string
		switch el := in.Element.(type) {
		case *slack.SelectBlockElement:
			for _, o := range el.Options {
				values = append(values, o.Value)
			}
		case *slack.RadioButtonsBlockElement:
			for _, o := range el.Options {
				values = append(values, o.Value)
			}
		case *slack.PlainTextInputBlockElement:
			if !in.Optional {
				t.Errorf("free-text input %s must be optional", in.BlockID)
			}
			continue
		default:
			t.Errorf("input %s has element %T, want a select or radio buttons", in.BlockID, in.Element)
			continue
		}
		if in.Optional {
			t.Errorf("input %s must be required", in.BlockID)
		}
		if fmt.Sprint(values) != fmt.Sprint(want[in.BlockID]) {
			t.Errorf("input %s offers %v, want %v", in.BlockID, values, want[in.BlockID])
		}
		found++
	}
	if found != len(want) {
		t.Errorf("found %d required inputs, want %d", found, len(want))
	}
	for _, role := range advisor.Roles() {
		a := answersFor(t, role)
		m := Recommendation(RecommendationReply{Rec: sampleRecommendation(t, a, 12), Answers: a, ShareValue: "x"})
		if !hasBlock(m.Blocks, "recommendation:"+string(role)) {
			t.Errorf("no recommendation:%s block", role)
		}
	}
	m := FAQAnswer(FAQReply{Result: faq.Result{Match: &faq.Hit{Entry: entryCost, Score: 1}}})
	if !hasBlock(m.Blocks, "faq:cost") {
		t.Error("no faq:cost block")
	}
	if m := FAQAnswer(FAQReply{}); !hasBlock(m.Blocks, "faq:none") {
		t.Error("no faq:none block")
	}
}

// answersFor finds answers that lead to role.
func answersFor(t *testing.T, role advisor.Role) advisor.Answers {
	t.Helper()
	for _, a := range advisor.AllAnswers() {
		if rec, err := advisor.Recommend(a, 12); err == nil && rec.Role == role {
			return a
		}
	}
	t.Fatalf("no answers lead to %s", role)
	return advisor.Answers{}
}

func hasBlock(blocks []slack.Block, id string) bool {
	for _, b := range blocks {
		if b.ID() == id {
			return true
		}
	}
	return false
}

// checkLimits walks rendered JSON and reports every breach of Slack's
// limits. maxBlocks is 50 for a message, 100 for a view.
func checkLimits(t *testing.T, name string, v any, maxBlocks int) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	blocks, _ := doc["blocks"].([]any)
	if len(blocks) > maxBlocks {
		t.Errorf("%s: %d blocks, limit %d", name, len(blocks), maxBlocks)
	}
	if title, ok := doc["title"].(map[string]any); ok {
		checkLen(t, name+" title", title["text"], MaxModalTitle)
	}
	if text, ok := doc["text"].(string); ok {
		checkLen(t, name+" text", text, MaxFallbackText)
	}
	for _, b := range blocks {
		walk(t, name, b.(map[string]any))
	}
}

func walk(t *testing.T, where string, node map[string]any) {
	t.Helper()
	typ, _ := node["type"].(string)
	for _, id := range []string{"block_id", "action_id"} {
		if s, ok := node[id].(string); ok {
			checkLen(t, where+" "+id, s, MaxID)
		}
	}
	text, _ := node["text"].(map[string]any)
	switch typ {
	case "header":
		checkLen(t, where+" header", text["text"], MaxHeaderText)
	case "section":
		if text != nil {
			checkLen(t, where+" section", text["text"], MaxSectionText)
		}
		fields, _ := node["fields"].([]any)
		for _, f := range fields {
			checkLen(t, where+" field", f.(map[string]any)["text"], 2000)
		}
	case "button":
		checkLen(t, where+" button", text["text"], MaxButtonText)
		checkLen(t, where+" button value", node["value"], MaxButtonValue)
	}
	for _, key := range []string{"elements", "accessory", "element", "options"} {
		switch child := node[key].(type) {
		case map[string]any:
			walk(t, where, child)
		case []any:
			for _, c := range child {
				if m, ok := c.(map[string]any); ok {
					if key == "options" {
						if tx, ok := m["text"].(map[string]any); ok {
							checkLen(t, where+" option", tx["text"], MaxOptionText)
						}
						continue
					}
					walk(t, where, m)
				}
			}
		}
	}
}

func checkLen(t *testing.T, what string, v any, limit int) {
	t.Helper()
	s, _ := v.(string)
	if n := utf8.RuneCountInString(s); n > limit {
		t.Errorf("%s is %d characters, limit %d", what, n, limit)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 40000)
	long := &faq.Entry{ID: strings.Repeat("a", 64), Question: strings.Repeat("Q", faq.MaxQuestionLen), Answer: strings.Repeat("A", faq.MaxAnswerLen)}
	many := make([]*faq.Entry, 150)
	for i := range many {
		many[i] = &faq.Entry{ID: fmt.Sprintf("t%d", i), Question: strings.Repeat("q", 200), Answer: "a"}
	}
	rec := sampleRecommendation(t, answersCTOThenCAIO, 12)
	rec.Summary = huge
	rec.Reasons = append(rec.Reasons, advisor.Reason{Field: advisor.FieldGoal, Value: "both", Text: huge})
	rec.Risks = []string{huge}
	rec.NextSteps = []string{huge, huge}
	rec.BudgetNote = huge
	for _, role := range advisor.Roles() {
		a := answersFor(t, role)
		checkLimits(t, "recommendation "+string(role), message(Recommendation(RecommendationReply{Rec: sampleRecommendation(t, a, 60), Answers: a, ShareValue: "v"})), MaxMessageBlocks)
	}
	checkLimits(t, "huge recommendation", message(Recommendation(RecommendationReply{Rec: rec, Answers: answersCTOThenCAIO, Context: huge, ShareValue: "v"})), MaxMessageBlocks)
	checkLimits(t, "long answer", message(FAQAnswer(FAQReply{Question: huge, Echo: true, Result: faq.Result{Match: &faq.Hit{Entry: long, Score: 1}}, Related: many})), MaxMessageBlocks)
	checkLimits(t, "none", message(FAQAnswer(FAQReply{Question: huge, Echo: true})), MaxMessageBlocks)
	checkLimits(t, "home", HomeTab(Home{Topics: many, Recent: sampleRecent(), Insights: sampleInsights()}), MaxViewBlocks)
	checkLimits(t, "modal", AssessmentModal(""), MaxViewBlocks)
	checkLimits(t, "help", message(Help()), MaxMessageBlocks)
	if n := len(AssessmentModal("").Title.Text); n > MaxModalTitle {
		t.Errorf("modal title %d characters", n)
	}
}

// TestUserTextIsInert: no user can make the bot ping a channel or post a
// disguised link through text the bot echoes.
func TestUserTextIsInert(t *testing.T) {
	t.Parallel()
	hostile := []string{
		"<!channel> hello", "<!here>", "<!everyone>", "<@U12345>", "<#C12345>",
		"<https://evil.example|Click for your bonus>", "&lt;!channel&gt;", "<<!channel>>",
		"<!subteam^S123>", "a\u202e>lennahc!<", "<\u200b!channel>",
	}
	for _, h := range hostile {
		m := FAQAnswer(FAQReply{Question: h, Echo: true})
		rec := Recommendation(RecommendationReply{Rec: sampleRecommendation(t, answersCTOThenCAIO, 12), Answers: answersCTOThenCAIO, Context: h})
		for _, msg := range []Message{m, rec} {
			data, _ := json.Marshal(msg.Blocks)
			s := string(data)
			// JSON escapes < as \u003c; look for the raw characters.
			var decoded any
			_ = json.Unmarshal(data, &decoded)
			plain := fmt.Sprint(decoded)
			if strings.Contains(plain, "<!") || strings.Contains(plain, "<@") || strings.Contains(plain, "<#") || strings.Contains(plain, "<http") {
				t.Errorf("%q survived unescaped: %s", h, s)
			}
		}
	}
}

func TestEscapeAndTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"a < b & c > d", 100, "a &lt; b &amp; c &gt; d"},
		{"héllo wörld", 5, "héll…"},
		{"<<<<", 6, "&lt;…"}, // never half an entity
		{"abc", 3, "abc"},
		{"abcd", 0, ""},
		{"line\nbreak\x00nul\u200bzw", 100, "line breaknulzw"},
		{"\xff\xfebad", 100, "bad"},
	}
	for _, tt := range tests {
		if got := UserText(tt.in, tt.n); got != tt.want {
			t.Errorf("UserText(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	if got := USD(1234567); got != "$1,234,567" {
		t.Errorf("USD = %q", got)
	}
	if got := USD(500); got != "$500" {
		t.Errorf("USD = %q", got)
	}
}

// TestClean pins what Clean drops: every control and format character, not
// only the usual zero-width and bidi ones, and invalid UTF-8 as a space.
func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"  keeps spaces  ", "  keeps spaces  "},
		{"line\nbreak\r\ntab\t.", "line break  tab ."},
		{"nul\x00 del\x7f c1\u0085 esc\x1b[0m", "nul del c1 esc[0m"},
		{"zero\u200bwidth\u200c\u200d\u2060\ufeff", "zerowidth"},
		{"bidi \u202ertl\u2066 \u200emarks\u200f\u061c", "bidi rtl marks"},
		{"soft\u00adhyphen, tag\U000E0041s", "softhyphen, tags"},
		{"bad\xff\xfeutf8", "bad utf8"},
		{"naïve 日本語 👍🏽 “quotes” \u2028", "naïve 日本語 👍🏽 “quotes” \u2028"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkRenderRecommendation is what the bot does for every assessment:
// build the recommendation and encode its blocks and text.
func BenchmarkRenderRecommendation(b *testing.B) {
	rec, err := advisor.Recommend(answersCTOThenCAIO, 12)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m := Recommendation(RecommendationReply{Rec: rec, Answers: answersCTOThenCAIO, ShareValue: "v1"})
		if _, err := json.Marshal(map[string]any{"text": m.Text, "blocks": m.Blocks}); err != nil {
			b.Fatal(err)
		}
	}
}

func sampleRecent() []PastRecommendation {
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	return []PastRecommendation{
		{At: at, Role: advisor.RoleCTOThenCAIO, Confidence: 0.85, Value: "v1.both.weak.aggressive.small.high.10k_25k.12"},
		{At: at.Add(-48 * time.Hour), Role: advisor.RoleCAIO, Confidence: 0.7, Value: "v1.ai_transformation.solid.targeted.established.high.10k_25k.6"},
	}
}

func sampleInsights() *store.Insights {
	var unanswered []store.Count
	for i := range 10 {
		unanswered = append(unanswered, store.Count{Key: fmt.Sprintf("question %d <!channel> & co", i), N: 10 - i})
	}
	return &store.Insights{
		Since: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC), Questions: 120, Unanswered: 30,
		BySurface:       []store.Count{{Key: "slash", N: 70}, {Key: "mention", N: 30}, {Key: "dm", N: 20}},
		Votes:           []store.SubjectVotes{{Subject: "faq:cost", Helpful: 2, NotHelpful: 7}, {Subject: "recommendation:cto", Helpful: 9}},
		Recommendations: []store.Count{{Key: "cto", N: 8}, {Key: "caio", N: 5}},
		OpenHandoffs:    3,
		TopUnanswered:   unanswered,
	}
}
