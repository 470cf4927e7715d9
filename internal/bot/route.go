package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/slack"
	"go.uber.org/zap"
)

// handle routes one request, as CONTRACT.md's "Slack surface" lists them.
// It runs on the adapter's dispatch goroutine: it acknowledges, answers in
// the ack what can be answered there, and queues the rest. A panic is
// recovered here, apologised for, and the next request is served.
func (b *Bot) handle(req *slack.Request) {
	defer func() {
		if v := recover(); v != nil {
			b.panicked(req.Event.Kind(), req.ID, v, debug.Stack())
			b.apologise(req)
		}
	}()
	switch ev := req.Event.(type) {
	case *slack.Command: // /fractional-advisor
		b.onCommand(req, ev)
	case *slack.Submission: // the assessment modal, submitted
		b.onSubmission(req, ev)
	case *slack.BlockActions: // buttons
		b.onActions(req, ev)
	case *slack.Mention: // answered in its thread
		b.onMention(req, ev)
	case *slack.Message: // a DM, answered in the DM
		b.onMessage(req, ev)
	case *slack.HomeOpened:
		b.onHomeOpened(req, ev)
	case *slack.Shortcut: // the shortcut menu
		b.onShortcut(req, ev)
	case *slack.MessageShortcut: // a message's menu
		b.onMessageShortcut(req, ev)
	case *slack.AssistantThread: // the assistant panel
		b.onAssistantThread(req, ev)
	case *slack.FunctionExecuted: // a Workflow Builder step
		b.onFunction(req, ev)
	}
}

// apologise tells the user, where a reply is possible, that their request
// failed: in the ack when it is still open, else where the answer would
// have gone.
func (b *Bot) apologise(req *slack.Request) {
	sorry := blockkit.Note("error", saySorry)
	var to slack.Target
	switch ev := req.Event.(type) {
	case *slack.Command:
		if !req.Acked() && req.AckReply(sorry) == nil {
			return
		}
		to = slack.Target{ResponseURL: ev.ResponseURL}
	case *slack.Submission:
		to = slack.Target{DMUser: ev.UserID}
	case *slack.BlockActions:
		to = slack.Target{DMUser: ev.UserID}
		if ev.ResponseURL != "" {
			to = slack.Target{ResponseURL: ev.ResponseURL}
		}
	case *slack.Mention:
		to = slack.Target{Channel: ev.ChannelID, EphemeralFor: ev.UserID}
	case *slack.Message:
		to = slack.Target{Channel: ev.ChannelID}
	case *slack.Shortcut:
		to = slack.Target{DMUser: ev.UserID}
	case *slack.MessageShortcut:
		to = slack.Target{DMUser: ev.UserID}
		if ev.ResponseURL != "" {
			to = slack.Target{ResponseURL: ev.ResponseURL}
		}
	}
	b.ack(req)
	b.note(to, "error", saySorry)
}

