package blockkit

import (
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/slack-go/slack"
)

// Hand-offs to experts and the answers they give (CONTRACT.md,
// "Hand-off"). Questions and experts' answers are user text: escaped
// wherever they are shown, so "<!channel>" in either pings nobody.

// Hand-off identifiers (contract).
const (
	// ActionAskExpert sends a question to the experts; its value is an
	// encoded hand-off request (see the bot's codec).
	ActionAskExpert = "ask_expert"
	// EscalationBlockPrefix + hand-off id is the experts' copy of a
	// question; its buttons carry the hand-off id.
	EscalationBlockPrefix   = "escalation:"
	ActionEscalationAnswer  = "escalation_answer"
	ActionEscalationResolve = "escalation_resolve"
	// ExpertAnswerCallbackID is the expert's answer modal: an input block
	// AnswerBlockID and an optional checkbox block SaveAsFAQBlockID.
	ExpertAnswerCallbackID = "expert_answer"
	AnswerBlockID          = "answer"
	SaveAsFAQBlockID       = "save_as_faq"
	SaveAsFAQValue         = "save"
	// ExpertAnswerBlockPrefix + hand-off id carries an expert's answer to
	// the asker.
	ExpertAnswerBlockPrefix = "expert_answer:"
	// ActionRetractLearned, on the admins' Home tab, retracts the learned
	// answer its value names.
	ActionRetractLearned = "retract_learned"
)

// askExpertButton offers the hand-off.
func askExpertButton(value string) *slack.ButtonBlockElement {
	return button(ActionAskExpert, value, "Ask an expert")
}

// HandoffSent tells the asker, privately, that the experts have their
// question and where the answer will come.
func HandoffSent(inThread bool) Message {
	where := "in a direct message from me"
	if inThread {
		where = "in the thread where you asked"
	}
	return Note("handoff_sent", "Done: I passed your question to our experts. Their answer will reach you "+where+".")
}

// ExpertRequest is the experts' copy of a hand-off, with the buttons that
// answer or close it. where is a permalink to the question, or "" when it
// was asked privately; guesses are the entries the bot found closest.
func ExpertRequest(h store.Handoff, where string, guesses []*faq.Entry) Message {
	return expertCopy(h, where, guesses, nil)
}

// ExpertRequestClosed replaces the experts' copy once the hand-off is
// answered or resolved: who did it, and the answer, with no buttons left.
func ExpertRequestClosed(h store.Handoff, where string) Message {
	var status string
	switch h.Status {
	case store.HandoffAnswered:
		status = "✅ Answered by <@" + h.ClosedBy + ">:\n" + quote(UserLines(h.Answer, 2000))
		if h.LearnedID != "" {
			status += "\nSaved as `" + h.LearnedID + "`: I answer it myself from now on."
		}
	default:
		status = "Closed without an answer by <@" + h.ClosedBy + ">."
	}
	return expertCopy(h, where, nil, userSection("escalation_status", status))
}

func expertCopy(h store.Handoff, where string, guesses []*faq.Entry, status slack.Block) Message {
	asked := "privately"
	switch {
	case where != "":
		asked = "<" + where + "|in <#" + h.ChannelID + ">>"
	case h.ChannelID != "":
		asked = "in <#" + h.ChannelID + ">"
	case h.Surface == "dm":
		asked = "in a direct message"
	}
	text := "*<@" + h.UserID + "> asked " + asked + "*\n" + quote(UserText(h.Question, 2000))
	blocks := []slack.Block{userSection(EscalationBlockPrefix+h.ID, text)}
	if len(guesses) > 0 {
		names := make([]string, 0, len(guesses))
		for _, g := range guesses {
			names = append(names, "“"+guessTitle(g)+"”")
		}
		blocks = append(blocks, contextText("escalation_guesses", "My closest guesses, none confident: "+strings.Join(names, ", ")))
	}
	if status != nil {
		blocks = append(blocks, status)
	} else {
		blocks = append(blocks, actions("escalation_actions",
			button(ActionEscalationAnswer, h.ID, "Answer").WithStyle(slack.StylePrimary),
			button(ActionEscalationResolve, h.ID, "Close without answer")))
	}
	return Message{Text: fallback("Question for the experts from <@"+h.UserID+">:", UserText(h.Question, 2000)), Blocks: blocks}
}

