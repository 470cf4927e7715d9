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