// onCommand routes /fractional-advisor by the first word of its text.
func (b *Bot) onCommand(req *slack.Request, cmd *slack.Command) {
	r := newRequest(req, "", cmd.UserID, cmd.Text)
	if cmd.UserID == "" {
		// Slack always says who typed it; without a user there is no one
		// to answer.
		b.ack(req)
		b.done(r, "invalid", nil)
		return
	}
	if refused, note := b.limited(cmd.UserID); refused {
		if note {
			b.ackReply(req, cmd, r, blockkit.Message{Text: saySlow}, "rate_limited")
		} else {
			b.ack(req)
			b.done(r, "rate_limited", nil)
		}
		return
	}
	route, question := commandRoute(cmd.Text)
	r.kind = "command:" + route
	switch route {
	case routeAssess:
		meta := modalMeta{ResponseURL: cmd.ResponseURL, ChannelID: cmd.ChannelID}
		queued := b.runSoon(r, func(ctx context.Context) (string, error) {
			return b.openAssessment(ctx, cmd.TriggerID, meta, slack.Target{ResponseURL: cmd.ResponseURL})
		}, nil)
		if !queued {
			_ = req.AckReply(blockkit.Message{Text: sayBusy})
			return
		}
		b.ack(req)
	case routeHelp:
		b.ackReply(req, cmd, r, blockkit.Help(), "help")
	case routeForget:
		b.ack(req)
		to := slack.Target{ResponseURL: cmd.ResponseURL}
		queued := b.runLater(r, func(ctx context.Context) (string, error) {
			n, err := b.forget(ctx, cmd.UserID)
			if err != nil {
				return "forget failed", errors.Join(err, b.slack.Post(ctx, to, blockkit.Note("forget_failed", sayNotForgotten)))
			}
			return "forgotten", b.slack.Post(ctx, to, blockkit.Forgotten(n))
		}, nil)
		if !queued {
			b.note(to, "busy", sayBusy)
		}
	case routeWatch, routeUnwatch:
		b.ack(req)
		to := slack.Target{ResponseURL: cmd.ResponseURL}
		queued := b.runLater(r, func(ctx context.Context) (string, error) {
			return b.setWatch(ctx, cmd, route == routeWatch)
		}, func(ctx context.Context) { _ = b.slack.Post(ctx, to, blockkit.Note("error", saySorry)) })
		if !queued {
			b.note(to, "busy", sayBusy)
		}
	default:
		// Asked privately: an expert's answer would go to the DM.
		at := origin{surface: surfaceSlash, channel: cmd.ChannelID, user: cmd.UserID}
		msg, res, ref := b.answer(question, true, at)
		b.rememberQuestion(at, cmd.UserID, "", question, res, ref)
		b.ackReply(req, cmd, r, msg, topic(res))
	}
}

// ackReply answers a command privately in its ack when the reply fits
// there (no Web API call at all), and through the response_url when it
// does not, or when the ack could not be sent: an ack that failed was
// never delivered, so the reply cannot arrive twice. outcome names what
// was sent, for the log ("faq:cost", "help").
func (b *Bot) ackReply(req *slack.Request, cmd *slack.Command, r request, msg blockkit.Message, outcome string) {
	err := req.AckReply(msg)
	if err == nil {
		b.done(r, outcome, nil)
		return
	}
	tooLarge := errors.Is(err, slack.ErrAckTooLarge)
	queued := b.runLater(r, func(ctx context.Context) (string, error) {
		return outcome, b.slack.Post(ctx, slack.Target{ResponseURL: cmd.ResponseURL}, msg)
	}, nil)
	if !tooLarge {
		return // the ack was tried already: nothing more can go on it
	}
	if !queued {
		_ = req.AckReply(blockkit.Message{Text: sayBusy})
		return
	}
	b.ack(req)
}

// onMention answers an @mention in its thread: the mention's thread when
// it is in one, else a new thread under it. An edited mention was answered
// when it was first sent.
func (b *Bot) onMention(req *slack.Request, ev *slack.Mention) {
	if ev.Edited || ev.BotID != "" || ev.UserID == "" || ev.UserID == b.slack.BotUserID() {
		return
	}
	thread := ev.ThreadTS
	if thread == "" {
		thread = ev.TS
	}
	// Notes about the asker's own requests ("slow down", "busy") are for
	// them alone, not the whole thread.
	b.question(newRequest(req, ev.EventID, ev.UserID, ev.Text), origin{surface: surfaceMention, channel: ev.ChannelID, thread: thread, user: ev.UserID},
		ev.TS, ev.Text, slack.Target{Channel: ev.ChannelID, ThreadTS: thread},
		slack.Target{Channel: ev.ChannelID, EphemeralFor: ev.UserID})
}

