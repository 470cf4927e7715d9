package blockkit

import (
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/slack-go/slack"
)

// HomeTab is the app's Home tab: what the bot does, the way into the
// assessment, and every FAQ topic with a button to read it.
func HomeTab(topics []*faq.Entry) slack.HomeTabViewRequest {
	blocks := []slack.Block{
		header("Fractional Advisor"),
		section("home_intro", "I help you decide whether to bring in a *fractional Chief AI Officer*, a *fractional CTO*, both, or one after the other, and I answer questions about both roles.\n"+
			"Take the six-question assessment for a recommendation with reasons, cost and next steps. It takes about a minute."),
		actions("home_actions", button(ActionStartAssessment, "home", "Start the assessment").WithStyle(slack.StylePrimary)),
		contextText("home_usage", "Anywhere in Slack: `/fractional-advisor` for the assessment, `/fractional-advisor ask &lt;question&gt;` for a private answer, or mention me in a channel. You can also message me here."),
		slack.NewDividerBlock(),
		section("home_topics", "*Questions I can answer*"),
	}
	// Leave room under Slack's 100-block limit for a view.
	room := MaxViewBlocks - len(blocks)
	for i, t := range topics {
		if i == room {
			break
		}
		s := section("topic:"+t.ID, t.Question)
		s.Accessory = slack.NewAccessory(button(ActionTopicPrefix+t.ID, t.ID, "Answer"))
		blocks = append(blocks, s)
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}
