package blockkit

import (
	"strconv"

	"github.com/slack-go/slack"
)

// Help is the short usage shown for `/fractional-advisor help`.
func Help() Message {
	text := "*Fractional Advisor* helps you choose between a fractional Chief AI Officer and a fractional CTO.\n" +
		"• `/fractional-advisor` — take the six-question assessment and get a recommendation\n" +
		"• `/fractional-advisor ask &lt;question&gt;` — ask anything about the two roles, privately\n" +
		"• Mention me in a channel to get an answer in the thread, or send me a direct message\n" +
		"• `/fractional-advisor watch` — in a channel, I answer the questions posted there in their threads (when I'm sure of the answer); `/fractional-advisor unwatch` stops it\n" +
		"• `/fractional-advisor forget me` — delete everything I keep about you\n" +
		"• `/fractional-advisor help` — this message"
	return Message{
		Text: "Fractional Advisor: /fractional-advisor for the assessment, /fractional-advisor ask &lt;question&gt; for answers.",
		Blocks: []slack.Block{
			section("help", text),
			actions("help_actions", button(ActionStartAssessment, "help", "Start the assessment").WithStyle(slack.StylePrimary)),
		},
	}
}

// StartPrompt offers the assessment where the bot cannot open a modal
// directly (mentions and DMs carry no trigger_id).
func StartPrompt() Message {
	text := "Happy to help you decide. The assessment is six quick questions; press the button to start."
	return Message{Text: text, Blocks: []slack.Block{
		section("start_prompt", text),
		actions("start_prompt_actions", button(ActionStartAssessment, "prompt", "Start the assessment").WithStyle(slack.StylePrimary)),
	}}
}

// Note is a one-line reply: an apology, a "busy, try again", a
// confirmation. text is the bot's own words, not user input.
func Note(blockID, text string) Message {
	return Message{Text: text, Blocks: []slack.Block{section(blockID, text)}}
}

// Forgotten confirms "forget me": what was deleted, and what was never kept.
func Forgotten(records int64) Message {
	text := "Done: I deleted everything I kept about you"
	switch records {
	case 0:
		text = "Done: I keep nothing about you"
	case 1:
		text += " (1 record)"
	default:
		text += " (" + strconv.FormatInt(records, 10) + " records)"
	}
	text += ": your questions, votes and assessments. I never keep your other messages or anything else."
	return Note("forgotten", text)
}

// Watching announces in a channel that the bot answers questions there
// now, naming who turned it on.
func Watching(user string) Message {
	text := "<@" + user + "> asked me to answer questions in this channel. When someone asks about fractional CAIOs or CTOs and I'm sure of the answer, I'll reply in the thread; otherwise I stay quiet. `/fractional-advisor unwatch` turns this off."
	return Note("watching", text)
}

// Unwatched announces that the bot stopped answering in a channel.
func Unwatched(user string) Message {
	return Note("unwatched", "<@"+user+"> turned off my answers in this channel. Mention me whenever you want one; `/fractional-advisor watch` turns them back on.")
}

// NotWatching says, privately, that unwatch had nothing to stop.
func NotWatching() Message {
	return Note("not_watching", "I'm not answering questions in this channel, so there was nothing to turn off.")
}

// InviteFirst explains, privately, why watch did nothing: the bot can
// only answer in a channel it is a member of. inDM is set when the
// command came from a direct message, where there is no channel to watch.
func InviteFirst(inDM bool) Message {
	text := "I can't answer questions here yet: I'm not a member of this channel. Invite me with `/invite @Fractional Advisor`, then run `/fractional-advisor watch` again. Nothing was changed."
	if inDM {
		text = "`watch` works in a channel: run `/fractional-advisor watch` in the channel where I should answer questions (invite me there first with `/invite @Fractional Advisor`). Nothing was changed."
	}
	return Note("invite_first", text)
}