// onMessage answers a direct message in the DM, and a question in a
// watched channel in its thread. Only plain messages from people count:
// never the bot's own, other bots', edits or other subtypes. A deleted
// message takes its recorded question with it.
func (b *Bot) onMessage(req *slack.Request, ev *slack.Message) {
	if ev.SubType == "message_deleted" {
		if b.rec != nil && ev.DeletedTS != "" && ev.ChannelID != "" {
			_ = b.rec.DeleteQuestion(ev.ChannelID, ev.DeletedTS) // a deletion that cannot be queued is counted by the recorder
		}
		return
	}
	if ev.SubType != "" || ev.BotID != "" || ev.UserID == "" || ev.UserID == b.slack.BotUserID() {
		return
	}
	switch ev.ChannelType {
	case "im":
		// A DM in a thread (the assistant panel's, or any) is answered in
		// that thread.
		dm := slack.Target{Channel: ev.ChannelID, ThreadTS: ev.ThreadTS}
		at := origin{surface: surfaceDM, channel: ev.ChannelID, thread: ev.ThreadTS, user: ev.UserID}
		if b.assistant.has(ev.ChannelID + "/" + ev.ThreadTS) {
			at.surface = surfaceAssistant
		}
		b.question(newRequest(req, ev.EventID, ev.UserID, ev.Text), at, ev.TS, ev.Text, dm, dm)
	case "channel", "group":
		b.onChannelMessage(req, ev)
	}
}

// onChannelMessage answers a question posted in a watched channel, in its
// thread, when it has a confident answer (CONTRACT.md, "Channels"). A
// question without one gets no post and is recorded as unanswered;
// anything else is neither answered nor recorded. A message that
// mentions the bot is answered as its app_mention.
func (b *Bot) onChannelMessage(req *slack.Request, ev *slack.Message) {
	// The cheap checks first: most messages in most channels stop there.
	var skip, q string
	switch {
	case ev.ThreadTS != "":
		skip = "in a thread"
	case !b.watching(ev.ChannelID):
		skip = "not watched"
	case mentionsBot(ev.Text, b.slack.BotUserID()):
		skip = "a mention"
	default:
		if q = cleanQuestion(stripMarkup(ev.Text)); !faq.ReadsAsQuestion(q) {
			skip = "not a question"
		}
	}
	if skip != "" {
		b.log.Debug("channel message left alone", zap.String("id", ev.EventID), zap.String("channel", ev.ChannelID), zap.String("why", skip))
		return
	}
	r := newRequest(req, ev.EventID, ev.UserID, ev.Text)
	if !b.firstTime(r) {
		return
	}
	// Nobody asked the bot anything: a busy or rate-limited answer is
	// skipped silently rather than explained to the whole channel.
	if refused, _ := b.limited(ev.UserID); refused {
		b.done(r, "rate_limited", nil)
		return
	}
	at := origin{surface: surfaceChannel, channel: ev.ChannelID, thread: ev.TS, user: ev.UserID}
	queued := b.runLater(r, func(ctx context.Context) (string, error) {
		if !b.claim(ctx, r.id) {
			b.metrics.Duplicate()
			return "duplicate", nil
		}
		defer b.complete(r.id)
		msg, res, ref := b.answer(q, false, at)
		if res.Match == nil {
			b.rememberQuestion(at, ev.UserID, ev.TS, q, res, "")
			return "unanswered", nil
		}
		err := b.slack.Post(ctx, slack.Target{Channel: ev.ChannelID, ThreadTS: ev.TS}, msg)
		b.rememberQuestion(at, ev.UserID, ev.TS, q, res, ref)
		return topic(res), err
	}, nil)
	if !queued {
		b.seen.forget(r.id)
	}
}

