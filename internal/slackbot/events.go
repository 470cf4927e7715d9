package slackbot

import (
	"context"
	"fmt"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// onEvent handles Events API envelopes: mentions, DMs and the Home tab.
// The ack goes first; each event_id is handled at most once.
func (b *Bot) onEvent(ctx context.Context, evt socketmode.Event, received time.Time) {
	b.ack(ctx, evt.Request, received, nil)
	outer, ok := evt.Data.(slackevents.EventsAPIEvent)
	if !ok || outer.Type != slackevents.CallbackEvent {
		return
	}
	eventID := ""
	if cb, ok := outer.Data.(*slackevents.EventsAPICallbackEvent); ok {
		eventID = cb.EventID
	}
	r := request{id: eventID, start: received}
	var work func(ctx context.Context) (string, error)
	var dest destination
	switch ev := outer.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if ev.BotID != "" || ev.User == "" || ev.User == b.botUser {
			return
		}
		r.kind, r.user, r.text = "event:app_mention", ev.User, ev.Text
		// Answer in the mention's thread: its thread_ts if it is in one,
		// else its own ts starts a thread.
		thread := ev.ThreadTimeStamp
		if thread == "" {
			thread = ev.TimeStamp
		}
		dest = destination{channel: ev.Channel, threadTS: thread}
		work = b.questionWork(ev.Text, dest)
	case *slackevents.MessageEvent:
		// Only plain messages from people in the bot's DM: never the bot's
		// own, other bots', edits, deletions or other subtypes.
		if ev.ChannelType != "im" || ev.SubType != "" || ev.BotID != "" || ev.User == "" || ev.User == b.botUser {
			return
		}
		r.kind, r.user, r.text = "event:message.im", ev.User, ev.Text
		dest = destination{channel: ev.Channel}
		work = b.questionWork(ev.Text, dest)
	case *slackevents.AppHomeOpenedEvent:
		if ev.Tab != "home" || ev.User == "" {
			return
		}
		r.kind, r.user = "event:app_home_opened", ev.User
		work = func(ctx context.Context) (string, error) {
			// views.publish replaces the whole tab: safe to retry.
			view, err := blockkit.AppendHomeTabJSON(nil, blockkit.HomeTab(b.kb.Entries()))
			if err != nil {
				return "home not published", fmt.Errorf("encode the Home tab: %w", err)
			}
			_, err = b.send(ctx, "views.publish", true, jsonObject(nil).str("user_id", ev.User).raw("view", view).end())
			return "home published", err
		}
	default:
		return
	}
	if eventID != "" && !b.seen.first(eventID) {
		b.metrics.Duplicate()
		b.done(r, "duplicate", nil)
		return
	}
	// Notes about the user's own requests ("slow down", "busy") are for
	// them alone, not the whole thread.
	noteDest := dest
	if mention, ok := outer.InnerEvent.Data.(*slackevents.AppMentionEvent); ok {
		noteDest = destination{channel: mention.Channel, ephemeralFor: mention.User}
	}
	var sorry func(context.Context)
	if dest != (destination{}) {
		// Questions count against the user's rate limit; the Home tab
		// does not (Slack sends it whenever the tab is opened).
		if refused, note := b.limited(r.user); refused {
			if note {
				b.note(noteDest, "rate_limited", saySlow)
			}
			b.done(r, "rate_limited", nil)
			return
		}
		sorry = func(ctx context.Context) { _ = b.post(ctx, dest, blockkit.Note("error", saySorry)) }
	}
	if !b.runLater(r, work, sorry) {
		// Not handled: let a retry of this event be handled, and say so.
		b.seen.forget(eventID)
		b.note(noteDest, "busy", sayBusy)
	}
}

// questionWork answers a mention or DM at dest: the assessment button when
// the user asks for the assessment, else the best FAQ answer.
func (b *Bot) questionWork(text string, dest destination) func(ctx context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		q := cleanQuestion(stripMarkup(text))
		if q == "" || wantsAssessment(q) {
			return "start prompt", b.post(ctx, dest, blockkit.StartPrompt())
		}
		if w, _ := firstWord(q); w == "help" {
			return "help", b.post(ctx, dest, blockkit.Help())
		}
		msg, topic := b.answer(q, false)
		return topic, b.post(ctx, dest, msg)
	}
}
