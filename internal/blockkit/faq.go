package blockkit

import (
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/slack-go/slack"
)

// maxTopics is how many related topics an answer offers.
const maxTopics = 3

// FAQReply is what an answer to a question shows.
type FAQReply struct {
	// Question is what the user typed; it is echoed (escaped) when Echo is
	// set, as in a private reply where the question is not visible above.
	Question string
	Echo     bool
	Result   faq.Result
	// Related are the entries the match lists as related; when there is no
	// match the alternatives are offered instead.
	Related []*faq.Entry
	// Ref, when set, goes in the vote buttons' block id, so that a 👎 can
	// find the question again ("feedback:REF").
	Ref string
	// AskExpert, when set, is the value of an ask_expert button on an
	// answer that found nothing: the hand-off is on.
	AskExpert string
}

// FAQAnswer renders an answer, or a plain "I don't know" with the closest
// topics and a way into the assessment.
func FAQAnswer(r FAQReply) Message {
	var blocks []slack.Block
	if r.Echo && r.Question != "" {
		blocks = append(blocks, contextText("question", "You asked: "+UserText(r.Question, 300)))
	}
	m := r.Result.Match
	if m == nil {
		return noAnswer(r, blocks)
	}
	e := m.Entry
	if isLearned(e) {
		// An expert's words: user text, shown as written but inert, and
		// credited.
		blocks = append(blocks,
			userSection(FAQBlockPrefix+e.ID, "*"+UserText(e.Question, 300)+"*\n"+UserLines(e.Answer, store.MaxAnswerRunes)),
			contextText("learned_by", byLine(e.Author, e.LearnedAt)))
	} else {
		blocks = append(blocks, section(FAQBlockPrefix+e.ID, "*"+e.Question+"*\n"+e.Answer))
	}
	topics := r.Related
	if len(topics) == 0 {
		for _, a := range r.Result.Alternatives {
			topics = append(topics, a.Entry)
		}
	}
	if tb := topicButtons("faq_related", topics); tb != nil {
		blocks = append(blocks, contextText("faq_related_label", "Related questions:"), tb)
	}
	blocks = append(blocks, feedbackButtons(feedbackBlockID(r.Ref), FAQBlockPrefix+e.ID))
	if isLearned(e) {
		return Message{Text: fallback(UserText(e.Question, 300), UserLines(e.Answer, store.MaxAnswerRunes)), Blocks: blocks}
	}
	return Message{Text: fallback(e.Question, e.Answer), Blocks: blocks}
}

func noAnswer(r FAQReply, blocks []slack.Block) Message {
	text := "I don't know that one, and I'd rather say so than guess. I answer questions about fractional CAIOs and CTOs: what they do, when to hire which, and what they cost."
	if t := r.Result.Uncovered; t != nil {
		// Named, so the asker knows it was understood and is simply not
		// covered, rather than misread.
		text = "That's a question about " + t.Name + ", which my knowledge base doesn't cover yet, so I won't guess."
		if r.AskExpert != "" {
			text += " One of our experts can answer it."
		}
	}
	var topics []*faq.Entry
	for _, a := range r.Result.Alternatives {
		topics = append(topics, a.Entry)
	}
	if len(topics) > 0 {
		text += "\nThe closest topics I know are below."
	}
	blocks = append(blocks, section(FAQNoneBlockID, text))
	if tb := topicButtons("faq_closest", topics); tb != nil {
		blocks = append(blocks, tb)
	}
	start := button(ActionStartAssessment, "faq_none", "Start the assessment").WithStyle(slack.StylePrimary)
	if r.AskExpert != "" {
		blocks = append(blocks, actions("faq_none_actions", askExpertButton(r.AskExpert), start))
	} else {
		blocks = append(blocks, actions("faq_none_actions", start))
	}
	return Message{Text: text, Blocks: blocks}
}

func topicButtons(blockID string, topics []*faq.Entry) *slack.ActionBlock {
	if len(topics) > maxTopics {
		topics = topics[:maxTopics]
	}
	if len(topics) == 0 {
		return nil
	}
	els := make([]slack.BlockElement, 0, len(topics))
	for _, t := range topics {
		els = append(els, button(ActionTopicPrefix+t.ID, t.ID, t.Question)) // plain text: inert
	}
	return actions(blockID, els...)
}

// FeedbackBlockPrefix + a question's reference is the vote buttons'
// block id when the answer has one.
const FeedbackBlockPrefix = "feedback:"

func feedbackBlockID(ref string) string {
	if ref == "" {
		return "feedback"
	}
	return FeedbackBlockPrefix + ref
}

func feedbackButtons(blockID, subject string) *slack.ActionBlock {
	return actions(blockID,
		button(ActionHelpful, subject, "👍 Helpful"),
		button(ActionNotHelpful, subject, "👎 Not helpful"),
	)
}

// FeedbackThanks acknowledges a helpful / not helpful click. askExpert,
// when set, is the value of an ask_expert button offered after a 👎.
func FeedbackThanks(helpful bool, askExpert string) Message {
	text := "Thanks, glad it helped."
	if !helpful {
		text = "Thanks for telling me. Try rephrasing, or type `/fractional-advisor help` to see what I can do."
		if askExpert != "" {
			text = "Thanks for telling me. Want a person to answer it? Our experts can take it from here."
		}
	}
	blocks := []slack.Block{contextText("feedback_thanks", text)}
	if askExpert != "" && !helpful {
		blocks = append(blocks, actions("feedback_actions", askExpertButton(askExpert)))
	}
	return Message{Text: text, Blocks: blocks}
}