// question answers a mention or a DM at to, once per event id (in this
// process first, then across replicas through the store's claim); notes
// for the asker go to noteTo.
func (b *Bot) question(r request, at origin, ts, text string, to, noteTo slack.Target) {
	if !b.firstTime(r) {
		return
	}
	if refused, note := b.limited(r.user); refused {
		if note {
			b.note(noteTo, "rate_limited", saySlow)
		}
		b.done(r, "rate_limited", nil)
		return
	}
	work := func(ctx context.Context) (string, error) {
		if !b.claim(ctx, r.id) {
			b.metrics.Duplicate()
			return "duplicate", nil
		}
		defer b.complete(r.id)
		q := cleanQuestion(stripMarkup(text))
		if q == "" || wantsAssessment(q) {
			return "start prompt", b.inAssistantThread(ctx, at, "", func() error { return b.slack.Post(ctx, to, blockkit.StartPrompt()) }) // no title: not a question
		}
		if w, _ := firstWord(q); w == "help" {
			return "help", b.inAssistantThread(ctx, at, "", func() error { return b.slack.Post(ctx, to, blockkit.Help()) })
		}
		msg, res, ref := b.answer(q, false, at)
		err := b.inAssistantThread(ctx, at, q, func() error { return b.slack.Post(ctx, to, msg) })
		b.rememberQuestion(at, r.user, ts, q, res, ref)
		return topic(res), err
	}
	sorry := func(ctx context.Context) { _ = b.slack.Post(ctx, to, blockkit.Note("error", saySorry)) }
	if !b.runLater(r, work, sorry) {
		// Not handled: say so, and let a second delivery of this event
		// be answered (Slack sends one when it did not get the ack).
		b.seen.forget(r.id)
		b.note(noteTo, "busy", sayBusy)
	}
}

// onHomeOpened publishes the Home tab.
func (b *Bot) onHomeOpened(req *slack.Request, ev *slack.HomeOpened) {
	if ev.Tab != "home" || ev.UserID == "" {
		return
	}
	r := newRequest(req, ev.EventID, ev.UserID, "")
	if !b.firstTime(r) {
		return
	}
	// Slack sends this whenever the tab is opened, and each costs a
	// views.publish: limited like everything else, without a note.
	if refused, _ := b.limited(ev.UserID); refused {
		b.done(r, "rate_limited", nil)
		return
	}
	queued := b.runLater(r, func(ctx context.Context) (string, error) {
		if !b.claim(ctx, r.id) {
			b.metrics.Duplicate()
			return "duplicate", nil
		}
		defer b.complete(r.id)
		if err := b.slack.Publish(ctx, ev.UserID, blockkit.HomeTab(b.home(ctx, ev.UserID))); err != nil {
			return "home not published", err
		}
		return "home published", nil
	}, nil)
	if !queued {
		b.seen.forget(r.id)
	}
}

// onSubmission validates the assessment. A bad answer goes back to the
// modal in the ack (errors beside that input); a good one closes the modal,
// and the recommendation is posted after the ack.
func (b *Bot) onSubmission(req *slack.Request, sub *slack.Submission) {
	r := newRequest(req, "", sub.UserID, "")
	switch sub.CallbackID {
	case blockkit.AssessmentCallbackID:
	case blockkit.ExpertAnswerCallbackID:
		b.onExpertAnswer(req, sub, r)
		return
	case blockkit.QuestionCallbackID:
		b.onQuestionSubmitted(req, sub, r)
		return
	default:
		b.ack(req)
		b.done(r, "unknown view", nil)
		return
	}
	answers, userContext, err := readSubmission(sub)
	if err != nil {
		var fe *advisor.FieldError
		if errors.As(err, &fe) && isQuestion(fe.Field) {
			if err := req.AckErrors(blockkit.FieldErrors(fe.Field, fe.Value == "")); err != nil {
				b.done(r, "invalid answers", err)
				return
			}
			b.done(r, "invalid answers", nil)
			return
		}
		// The modal closes: say so where the user will see it.
		b.ack(req)
		b.note(slack.Target{DMUser: sub.UserID}, "error", saySorry)
		b.done(r, "invalid state", err)
		return
	}
	meta, err := decodeModalMeta(sub.PrivateMetadata)
	if err != nil {
		meta = modalMeta{} // tampered with: answer in the DM rather than anywhere else
	}
	b.ack(req)
	dm := slack.Target{DMUser: sub.UserID}
	to := dm
	if meta.ResponseURL != "" {
		to = slack.Target{ResponseURL: meta.ResponseURL}
	}
	queued := b.runLater(r, func(ctx context.Context) (string, error) {
		msg, rec, err := b.recommend(answers, advisor.DefaultMonths, userContext, "")
		if err != nil {
			return "recommend failed", err
		}
		b.rememberAssessment(sub.UserID, answers, advisor.DefaultMonths, rec)
		outcome := "recommendation:" + string(rec.Role)
		err = b.slack.Post(ctx, to, msg)
		if to.ResponseURL != "" && slack.Refused(err) {
			// A response_url lasts 30 minutes and five posts, and an
			// assessment can take longer: the answers must not be lost.
			outcome += " via dm"
			err = b.slack.Post(ctx, dm, msg)
		}
		return outcome, err
	}, func(ctx context.Context) { _ = b.slack.Post(ctx, to, blockkit.Note("error", saySorry)) })
	if !queued {
		b.note(to, "busy", sayBusy)
	}
}

