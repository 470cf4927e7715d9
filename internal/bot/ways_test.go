package bot

import (
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
)

// TestStepAnswers: the Workflow Builder step reads its six inputs; each
// missing or unknown one in turn is named, with the values it takes.
func TestStepAnswers(t *testing.T) {
	t.Parallel()
	good := map[string]string{"goal": "both", "infrastructure": "weak", "ai_ambition": "aggressive",
		"engineering_team": "small", "ai_governance": "high", "budget": "10k_25k"}
	if a, problem := stepAnswers(good); problem != "" || a.Goal != "both" {
		t.Fatalf("good inputs: %+v, %q", a, problem)
	}
	for _, q := range advisor.Questions() {
		for _, tt := range []struct{ value, want string }{{"", "is missing"}, {"lots", `is "lots", which is not one of its values`}} {
			in := map[string]string{}
			for k, v := range good {
				in[k] = v
			}
			in[string(q.Field)] = tt.value
			_, problem := stepAnswers(in)
			if !strings.Contains(problem, `"`+string(q.Field)+`" `+tt.want) || !strings.Contains(problem, q.Options[0].Value) {
				t.Errorf("%s=%q: problem %q, want it named with its values", q.Field, tt.value, problem)
			}
		}
	}
	// Inputs the step does not take are not its problem.
	in := map[string]string{"extra": "x"}
	for k, v := range good {
		in[k] = v
	}
	if _, problem := stepAnswers(in); problem != "" {
		t.Errorf("an extra input: %q", problem)
	}
}

// TestShareValue: the share button's value round-trips, fits Slack's
// limit however long the question, and refuses what it did not make.
func TestShareValue(t *testing.T) {
	t.Parallel()
	long := shareValue{Question: strings.Repeat("é<&> ", 1000), Channel: "C0SHARE01", Thread: "1764687840.000100"}
	enc := long.encode()
	if len(enc) > 2000 {
		t.Fatalf("encoded %d bytes", len(enc))
	}
	v, err := decodeShareValue(enc)
	if err != nil || v.Channel != long.Channel || v.Thread != long.Thread || !strings.HasPrefix(long.Question, v.Question[:20]) {
		t.Errorf("round trip: %+v, %v", v, err)
	}
	for _, bad := range []string{"", "{}", `{"q":"hi","c":"<!channel>","t":"1.2"}`, `{"q":"hi","c":"C1X","t":"now"}`, `{"q":"  ","c":"C1X","t":"1.2"}`, strings.Repeat("x", 2001)} {
		if _, err := decodeShareValue(bad); err == nil {
			t.Errorf("decodeShareValue(%.30q) accepted", bad)
		}
	}
}
