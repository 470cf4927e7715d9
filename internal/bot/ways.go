package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/slack"
	"go.uber.org/zap"
)

// The ways in beside the slash command, mentions and DMs (CONTRACT.md,
// "More ways in"): the same answers, the same limits and the same
// recording, from Slack's shortcut menu, a message's menu, the assistant
// panel and Workflow Builder.

// More surfaces a question can come from.
const (
	surfaceShortcut        = "shortcut"
	surfaceMessageShortcut = "message_shortcut"
	surfaceAssistant       = "assistant"
)

// onShortcut opens the question modal for the global shortcut. Its
// trigger_id lasts 3 s: when the modal cannot open, the user hears so in
// their DM rather than nothing.
func (b *Bot) onShortcut(req *slack.Request, sc *slack.Shortcut) {
	b.ack(req)
	r := newRequest(req, "", sc.UserID, "")
	if sc.CallbackID != blockkit.ShortcutAskAdvisor || sc.UserID == "" {
		b.done(r, "ignored", nil)
		return
	}
	dm := slack.Target{DMUser: sc.UserID}
	if refused, note := b.limited(sc.UserID); refused {
		if note {
			b.note(dm, "rate_limited", saySlow)
		}
		b.done(r, "rate_limited", nil)
		return
	}
	if !b.runSoon(r, func(ctx context.Context) (string, error) {
		if err := b.slack.OpenView(ctx, sc.TriggerID, blockkit.QuestionModal()); err != nil {
			return "views.open failed", errors.Join(err, b.slack.Post(ctx, dm, blockkit.ShortcutFailed()))
		}
		return "question modal opened", nil
	}, nil) {
		b.note(dm, "busy", sayBusy)
	}
}

// onQuestionSubmitted answers the question modal in the user's DM.
func (b *Bot) onQuestionSubmitted(req *slack.Request, sub *slack.Submission, r request) {
	r.kind = "view_submission:advisor_question"
	q := cleanQuestion(sub.Value(blockkit.QuestionBlockID, blockkit.QuestionBlockID))
	switch {
	case q == "":
		b.done(r, "invalid answers", req.AckErrors(blockkit.QuestionErrors(true)))
		return
	case utf8.RuneCountInString(q) > blockkit.MaxQuestionInput:
		b.done(r, "invalid answers", req.AckErrors(blockkit.QuestionErrors(false)))
		return
	}
	b.ack(req)
	dm := slack.Target{DMUser: sub.UserID}
	if refused, note := b.limited(sub.UserID); refused {
		if note {
			b.note(dm, "rate_limited", saySlow)
		}
		b.done(r, "rate_limited", nil)
		return
	}
	at := origin{surface: surfaceShortcut, user: sub.UserID}
	if !b.runLater(r, func(ctx context.Context) (string, error) {
		msg, res, ref := b.answer(q, true, at)
		err := b.slack.Post(ctx, dm, msg)
		b.rememberQuestion(at, sub.UserID, "", q, res, ref)
		return topic(res), err
	}, func(ctx context.Context) { _ = b.slack.Post(ctx, dm, blockkit.Note("error", saySorry)) }) {
		b.note(dm, "busy", sayBusy)
	}
}

// shareValue is what the share button under a message shortcut's answer
// carries: the question and the thread it may go to. Untrusted on return.
type shareValue struct {
	Question string `json:"q"`
	Channel  string `json:"c"`
	Thread   string `json:"t"`
}

func (v shareValue) encode() string {
	return fitButton(&v.Question, func() []byte {
		b, _ := json.Marshal(v) // strings only: cannot fail
		return b
	})
}

func decodeShareValue(s string) (shareValue, error) {
	var v shareValue
	if len(s) > blockkit.MaxButtonValue {
		return v, errors.New("share value too long")
	}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return v, fmt.Errorf("share value: %w", err)
	}
	if v.Question = cleanQuestion(v.Question); v.Question == "" || !isSlackID(v.Channel) || !isTS(v.Thread) {
		return v, errors.New("share value: bad question, channel or thread")
	}
	return v, nil
}

