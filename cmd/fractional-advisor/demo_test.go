package main

import (
	"os"
	"strings"
	"testing"
)

// TestDemo runs the README's first command end to end and checks that the
// user would see every step of the session.
func TestDemo(t *testing.T) {
	t.Setenv("ADVISOR_LOG_LEVEL", "") // restored after the test
	os.Unsetenv("ADVISOR_LOG_LEVEL")
	code, out, errOut := runCLI(t, "demo")
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, errOut)
	}
	for _, want := range []string{
		"/fractional-advisor help",
		"opens a modal: Fractional Advisor",
		"? What is the main goal?",
		"Recommendation: ",
		"[ Share in channel ]",
		"What does a fractional CTO or CAIO cost compared with a full-time hire?",
		"replies in the thread",
		"I don't know that one",
		"Questions I can answer",
		"clicks 👍 Helpful", "Thanks, glad it helped",
		"Your last recommendations", "[ See it again ]",
		"Insights, since", "6 questions", "1 recommendation (", "what's the wifi password in the office? (1×)",
		// The hand-off, from I-don't-know to the learned answer.
		"[ Ask an expert ]", "passed your question to our experts", "posts in the experts' channel",
		"[ Answer ] [ Close without answer ]", "opens a form for the expert", "An expert answered your question",
		"Saved as `learned-1`", "answers from what the expert taught it", "Answered by <@U0EXPERT1>",
		"Answers experts taught me", "[ Retract ]",
		// The assistant panel and a workflow step.
		"opens Fractional Advisor in Slack's assistant panel", "→ Start the assessment", "answers in the panel",
		"bot completes the step: recommendation=cto, confidence=0.",
		"End of demo.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}