// onExpertAnswer takes an expert's answer to a hand-off: a bad answer goes
// back to the modal; a good one closes it, and is delivered after the ack.
func (b *Bot) onExpertAnswer(req *slack.Request, sub *slack.Submission, r request) {
	r.kind = "view_submission:expert_answer"
	answer, errs := readExpertAnswer(sub)
	if errs != nil {
		b.done(r, "invalid answers", req.AckErrors(errs))
		return
	}
	b.ack(req)
	id := sub.PrivateMetadata
	if !handoffPattern.MatchString(id) || !b.handoffOn() {
		b.note(slack.Target{DMUser: sub.UserID}, "error", saySorry)
		b.done(r, "invalid state", nil)
		return
	}
	save := slices.Contains(sub.Selected(blockkit.SaveAsFAQBlockID, blockkit.SaveAsFAQBlockID), blockkit.SaveAsFAQValue)
	dm := slack.Target{DMUser: sub.UserID}
	queued := b.runLater(r, func(ctx context.Context) (string, error) {
		return b.answerHandoff(ctx, sub.UserID, id, answer, save)
	}, func(ctx context.Context) { _ = b.slack.Post(ctx, dm, blockkit.Note("error", saySorry)) })
	if !queued {
		b.note(dm, "busy", "I'm a bit busy right now, so your answer was not sent. Please press Answer again in a moment.")
	}
}

// onActions handles button presses; the ack goes first.
func (b *Bot) onActions(req *slack.Request, ba *slack.BlockActions) {
	b.ack(req)
	r := newRequest(req, "", ba.UserID, "")
	// A reply goes to the message's response_url when there is one, else
	// to the user's DM (Home tab, modals).
	reply := slack.Target{DMUser: ba.UserID}
	if ba.ResponseURL != "" {
		reply = slack.Target{ResponseURL: ba.ResponseURL}
	}
	if refused, note := b.limited(ba.UserID); refused {
		if note {
			b.note(reply, "rate_limited", saySlow)
		}
		b.done(r, "rate_limited", nil)
		return
	}
	for _, act := range ba.Actions {
		r.kind = "action:" + actionName(act.ActionID)
		b.onAction(ba, act, reply, r)
	}
}