// onMessageShortcut answers a message's text privately, with a button to
// post the answer in its thread.
func (b *Bot) onMessageShortcut(req *slack.Request, ms *slack.MessageShortcut) {
	b.ack(req)
	r := newRequest(req, "", ms.UserID, ms.Text)
	if ms.CallbackID != blockkit.ShortcutAskAboutMessage || ms.UserID == "" {
		b.done(r, "ignored", nil)
		return
	}
	reply := slack.Target{ResponseURL: ms.ResponseURL}
	if ms.ResponseURL == "" {
		reply = slack.Target{DMUser: ms.UserID}
	}
	if refused, note := b.limited(ms.UserID); refused {
		if note {
			b.note(reply, "rate_limited", saySlow)
		}
		b.done(r, "rate_limited", nil)
		return
	}
	q := cleanQuestion(stripMarkup(ms.Text))
	// The text is someone else's message: kept only when it is a question
	// (CONTRACT.md: never messages that are not questions).
	record := faq.ReadsAsQuestion(q)
	if q == "" {
		b.note(reply, "nothing_to_read", blockkit.NothingToRead().Text)
		b.done(r, "nothing to read", nil)
		return
	}
	at := origin{surface: surfaceMessageShortcut, channel: ms.ChannelID, user: ms.UserID}
	if !b.runLater(r, func(ctx context.Context) (string, error) {
		msg, res, ref := b.answer(q, true, at)
		thread := ms.ThreadTS
		if thread == "" {
			thread = ms.MessageTS
		}
		if isSlackID(ms.ChannelID) && isTS(thread) {
			msg = blockkit.WithShare(msg, shareValue{Question: q, Channel: ms.ChannelID, Thread: thread}.encode())
		}
		err := b.slack.Post(ctx, reply, msg)
		if record {
			b.rememberQuestion(at, ms.UserID, ms.MessageTS, q, res, ref)
		}
		return topic(res), err
	}, func(ctx context.Context) { _ = b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)) }) {
		b.note(reply, "busy", sayBusy)
	}
}

// shareAnswer posts a message shortcut's answer in the message's thread,
// for everyone, or says privately why it cannot.
func (b *Bot) shareAnswer(ctx context.Context, ba *slack.BlockActions, value string, reply slack.Target) (string, error) {
	v, err := decodeShareValue(value)
	if err != nil {
		return "invalid", b.slack.Post(ctx, reply, blockkit.Note("error", saySorry))
	}
	// Slack says where the bot cannot post: a DM between other people, a
	// channel it is not in, an archived one.
	msg, res, _ := b.answer(v.Question, true, origin{})
	if err := b.slack.Post(ctx, slack.Target{Channel: v.Channel, ThreadTS: v.Thread}, msg); err != nil {
		switch slack.ErrorCode(err) {
		case "not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_reply_to_message":
			return "cannot post there", b.slack.Post(ctx, reply, blockkit.CannotPostThere())
		}
		return "share failed", errors.Join(err, b.slack.Post(ctx, reply, blockkit.Note("error", saySorry)))
	}
	return "shared:" + topic(res), nil
}

// Bounds of the assistant threads this replica remembers.
const (
	assistantThreads = 10000
	assistantTTL     = 24 * time.Hour
)

// onAssistantThread offers the suggested prompts in a new assistant
// thread, and remembers the thread: its messages get a status while the
// bot answers, and a title from the first question.
func (b *Bot) onAssistantThread(req *slack.Request, ev *slack.AssistantThread) {
	r := newRequest(req, ev.EventID, ev.UserID, "")
	if ev.UserID == "" || ev.ChannelID == "" || ev.ThreadTS == "" || !b.firstTime(r) {
		return
	}
	b.assistant.first(ev.ChannelID + "/" + ev.ThreadTS)
	prompts := make([]slack.Prompt, 0, 4)
	for _, p := range blockkit.AssistantPrompts() {
		prompts = append(prompts, slack.Prompt{Title: p.Title, Message: p.Message})
	}
	if !b.runLater(r, func(ctx context.Context) (string, error) {
		if err := b.slack.SetSuggestedPrompts(ctx, ev, prompts); err != nil {
			return "prompts not set", err
		}
		return "prompts set", nil
	}, nil) {
		b.seen.forget(r.id)
	}
}

