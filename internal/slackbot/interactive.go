package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// onInteractive handles modal submissions and button presses.
func (b *Bot) onInteractive(ctx context.Context, evt socketmode.Event, received time.Time) {
	cb, ok := evt.Data.(slack.InteractionCallback)
	if !ok {
		b.ack(ctx, evt.Request, received, nil)
		return
	}
	r := request{id: envelopeID(evt), user: cb.User.ID, start: received}
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		r.kind = "view_submission"
		b.onSubmit(ctx, evt.Request, cb, r)
	case slack.InteractionTypeBlockActions:
		b.ack(ctx, evt.Request, received, nil)
		if refused, note := b.limited(cb.User.ID); refused {
			if note {
				b.note(b.replyTo(cb), "rate_limited", saySlow)
			}
			r.kind = "action"
			b.done(r, "rate_limited", nil)
			return
		}
		for _, act := range cb.ActionCallback.BlockActions {
			r.kind = "action:" + actionName(act.ActionID)
			b.onAction(cb, act, r)
		}
	default:
		b.ack(ctx, evt.Request, received, nil)
	}
}

func actionName(id string) string {
	if strings.HasPrefix(id, blockkit.ActionTopicPrefix) {
		return strings.TrimSuffix(blockkit.ActionTopicPrefix, ":")
	}
	return id
}

// submission is what an assessment modal's state says.
type submission struct {
	answers advisor.Answers
	context string
}

// readSubmission validates a view's state as untrusted input: a missing
// answer or a value that is not an option is a *advisor.FieldError.
func readSubmission(state *slack.ViewState) (submission, error) {
	qs := advisor.Questions()
	values := make(map[advisor.Field]string, len(qs))
	for _, q := range qs {
		values[q.Field] = stateValue(state, string(q.Field))
	}
	a, err := advisor.ParseAnswers(values)
	if err != nil {
		return submission{}, err
	}
	return submission{answers: a, context: cleanQuestion(stateValue(state, blockkit.ContextBlockID))}, nil
}

// stateValue reads the input whose block and action ids are both id.
func stateValue(state *slack.ViewState, id string) string {
	if state == nil {
		return ""
	}
	action, ok := state.Values[id][id]
	if !ok {
		return ""
	}
	if action.SelectedOption.Value != "" {
		return action.SelectedOption.Value
	}
	return action.Value
}

// onSubmit validates the assessment. A bad answer is sent back to the modal
// in the ack ("errors" on that block); a good one closes the modal and the
// recommendation is posted after the ack.
func (b *Bot) onSubmit(ctx context.Context, req *socketmode.Request, cb slack.InteractionCallback, r request) {
	if cb.View.CallbackID != blockkit.AssessmentCallbackID {
		b.ack(ctx, req, r.start, nil)
		b.done(r, "unknown view", nil)
		return
	}
	sub, err := readSubmission(cb.View.State)
	if err != nil {
		var fe *advisor.FieldError
		if errors.As(err, &fe) && isQuestion(fe.Field) {
			b.ack(ctx, req, r.start, slack.NewErrorsViewSubmissionResponse(blockkit.FieldErrors(fe.Field, fe.Value == "")))
			b.done(r, "invalid answers", nil)
			return
		}
		b.ack(ctx, req, r.start, nil)
		b.done(r, "invalid state", err)
		return
	}
	meta, err := decodeModalMeta(cb.View.PrivateMetadata)
	if err != nil {
		// Tampered metadata: answer in the DM rather than anywhere else.
		meta = modalMeta{}
	}
	b.ack(ctx, req, r.start, nil)
	dest := destination{dmUser: cb.User.ID}
	if meta.ResponseURL != "" && b.urls.allowed(meta.ResponseURL) {
		dest = destination{responseURL: meta.ResponseURL}
	}
	queued := b.runLater(r, func(ctx context.Context) (string, error) {
		msg, role, err := b.recommend(sub.answers, advisor.DefaultMonths, sub.context, "")
		if err != nil {
			return "recommend failed", err
		}
		outcome := "recommendation:" + role
		err = b.post(ctx, dest, msg)
		if refusedResponseURL(dest, err) {
			// A response_url lasts 30 minutes and five posts, and an
			// assessment can take longer: the answers must not be lost.
			outcome += " via dm"
			err = b.post(ctx, destination{dmUser: cb.User.ID}, msg)
		}
		return outcome, err
	}, func(ctx context.Context) { _ = b.post(ctx, dest, blockkit.Note("error", saySorry)) })
	if !queued {
		b.note(dest, "busy", sayBusy)
	}
}

