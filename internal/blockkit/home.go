package blockkit

import (
	"fmt"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/slack-go/slack"
)

// Home is what the Home tab shows one user.
type Home struct {
	Topics []*faq.Entry
	// Recent are the user's last recommendations, newest first.
	Recent []PastRecommendation
	// Insights is set for admins only.
	Insights *store.Insights
	// Forgetful says the store could not be read just now: the sections
	// that need it say so rather than look empty.
	Forgetful bool
	// Admin is set for ADVISOR_ADMINS: they see the watched channels and
	// the learned answers, with a button to retract each.
	Admin   bool
	Watched []store.Watch
	Learned []*faq.Entry
}

// PastRecommendation is one recommendation the user got, with the value of
// the button that shows it again.
type PastRecommendation struct {
	At         time.Time
	Role       advisor.Role
	Confidence float64
	Value      string
}

// HomeTab is the app's Home tab: what the bot does, the way into the
// assessment, the user's last recommendations, insights for admins, and
// every FAQ topic with a button to read it.
func HomeTab(h Home) slack.HomeTabViewRequest {
	blocks := []slack.Block{
		header("Fractional Advisor"),
		section("home_intro", "I help you decide whether to bring in a *fractional Chief AI Officer*, a *fractional CTO*, both, or one after the other, and I answer questions about both roles.\n"+
			"Take the six-question assessment for a recommendation with reasons, cost and next steps. It takes about a minute."),
		actions("home_actions", button(ActionStartAssessment, "home", "Start the assessment").WithStyle(slack.StylePrimary)),
		contextText("home_usage", "Anywhere in Slack: `/fractional-advisor` for the assessment, `/fractional-advisor ask &lt;question&gt;` for a private answer, or mention me in a channel. You can also message me here."),
		slack.NewDividerBlock(),
	}
	blocks = append(blocks, myAssessments(h)...)
	if h.Insights != nil {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, insights(*h.Insights)...)
	}
	if h.Admin {
		blocks = append(blocks, slack.NewDividerBlock())
		blocks = append(blocks, loop(h)...)
	}
	blocks = append(blocks, slack.NewDividerBlock(), section("home_topics", "*Questions I can answer*"))
	// Leave room under Slack's 100-block limit for a view.
	room := MaxViewBlocks - len(blocks)
	for i, t := range h.Topics {
		if i == room {
			break
		}
		s := section("topic:"+t.ID, t.Question)
		s.Accessory = slack.NewAccessory(button(ActionTopicPrefix+t.ID, t.ID, "Answer"))
		blocks = append(blocks, s)
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// MyAssessmentsBlockID heads the user's last recommendations (contract).
const MyAssessmentsBlockID = "my_assessments"

func myAssessments(h Home) []slack.Block {
	text := "*Your last recommendations*"
	switch {
	case h.Forgetful:
		text += "\nI can't look them up just now. Please try again in a moment."
	case len(h.Recent) == 0:
		text += "\nNone yet: take the assessment and your recommendations will be listed here."
	}
	blocks := []slack.Block{section(MyAssessmentsBlockID, text)}
	for i, r := range h.Recent {
		s := section(fmt.Sprintf("my_assessment:%d", i+1), fmt.Sprintf("%s · %s, %s confidence",
			r.At.UTC().Format("2 Jan 2006"), RoleTitle(r.Role), percent(r.Confidence)))
		s.Accessory = slack.NewAccessory(button(ActionShowAssessment, r.Value, "See it again"))
		blocks = append(blocks, s)
	}
	return blocks
}

// InsightsBlockID holds the admins' insights (contract).
const InsightsBlockID = "insights"

// insights renders the week's figures: questions by surface and the share
// unanswered, recommendations by role, open hand-offs, votes worst first,
// and the questions asked most often without an answer.
func insights(in store.Insights) []slack.Block {
	var b strings.Builder
	fmt.Fprintf(&b, "*Insights, since %s*\n", in.Since.UTC().Format("2 Jan 2006"))
	fmt.Fprintf(&b, "• %s (%s), *%s* without an answer\n", count(in.Questions, "question"), counts(in.BySurface, surfaceName), percent(in.UnansweredShare()))
	fmt.Fprintf(&b, "• %s (%s)\n", count(total(in.Recommendations), "recommendation"), counts(in.Recommendations, func(k string) string { return RoleTitle(advisor.Role(k)) }))
	fmt.Fprintf(&b, "• %s to experts waiting", count(in.OpenHandoffs, "hand-off"))
	blocks := []slack.Block{section(InsightsBlockID, b.String())}

	b.Reset()
	b.WriteString("*Votes, worst first*")
	if len(in.Votes) == 0 {
		b.WriteString("\nNo votes yet.")
	}
	for i, v := range in.Votes {
		if i == 10 {
			break
		}
		fmt.Fprintf(&b, "\n• `%s`: %d 👍 %d 👎", Escape(v.Subject), v.Helpful, v.NotHelpful)
	}
	blocks = append(blocks, section("insights_votes", b.String()))

	b.Reset()
	b.WriteString("*Asked most, answered never*")
	if len(in.TopUnanswered) == 0 {
		b.WriteString("\nEvery question found an answer.")
	}
	for _, q := range in.TopUnanswered {
		fmt.Fprintf(&b, "\n• %s (%d×)", UserText(q.Key, 200), q.N)
	}
	blocks = append(blocks, section("insights_unanswered", b.String()))
	return blocks
}

func total(cs []store.Count) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}