// onAction handles one button press.
func (b *Bot) onAction(ba *slack.BlockActions, act slack.Action, reply slack.Target, r request) {
	sorry := func(ctx context.Context) { _ = b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)) }
	later := func(work func(ctx context.Context) (string, error), sorry func(ctx context.Context)) {
		if !b.runLater(r, work, sorry) {
			b.note(reply, "busy", sayBusy)
		}
	}
	switch {
	case act.ActionID == blockkit.ActionStartAssessment || act.ActionID == blockkit.ActionStartOver:
		// A modal opened from a button answers in the DM (CONTRACT.md).
		if !b.runSoon(r, func(ctx context.Context) (string, error) {
			return b.openAssessment(ctx, ba.TriggerID, modalMeta{}, reply)
		}, sorry) {
			b.note(reply, "busy", sayBusy)
		}
	case act.ActionID == blockkit.ActionShare:
		later(func(ctx context.Context) (string, error) {
			a, months, err := decodeShare(act.Value)
			if err != nil {
				return "bad share value", b.slack.Post(ctx, reply, blockkit.Note("error", saySorry))
			}
			msg, rec, err := b.recommend(a, months, "", ba.UserID)
			if err != nil {
				return "recommend failed", err
			}
			if reply.ResponseURL == "" {
				return "no response_url", nil
			}
			share := reply
			share.InChannel = true
			return "shared:" + string(rec.Role), b.slack.Post(ctx, share, msg)
		}, sorry)
	case act.ActionID == blockkit.ActionShowAssessment:
		// A past recommendation from the Home tab, shown again in the DM.
		later(func(ctx context.Context) (string, error) {
			a, months, err := decodeShare(act.Value)
			if err != nil {
				return "bad share value", b.slack.Post(ctx, reply, blockkit.Note("error", saySorry))
			}
			msg, rec, err := b.recommend(a, months, "", "")
			if err != nil {
				return "recommend failed", err
			}
			return "recommendation:" + string(rec.Role), b.slack.Post(ctx, reply, msg)
		}, sorry)
	case strings.HasPrefix(act.ActionID, blockkit.ActionTopicPrefix):
		later(func(ctx context.Context) (string, error) {
			e, ok := b.kb.Entry(act.Value)
			if !ok {
				return "unknown topic", b.slack.Post(ctx, reply, blockkit.Note("error", "That topic is no longer available. Try asking your question in your own words."))
			}
			msg, res, _ := b.answer(e.Question, false, origin{})
			return topic(res), b.slack.Post(ctx, reply, msg)
		}, sorry)
	case act.ActionID == blockkit.ActionHelpful || act.ActionID == blockkit.ActionNotHelpful:
		helpful := act.ActionID == blockkit.ActionHelpful
		b.metrics.FeedbackGiven(helpful)
		b.rememberVote(ba.UserID, ba.ChannelID, ba.MessageTS, feedbackSubject(act.Value), helpful)
		outcome := "not helpful"
		if helpful {
			outcome = "helpful"
		}
		later(func(ctx context.Context) (string, error) {
			var ask string
			if !helpful {
				ask = b.askFromVote(ctx, act)
			}
			return outcome + ":" + feedbackSubject(act.Value), b.slack.Post(ctx, reply, blockkit.FeedbackThanks(helpful, ask))
		}, nil)
	case act.ActionID == blockkit.ActionAskExpert:
		later(func(ctx context.Context) (string, error) { return b.askExpert(ctx, ba, act.Value, reply) }, sorry)
	case act.ActionID == blockkit.ActionEscalationAnswer:
		// The modal needs the trigger_id within 3 s: not behind answers.
		if !b.runSoon(r, func(ctx context.Context) (string, error) { return b.openExpertAnswer(ctx, ba, act.Value, reply) }, sorry) {
			b.note(reply, "busy", sayBusy)
		}
	case act.ActionID == blockkit.ActionEscalationResolve:
		later(func(ctx context.Context) (string, error) { return b.resolveHandoff(ctx, ba, act.Value, reply) }, sorry)
	case act.ActionID == blockkit.ActionShareAnswer:
		later(func(ctx context.Context) (string, error) { return b.shareAnswer(ctx, ba, act.Value, reply) }, sorry)
	case act.ActionID == blockkit.ActionRetractLearned:
		later(func(ctx context.Context) (string, error) { return b.retract(ctx, ba.UserID, act.Value) }, sorry)
	default:
		b.done(r, "ignored", nil)
	}
}

