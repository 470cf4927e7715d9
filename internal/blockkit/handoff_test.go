package blockkit

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
)

var (
	handoffAt = time.Date(2026, 12, 2, 15, 4, 0, 0, time.UTC)
	// A question and an answer as hostile as user text gets.
	sampleHandoff = store.Handoff{ID: "h-abc123", OpenedAt: handoffAt, UserID: "U0ASKER", Surface: "mention",
		ChannelID: "C0GENERAL", ThreadTS: "1764687840.000100",
		Question: "Can our <!channel> CAIO own SOC 2 & the model risk register?", Guesses: []string{"security-governance"}}
	entryLearned = &faq.Entry{ID: "learned-7", Question: "Who owns SOC 2 when we have a <!here> CAIO?",
		Answer: "The CTO owns the controls; the CAIO owns <https://evil.example|model risk>.", Author: "U0EXPERT", LearnedAt: handoffAt}
)

func answered(h store.Handoff, learned string) store.Handoff {
	h.Status, h.ClosedBy, h.ClosedAt, h.LearnedID = store.HandoffAnswered, "U0EXPERT", handoffAt.Add(time.Hour), learned
	h.Answer = "The CTO owns the controls.\n<!everyone> the CAIO owns model risk."
	return h
}

func TestGoldenLoop(t *testing.T) {
	t.Parallel()
	private := sampleHandoff
	private.Surface, private.ChannelID, private.ThreadTS = "slash", "", ""
	resolved := sampleHandoff
	resolved.Status, resolved.ClosedBy, resolved.ClosedAt = store.HandoffResolved, "U0EXPERT", handoffAt
	tests := []struct {
		name string
		v    any
	}{
		{"faq_none_ask_expert", message(FAQAnswer(FAQReply{Question: "who runs our offsite?", AskExpert: `{"q":"who runs our offsite?","s":"dm"}`,
			Result: faq.Result{Alternatives: []faq.Hit{{Entry: entryWhenCTO, Score: 0.12}}}}))},
		{"faq_uncovered", message(FAQAnswer(FAQReply{Question: "should our fractional cto sign an nda?", AskExpert: `{"q":"nda?","s":"dm"}`,
			Result: faq.Result{Uncovered: &faq.Topic{ID: "ip", Name: "NDAs, confidentiality and who owns the work"},
				Alternatives: []faq.Hit{{Entry: entryWhenCTO, Score: 0.12}}}}))},
		{"faq_learned", message(FAQAnswer(FAQReply{Question: "who owns soc 2?", Ref: "abcdefgh",
			Result: faq.Result{Match: &faq.Hit{Entry: entryLearned, Score: 0.9}, Alternatives: []faq.Hit{{Entry: entryWhenCAIO, Score: 0.2}}}}))},
		{"feedback_thanks_ask_expert", message(FeedbackThanks(false, `{"q":"how much?","s":"slash"}`))},
		{"expert_request", message(ExpertRequest(sampleHandoff, "https://emulated.slack.com/archives/C0GENERAL/p1764687840000100", []*faq.Entry{entryCost, entryLearned}))},
		{"expert_request_private", message(ExpertRequest(private, "", nil))},
		{"expert_request_answered", message(ExpertRequestClosed(answered(sampleHandoff, "learned-8"), ""))},
		{"expert_request_resolved", message(ExpertRequestClosed(resolved, ""))},
		{"expert_answer_modal", ExpertAnswerModal(sampleHandoff)},
		{"expert_answer", message(ExpertAnswer(answered(sampleHandoff, "")))},
		{"handoff_resolved", message(HandoffResolved(resolved))},
		{"watching", message(Watching("U0ADMIN"))},
		{"invite_first", message(InviteFirst(false))},
		{"question_modal", QuestionModal()},
		{"answer_with_share", message(WithShare(FAQAnswer(FAQReply{Question: "how much is a part-time cto?", Echo: true,
			Result: faq.Result{Match: &faq.Hit{Entry: entryCost, Score: 0.81}}}), `{"q":"how much","c":"C1","t":"1.2"}`))},
		{"nothing_to_read", message(NothingToRead())},
		{"home_loop", HomeTab(Home{Topics: []*faq.Entry{entryCost}, Admin: true, Insights: sampleInsights(),
			Watched: []store.Watch{{ChannelID: "C0GENERAL", UserID: "U0ADMIN", At: handoffAt}, {ChannelID: "C0OPS", At: handoffAt}},
			Learned: []*faq.Entry{entryLearned}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			golden(t, tt.name, tt.v)
		})
	}
}

// TestLoopUserTextInert checks that no question or expert answer can ping
// a channel or plant a link: every "<" the user typed arrives escaped.
func TestLoopUserTextInert(t *testing.T) {
	t.Parallel()
	msgs := map[string]Message{
		"request":  ExpertRequest(sampleHandoff, "", nil),
		"answered": ExpertRequestClosed(answered(sampleHandoff, ""), ""),
		"answer":   ExpertAnswer(answered(sampleHandoff, "")),
		"learned":  FAQAnswer(FAQReply{Result: faq.Result{Match: &faq.Hit{Entry: entryLearned, Score: 1}}}),
		"resolved": HandoffResolved(answered(sampleHandoff, "")),
	}
	for name, m := range msgs {
		raw := string(mustMarshal(t, message(m)))
		// Verbatim: Slack links no bare URL or #channel the user typed.
		if !strings.Contains(raw, `"verbatim":true`) {
			t.Errorf("%s shows user text without verbatim", name)
		}
		for _, bad := range []string{"<!channel>", "<!here>", "<!everyone>", "<https://evil"} {
			if strings.Contains(raw, bad) || strings.Contains(raw, strings.ReplaceAll(bad, "<", `\u003c`)) {
				t.Errorf("%s carries %s live", name, bad)
			}
		}
	}
}

// TestExpertAnswerVotes checks what an expert's answer is voted on: the
// learned entry when it was saved, else the hand-off.
func TestExpertAnswerVotes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ learned, want string }{{"", "expert_answer:h-abc123"}, {"learned-3", "faq:learned-3"}} {
		raw := string(mustMarshal(t, message(ExpertAnswer(answered(sampleHandoff, tt.learned)))))
		if !strings.Contains(raw, `"value":"`+tt.want+`"`) {
			t.Errorf("learned %q: votes not on %s", tt.learned, tt.want)
		}
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