// inAssistantThread wraps the answer to a message in a thread of the
// bot's DM, which may be an assistant thread (started on this replica or
// another, or before a restart): a status while it is written (cleared
// after), and the thread's title from its first question. Slack refuses
// both in an ordinary thread; that costs a call and is ignored.
func (b *Bot) inAssistantThread(ctx context.Context, at origin, question string, answer func() error) error {
	if at.thread == "" || at.surface != surfaceDM && at.surface != surfaceAssistant {
		return answer()
	}
	channel, thread, key := at.channel, at.thread, at.channel+"/"+at.thread
	if err := b.slack.SetStatus(ctx, channel, thread, blockkit.Thinking); err != nil {
		b.log.Debug("assistant status not set", zap.Error(err))
	}
	if question != "" && b.titled.first(key) {
		if err := b.slack.SetTitle(ctx, channel, thread, blockkit.Truncate(question, 60)); err != nil {
			b.log.Debug("assistant thread title not set", zap.Error(err))
		}
	}
	err := answer()
	if serr := b.slack.SetStatus(ctx, channel, thread, ""); serr != nil {
		b.log.Debug("assistant status not cleared", zap.Error(serr))
	}
	return err
}

// onFunction runs the Workflow Builder step: the engine on the step's
// inputs, its result as the step's outputs, or a readable error.
func (b *Bot) onFunction(req *slack.Request, fe *slack.FunctionExecuted) {
	r := newRequest(req, fe.EventID, "", "")
	if !b.firstTime(r) {
		return
	}
	if !b.runLater(r, func(ctx context.Context) (string, error) {
		if !b.claim(ctx, r.id) {
			b.metrics.Duplicate()
			return "duplicate", nil
		}
		defer b.complete(r.id)
		if fe.CallbackID != blockkit.FunctionRecommendRole {
			return "step failed", b.slack.FailFunction(ctx, fe, "Fractional Advisor has no step called "+clipText(fe.CallbackID, 40)+".")
		}
		answers, problem := stepAnswers(fe.Inputs)
		if problem != "" {
			return "step failed", b.slack.FailFunction(ctx, fe, problem)
		}
		rec, err := advisor.Recommend(answers, advisor.DefaultMonths)
		if err != nil {
			return "step failed", errors.Join(err, b.slack.FailFunction(ctx, fe, "Fractional Advisor could not make a recommendation from these inputs."))
		}
		b.metrics.Recommended(string(rec.Role))
		return "step completed", b.slack.CompleteFunction(ctx, fe, map[string]string{
			"recommendation": string(rec.Role),
			"confidence":     fmt.Sprintf("%.2f", rec.Confidence),
			"summary":        blockkit.StepSummary(rec),
		})
	}, func(ctx context.Context) { _ = b.slack.FailFunction(ctx, fe, sayStepFailed) }) {
		// Slack has its 200 and will not send the step again: end it.
		b.quick.submit(job{id: r.id, kind: "note", run: func(ctx context.Context) {
			if err := b.slack.FailFunction(ctx, fe, sayStepBusy); err != nil {
				b.log.Warn("workflow step not ended", zap.String("id", r.id), zap.Error(err))
			}
		}})
	}
}

// What a workflow's builder reads when the step could not run.
const (
	sayStepFailed = "Fractional Advisor hit an error on its side. Run the workflow again."
	sayStepBusy   = "Fractional Advisor is busy right now. Run the workflow again in a minute."
)

// stepAnswers reads the step's inputs as assessment answers. A problem
// is the message the workflow's builder sees: which input, and the values
// it takes.
func stepAnswers(inputs map[string]string) (advisor.Answers, string) {
	values := make(map[advisor.Field]string, len(advisor.Questions()))
	for _, q := range advisor.Questions() {
		values[q.Field] = inputs[string(q.Field)]
	}
	a, err := advisor.ParseAnswers(values)
	var fe *advisor.FieldError
	if err == nil {
		return a, ""
	}
	if !errors.As(err, &fe) {
		return a, "Fractional Advisor could not read these inputs."
	}
	var options []string
	for _, q := range advisor.Questions() {
		if q.Field == fe.Field {
			for _, o := range q.Options {
				options = append(options, o.Value)
			}
		}
	}
	what := "is missing"
	if fe.Value != "" {
		what = fmt.Sprintf("is %q, which is not one of its values", clipText(fe.Value, 40))
	}
	return a, fmt.Sprintf("The input %q %s: use one of %s.", fe.Field, what, strings.Join(options, ", "))
}

// clipText keeps a value from the wire short in a message.
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
