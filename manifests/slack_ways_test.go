package manifests

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// The ways in besides the command and mentions (CONTRACT.md "More ways
// in"): two shortcuts, the assistant panel and a Workflow Builder step.
const (
	globalShortcutID  = "ask_advisor"
	messageShortcutID = "ask_about_message"
	recommendStepID   = "recommend_role"
	// The suggested prompt whose message the bot answers with the button
	// that opens the assessment.
	startPrompt = "Start the assessment"
)

// Outputs of the step, all strings (confidence as e.g. "0.85").
var recommendOutputs = []string{"confidence", "recommendation", "summary"}

// checkShortcuts: exactly the two shortcuts, of the right types, within
// the lengths of Slack's manifest schema.
func checkShortcuts(t *testing.T, m slackManifest) {
	t.Helper()
	want := map[string]string{globalShortcutID: "global", messageShortcutID: "message"}
	got := map[string]string{}
	for _, s := range m.Features.Shortcuts {
		if _, dup := got[s.CallbackID]; dup {
			t.Errorf("shortcut callback_id %s appears twice", s.CallbackID)
		}
		got[s.CallbackID] = s.Type
		checkLen(t, "shortcut "+s.CallbackID+" name", s.Name, 1, 24)
		checkLen(t, "shortcut "+s.CallbackID+" description", s.Description, 1, 150)
	}
	if !maps.Equal(got, want) {
		t.Errorf("shortcuts (callback_id: type) = %v, want %v", got, want)
	}
}

// checkAssistantView: a description and 3 or 4 suggested prompts (Slack
// shows up to four), one of them sending "Start the assessment".
func checkAssistantView(t *testing.T, m slackManifest) {
	t.Helper()
	v := m.Features.AssistantView
	checkLen(t, "assistant_view.assistant_description", strings.TrimSpace(v.AssistantDescription), 1, 300)
	if n := len(v.SuggestedPrompts); n < 3 || n > 4 {
		t.Errorf("assistant_view has %d suggested prompts, want 3 or 4", n)
	}
	var start int
	for i, p := range v.SuggestedPrompts {
		if strings.TrimSpace(p.Title) == "" || strings.TrimSpace(p.Message) == "" {
			t.Errorf("suggested prompt %d: want a title and a message, got %+v", i, p)
		}
		if p.Message == startPrompt {
			start++
		}
	}
	if start != 1 {
		t.Errorf("%d suggested prompts send %q, want exactly one", start, startPrompt)
	}
}

// checkRecommendStep: the one custom step, its inputs exactly the
// assessment's fields (advisor.Questions), each a required string titled
// with its question and describing exactly its option values; its outputs
// exactly recommendOutputs, strings. Custom steps need an org-ready app.
func checkRecommendStep(t *testing.T, m slackManifest) {
	t.Helper()
	if !m.Settings.OrgDeployEnabled {
		t.Error("settings.org_deploy_enabled must be true: Slack offers custom steps only from org-ready apps")
	}
	if got := slices.Sorted(maps.Keys(m.Functions)); !slices.Equal(got, []string{recommendStepID}) {
		t.Fatalf("functions = %v, want only %s", got, recommendStepID)
	}
	f := m.Functions[recommendStepID]
	if strings.TrimSpace(f.Title) == "" || strings.TrimSpace(f.Description) == "" {
		t.Errorf("function %s: want a title and a description", recommendStepID)
	}

	questions := advisor.Questions()
	var fields []string
	for _, q := range questions {
		fields = append(fields, string(q.Field))
	}
	if got, want := slices.Sorted(maps.Keys(f.InputParameters)), slices.Sorted(slices.Values(fields)); !slices.Equal(got, want) {
		t.Errorf("function %s inputs = %v, want exactly the assessment's fields %v", recommendStepID, got, want)
	}
	for _, q := range questions {
		p, ok := f.InputParameters[string(q.Field)]
		if !ok {
			continue
		}
		name := "input " + string(q.Field)
		if p.Type != "string" || !p.IsRequired {
			t.Errorf("%s: type %q, is_required %t; want a required string", name, p.Type, p.IsRequired)
		}
		if p.Title != q.Label {
			t.Errorf("%s: title %q, want the question %q", name, p.Title, q.Label)
		}
		var values []string
		for _, o := range q.Options {
			values = append(values, o.Value)
		}
		if got := optionsIn(p.Description); !slices.Equal(got, values) {
			t.Errorf("%s: description %q lists %v, want exactly the option values %v, as \"One of: a, b, c\"", name, p.Description, got, values)
		}
	}

	if got := slices.Sorted(maps.Keys(f.OutputParameters)); !slices.Equal(got, recommendOutputs) {
		t.Errorf("function %s outputs = %v, want exactly %v", recommendStepID, got, recommendOutputs)
	}
	for name, p := range f.OutputParameters {
		if p.Type != "string" {
			t.Errorf("output %s: type %q, want string", name, p.Type)
		}
		if strings.TrimSpace(p.Title) == "" {
			t.Errorf("output %s: no title, which Workflow Builder shows", name)
		}
	}
}

// optionsIn reads the values a description lists after "One of: ", comma
// separated; nil if it lists none.
func optionsIn(description string) []string {
	_, list, ok := strings.Cut(description, "One of: ")
	if !ok {
		return nil
	}
	var values []string
	for v := range strings.SplitSeq(list, ",") {
		values = append(values, strings.TrimSpace(v))
	}
	return values
}