// refusedResponseURL reports whether a post to dest's response_url was
// answered with an HTTP error (expired, used up): Slack posted nothing, so
// posting elsewhere cannot post twice. A network error may come after Slack
// posted, so it does not count.
func refusedResponseURL(dest destination, err error) bool {
	var sc slack.StatusCodeError
	return dest.responseURL != "" && errors.As(err, &sc)
}

func isQuestion(f advisor.Field) bool {
	for _, q := range advisor.Questions() {
		if q.Field == f {
			return true
		}
	}
	return false
}

// recommend runs the engine and renders the result. sharedBy is set when
// the message is the channel copy.
func (b *Bot) recommend(a advisor.Answers, months int, userContext, sharedBy string) (blockkit.Message, string, error) {
	rec, err := advisor.Recommend(a, months)
	if err != nil {
		return blockkit.Message{}, "", fmt.Errorf("recommend: %w", err)
	}
	b.metrics.Recommended(string(rec.Role))
	reply := blockkit.RecommendationReply{Rec: rec, Answers: a, Context: userContext, SharedBy: sharedBy}
	if sharedBy == "" {
		reply.ShareValue = encodeShare(a, months)
	}
	return blockkit.Recommendation(reply), string(rec.Role), nil
}

// onAction handles one button press; the ack has been sent.
func (b *Bot) onAction(cb slack.InteractionCallback, act *slack.BlockAction, r request) {
	reply := b.replyTo(cb)
	sorry := func(ctx context.Context) { _ = b.post(ctx, reply, blockkit.Note("error", saySorry)) }
	later := func(work func(ctx context.Context) (string, error), sorry func(ctx context.Context)) {
		if !b.runLater(r, work, sorry) {
			b.note(reply, "busy", sayBusy)
		}
	}
	switch {
	case act.ActionID == blockkit.ActionStartAssessment || act.ActionID == blockkit.ActionStartOver:
		// A modal opened from a button answers in the DM (CONTRACT.md).
		later(func(ctx context.Context) (string, error) {
			return b.openAssessment(ctx, cb.TriggerID, modalMeta{}, reply)
		}, sorry)
	case act.ActionID == blockkit.ActionShare:
		later(func(ctx context.Context) (string, error) {
			a, months, err := decodeShare(act.Value)
			if err != nil {
				return "bad share value", b.post(ctx, reply, blockkit.Note("error", saySorry))
			}
			msg, role, err := b.recommend(a, months, "", cb.User.ID)
			if err != nil {
				return "recommend failed", err
			}
			if reply.responseURL == "" {
				return "no response_url", nil
			}
			share := reply
			share.inChannel = true
			return "shared:" + role, b.post(ctx, share, msg)
		}, sorry)
	case strings.HasPrefix(act.ActionID, blockkit.ActionTopicPrefix):
		later(func(ctx context.Context) (string, error) {
			e, ok := b.kb.Entry(act.Value)
			if !ok {
				return "unknown topic", b.post(ctx, reply, blockkit.Note("error", "That topic is no longer available. Try asking your question in your own words."))
			}
			msg, topic := b.answer(e.Question, false)
			return topic, b.post(ctx, reply, msg)
		}, sorry)
	case act.ActionID == blockkit.ActionHelpful || act.ActionID == blockkit.ActionNotHelpful:
		helpful := act.ActionID == blockkit.ActionHelpful
		b.metrics.FeedbackGiven(helpful)
		later(func(ctx context.Context) (string, error) {
			outcome := "not helpful"
			if helpful {
				outcome = "helpful"
			}
			return outcome + ":" + feedbackSubject(act.Value), b.post(ctx, reply, blockkit.FeedbackThanks(helpful))
		}, nil)
	default:
		b.done(r, "ignored", nil)
	}
}

// replyTo is where a reply to a button press goes: the message's
// response_url when there is one, else the user's DM (Home tab, modals).
func (b *Bot) replyTo(cb slack.InteractionCallback) destination {
	if cb.ResponseURL != "" && b.urls.allowed(cb.ResponseURL) {
		return destination{responseURL: cb.ResponseURL}
	}
	return destination{dmUser: cb.User.ID}
}

// feedbackSubject keeps only well-formed subjects ("faq:cost") for logs:
// button values come back from Slack and are not trusted.
func feedbackSubject(v string) string {
	if len(v) > 80 || strings.ContainsAny(v, " \n\t<>&") {
		return "unknown"
	}
	return v
}