// guessTitle names an entry: a learned entry's question is user text.
func guessTitle(e *faq.Entry) string {
	if isLearned(e) {
		return UserText(e.Question, 150)
	}
	return Truncate(e.Question, 150)
}

// quote shows escaped text as a block quote, line by line.
func quote(escaped string) string {
	return "&gt; " + strings.ReplaceAll(escaped, "\n", "\n&gt; ")
}

// ExpertAnswerModal is the form an expert answers a hand-off in. The
// hand-off id travels in private_metadata.
func ExpertAnswerModal(h store.Handoff) slack.ModalViewRequest {
	answer := slack.NewPlainTextInputBlockElement(plain("Your answer", 150), AnswerBlockID)
	answer.Multiline = true
	answer.MaxLength = store.MaxAnswerRunes
	save := slack.NewCheckboxGroupsBlockElement(SaveAsFAQBlockID,
		slack.NewOptionBlockObject(SaveAsFAQValue, plain("Save it: answer this question myself from now on", MaxOptionText),
			plain("Anyone who asks something like it gets your answer, credited to you. Admins can retract it.", 150)))
	saveBlock := slack.NewInputBlock(SaveAsFAQBlockID, plain("Teach the bot", 2000), nil, save)
	saveBlock.Optional = true
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		CallbackID: ExpertAnswerCallbackID,
		Title:      plain("Answer a question", MaxModalTitle),
		Submit:     plain("Send answer", MaxModalTitle),
		Close:      plain("Cancel", MaxModalTitle),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			userSection("expert_question", "*<@"+h.UserID+"> asked:*\n"+quote(UserText(h.Question, 2000))),
			slack.NewInputBlock(AnswerBlockID, plain("Answer", 2000), plain("Sent to them as you write it, with your name.", 2000), answer),
			saveBlock,
		}},
		PrivateMetadata: h.ID,
	}
}

// AnswerErrors is the response_action "errors" map for an answer the
// modal refuses.
func AnswerErrors(msg string) map[string]string { return map[string]string{AnswerBlockID: msg} }

// ExpertAnswer carries an expert's answer to the asker, with the vote
// buttons; the votes count for the learned entry when it was saved.
func ExpertAnswer(h store.Handoff) Message {
	text := "*An expert answered your question*\n" + quote(UserText(h.Question, 500)) + "\n\n" + UserLines(h.Answer, store.MaxAnswerRunes)
	subject := ExpertAnswerBlockPrefix + h.ID
	if h.LearnedID != "" {
		subject = FAQBlockPrefix + h.LearnedID
	}
	return Message{
		Text: fallback("An expert answered your question:", UserLines(h.Answer, store.MaxAnswerRunes)),
		Blocks: []slack.Block{
			userSection(ExpertAnswerBlockPrefix+h.ID, text),
			contextText("expert_answer_by", byLine(h.ClosedBy, h.ClosedAt)),
			feedbackButtons("feedback", subject),
		},
	}
}

// HandoffResolved tells the asker the experts closed their question
// without an answer.
func HandoffResolved(h store.Handoff) Message {
	text := "The experts looked at your question and closed it without an answer:\n" + quote(UserText(h.Question, 500)) +
		"\nIf it still matters, ask it again with more detail, or ask <@" + h.ClosedBy + "> directly."
	return Message{Text: text, Blocks: []slack.Block{userSection("expert_resolved:"+h.ID, text)}}
}

// byLine credits an expert: "Answered by @expert on 3 Dec 2026".
func byLine(user string, at time.Time) string {
	by := "an expert"
	if user != "" {
		by = "<@" + user + ">"
	}
	return "Answered by " + by + " on " + at.UTC().Format("2 Jan 2006")
}

func isLearned(e *faq.Entry) bool { return !e.LearnedAt.IsZero() }

// ReturnedAnswer gives an expert their answer back, privately, with why it
// was not sent: nothing they wrote is lost.
func ReturnedAnswer(why, answer string) Message {
	return Message{Text: why, Blocks: []slack.Block{
		section("expert_answer_not_sent", why+" Your answer, so you have it:"),
		userSection("expert_answer_returned", quote(UserLines(answer, store.MaxAnswerRunes))),
	}}
}