// counts lists counts as "name n, name n", or "none".
func counts(cs []store.Count, name func(string) string) string {
	if len(cs) == 0 {
		return "none"
	}
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		parts = append(parts, fmt.Sprintf("%s %d", name(Escape(c.Key)), c.N))
	}
	return strings.Join(parts, ", ")
}

func surfaceName(s string) string {
	switch s {
	case "slash":
		return "slash command"
	case "dm":
		return "direct message"
	case "message_shortcut":
		return "message shortcut"
	case "assistant":
		return "assistant panel"
	}
	return s
}

// count writes a bold count with its noun: "*1* question", "*3* questions".
func count(n int, noun string) string {
	if n == 1 {
		return "*1* " + noun
	}
	return fmt.Sprintf("*%d* %ss", n, noun)
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

// Learned answers shown on the Home tab at most, newest first: a view
// holds 100 blocks, and the topics need room too.
const maxLearnedShown = 20

// loop renders what admins look after: the watched channels and the
// answers experts taught the bot.
func loop(h Home) []slack.Block {
	var b strings.Builder
	b.WriteString("*Channels where I answer questions*")
	if len(h.Watched) == 0 {
		b.WriteString("\nNone: run `/fractional-advisor watch` in a channel to start.")
	}
	for _, w := range h.Watched {
		fmt.Fprintf(&b, "\n• <#%s>", w.ChannelID)
		if w.UserID != "" {
			fmt.Fprintf(&b, ", turned on by <@%s>", w.UserID)
		}
		fmt.Fprintf(&b, " on %s", w.At.UTC().Format("2 Jan 2006"))
	}
	blocks := []slack.Block{section("watched_channels", b.String())}

	text := "*Answers experts taught me*"
	if len(h.Learned) == 0 {
		text += "\nNone yet: when an expert answers a hand-off and saves it, it is listed here."
	} else if len(h.Learned) > maxLearnedShown {
		text += fmt.Sprintf("\nThe newest %d of %d.", maxLearnedShown, len(h.Learned))
	}
	blocks = append(blocks, section("learned_answers", text))
	for i := len(h.Learned) - 1; i >= 0 && len(h.Learned)-i <= maxLearnedShown; i-- {
		e := h.Learned[i]
		s := userSection("learned:"+e.ID, "*"+UserText(e.Question, 200)+"*\n"+UserText(e.Answer, 300)+"\n_"+byLine(e.Author, e.LearnedAt)+"_")
		s.Accessory = slack.NewAccessory(button(ActionRetractLearned, e.ID, "Retract"))
		blocks = append(blocks, s)
	}
	return blocks
}
