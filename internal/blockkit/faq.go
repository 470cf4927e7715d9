package blockkit

import (
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
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
	blocks = append(blocks, section(FAQBlockPrefix+e.ID, "*"+e.Question+"*\n"+e.Answer))
	topics := r.Related
	if len(topics) == 0 {
		for _, a := range r.Result.Alternatives {
			topics = append(topics, a.Entry)
		}
	}
	if tb := topicButtons("faq_related", topics); tb != nil {
		blocks = append(blocks, contextText("faq_related_label", "Related questions:"), tb)
	}
	blocks = append(blocks, feedbackButtons(FAQBlockPrefix+e.ID))
	return Message{Text: fallback(e.Question, e.Answer), Blocks: blocks}
}

func noAnswer(r FAQReply, blocks []slack.Block) Message {
	text := "I don't know that one, and I'd rather say so than guess. I answer questions about fractional CAIOs and CTOs: what they do, when to hire which, and what they cost."
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
	blocks = append(blocks, actions("faq_none_actions",
		button(ActionStartAssessment, "faq_none", "Start the assessment").WithStyle(slack.StylePrimary)))
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
		els = append(els, button(ActionTopicPrefix+t.ID, t.ID, t.Question))
	}
	return actions(blockID, els...)
}

func feedbackButtons(subject string) *slack.ActionBlock {
	return actions("feedback",
		button(ActionHelpful, subject, "👍 Helpful"),
		button(ActionNotHelpful, subject, "👎 Not helpful"),
	)
}

// FeedbackThanks acknowledges a helpful / not helpful click.
func FeedbackThanks(helpful bool) Message {
	text := "Thanks, glad it helped."
	if !helpful {
		text = "Thanks for telling me. Try rephrasing, or type `/fractional-advisor help` to see what I can do."
	}
	return Message{Text: text, Blocks: []slack.Block{contextText("feedback_thanks", text)}}
}
