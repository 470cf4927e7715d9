package slackbot

import (
	"context"
	"fmt"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// onCommand routes /fractional-advisor by the first word of its text.
func (b *Bot) onCommand(ctx context.Context, evt socketmode.Event, received time.Time) {
	cmd, ok := evt.Data.(slack.SlashCommand)
	if !ok {
		b.ack(ctx, evt.Request, received, nil)
		return
	}
	r := request{kind: "command", id: envelopeID(evt), user: cmd.UserID, start: received, text: cmd.Text}
	if cmd.UserID == "" {
		// Slack always says who typed it; without a user there is no one
		// to answer.
		b.ack(ctx, evt.Request, received, nil)
		b.done(r, "invalid", nil)
		return
	}
	if refused, note := b.limited(cmd.UserID); refused {
		var payload any
		if note {
			payload = privateReply(saySlow, nil)
		}
		b.ack(ctx, evt.Request, received, payload)
		b.done(r, "rate_limited", nil)
		return
	}
	word, rest := firstWord(cleanQuestion(cmd.Text))
	switch word {
	case "", "start", "assess":
		r.kind = "command:assess"
		meta := modalMeta{ResponseURL: cmd.ResponseURL, ChannelID: cmd.ChannelID}
		queued := b.runLater(r, func(ctx context.Context) (string, error) {
			return b.openAssessment(ctx, cmd.TriggerID, meta, destination{responseURL: cmd.ResponseURL})
		}, nil)
		if !queued {
			b.ack(ctx, evt.Request, received, privateReply(sayBusy, nil))
			return
		}
		b.ack(ctx, evt.Request, received, nil)
	case "help":
		r.kind = "command:help"
		b.ackReply(ctx, evt.Request, cmd.ResponseURL, blockkit.Help(), r, "help")
	default:
		r.kind = "command:ask"
		question := rest
		if word != "ask" {
			question = cleanQuestion(cmd.Text)
		}
		if question == "" {
			b.ackReply(ctx, evt.Request, cmd.ResponseURL, blockkit.Help(), r, "help")
			return
		}
		msg, topic := b.answer(question, true)
		b.ackReply(ctx, evt.Request, cmd.ResponseURL, msg, r, topic)
	}
}

// ackReply answers a command privately in its ack when the reply fits there
// (no Web API call at all), and through the response_url when it does not,
// or when the ack could not be sent: an ack that failed was never queued,
// so the reply cannot arrive twice. outcome names what was sent, for the
// log ("faq:cost", "help").
func (b *Bot) ackReply(ctx context.Context, req *socketmode.Request, responseURL string, msg blockkit.Message, r request, outcome string) {
	payload, fits := ackPayload(msg)
	if fits && b.ack(ctx, req, r.start, payload) {
		b.done(r, outcome, nil)
		return
	}
	viaURL := func(ctx context.Context) (string, error) {
		return outcome, b.post(ctx, destination{responseURL: responseURL}, msg)
	}
	queued := b.runLater(r, viaURL, nil)
	if fits {
		return // the ack failed already: nothing more can go on it
	}
	if !queued {
		b.ack(ctx, req, r.start, privateReply(sayBusy, nil))
		return
	}
	b.ack(ctx, req, r.start, nil)
}

// openAssessment opens the modal; meta says where its answer goes. If the
// modal cannot be opened the user is told at fallback.
func (b *Bot) openAssessment(ctx context.Context, triggerID string, meta modalMeta, fallback destination) (string, error) {
	view, err := blockkit.AppendModalJSON(nil, blockkit.AssessmentModal(meta.encode()))
	if err != nil {
		err = fmt.Errorf("encode the modal: %w", err)
	} else {
		_, err = b.send(ctx, "views.open", false, jsonObject(nil).str("trigger_id", triggerID).raw("view", view).end())
	}
	if err != nil {
		if fallback != (destination{}) {
			_ = b.post(ctx, fallback, blockkit.Note("modal_failed", sayNoModal))
		}
		return "views.open failed", err
	}
	return "modal opened", nil
}

// answer finds the best answer to question and renders it; topic is
// "faq:ID" or "faq:none", for logs.
func (b *Bot) answer(question string, echo bool) (blockkit.Message, string) {
	res := b.search.Search(question)
	b.metrics.Answered(res.Match != nil)
	reply := blockkit.FAQReply{Question: question, Echo: echo, Result: res}
	if res.Match == nil {
		return blockkit.FAQAnswer(reply), blockkit.FAQNoneBlockID
	}
	for _, id := range res.Match.Entry.Related {
		if e, ok := b.kb.Entry(id); ok {
			reply.Related = append(reply.Related, e)
		}
	}
	return blockkit.FAQAnswer(reply), blockkit.FAQBlockPrefix + res.Match.Entry.ID
}

func envelopeID(evt socketmode.Event) string {
	if evt.Request == nil {
		return ""
	}
	return evt.Request.EnvelopeID
}