// openAssessment opens the modal; meta says where its answer goes. If the
// modal cannot be opened, the user is told at fallback.
func (b *Bot) openAssessment(ctx context.Context, triggerID string, meta modalMeta, fallback slack.Target) (string, error) {
	if err := b.slack.OpenView(ctx, triggerID, blockkit.AssessmentModal(meta.encode())); err != nil {
		if !fallback.IsZero() {
			_ = b.slack.Post(ctx, fallback, blockkit.Note("modal_failed", sayNoModal))
		}
		return "views.open failed", err
	}
	return "modal opened", nil
}

// origin is where a question was asked: the surface, the channel, and the
// thread its answer goes to (if any). The zero origin is a question the
// bot asks itself (a related topic's button).
type origin struct {
	surface, channel, thread string
	user                     string // who asked
}

// answer finds the best answer to question and renders it. With the
// hand-off on, a question from a user gets a reference for its vote
// buttons (returned, for the record) and, without a confident answer, a
// button that sends it to the experts.
func (b *Bot) answer(question string, echo bool, at origin) (blockkit.Message, faq.Result, string) {
	res := b.search.Search(question)
	b.metrics.Answered(res.Match != nil)
	reply := blockkit.FAQReply{Question: question, Echo: echo, Result: res}
	if res.Match != nil {
		for _, id := range res.Match.Entry.Related {
			if e, ok := b.kb.Entry(id); ok {
				reply.Related = append(reply.Related, e)
			}
		}
	}
	if b.handoffOn() && at.surface != "" {
		reply.Ref = newRef()
		if res.Match == nil {
			reply.AskExpert = encodeAsk(askRequest{Question: question, User: at.user, Surface: at.surface, Channel: at.channel,
				Thread: at.thread, Guesses: guessIDs(res)})
		}
	}
	return blockkit.FAQAnswer(reply), res, reply.Ref
}

// topic names an answer for logs: "faq:ID" or "faq:none".
func topic(res faq.Result) string {
	if res.Match == nil {
		return blockkit.FAQNoneBlockID
	}
	return blockkit.FAQBlockPrefix + res.Match.Entry.ID
}

// recommend runs the engine and renders the result. sharedBy is set when
// the message is the channel copy.
func (b *Bot) recommend(a advisor.Answers, months int, userContext, sharedBy string) (blockkit.Message, advisor.Recommendation, error) {
	rec, err := advisor.Recommend(a, months)
	if err != nil {
		return blockkit.Message{}, rec, fmt.Errorf("recommend: %w", err)
	}
	b.metrics.Recommended(string(rec.Role))
	reply := blockkit.RecommendationReply{Rec: rec, Answers: a, Context: userContext, SharedBy: sharedBy}
	if sharedBy == "" {
		reply.ShareValue = encodeShare(a, months)
	}
	return blockkit.Recommendation(reply), rec, nil
}

// readSubmission validates a modal's state as untrusted input: a missing
// answer or a value that is not an option is a *advisor.FieldError.
func readSubmission(sub *slack.Submission) (advisor.Answers, string, error) {
	qs := advisor.Questions()
	values := make(map[advisor.Field]string, len(qs))
	for _, q := range qs {
		values[q.Field] = sub.Value(string(q.Field), string(q.Field))
	}
	a, err := advisor.ParseAnswers(values)
	if err != nil {
		return advisor.Answers{}, "", err
	}
	return a, cleanQuestion(sub.Value(blockkit.ContextBlockID, blockkit.ContextBlockID)), nil
}

func isQuestion(f advisor.Field) bool {
	for _, q := range advisor.Questions() {
		if q.Field == f {
			return true
		}
	}
	return false
}

func actionName(id string) string {
	if strings.HasPrefix(id, blockkit.ActionTopicPrefix) {
		return strings.TrimSuffix(blockkit.ActionTopicPrefix, ":")
	}
	return id
}

// feedbackSubject keeps only well-formed subjects ("faq:cost") for logs:
// button values come back from Slack and are not trusted.
func feedbackSubject(v string) string {
	if len(v) > 80 || strings.ContainsAny(v, " \n\t<>&") {
		return "unknown"
	}
	return v
}
