// Package demo plays a scripted session against the Slack emulator, with
// the bot connected to it, and prints what the user would see.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// sampleAnswers is the assessment the demo submits.
func sampleAnswers() map[string]string {
	return map[string]string{
		"goal":             "ai_transformation",
		"infrastructure":   "partial",
		"ai_ambition":      "targeted",
		"engineering_team": "established",
		"ai_governance":    "high",
		"budget":           "10k_25k",
		"context":          "Series B insurer, 40 engineers, first AI use cases in claims.",
	}
}

// step waits at most this long for the bot's reply.
const step = 10 * time.Second

// Run plays the script. emu must be running with the bot connecting to it,
// its ADVISOR_EXPERT_CHANNEL set to experts. remembered returns once the
// bot has stored what the session did (its records are written a moment
// after each reply), for the Home tab.
func Run(ctx context.Context, emu *slacktest.Server, out io.Writer, experts string, remembered func(context.Context) error) error {
	user := emu.Config().DefaultUserID
	channel := emu.Config().DefaultChannelID
	if err := waitConnected(ctx, emu); err != nil {
		return err
	}
	p := printer{out: out}
	p.title("Fractional Advisor demo: a Slack emulator on 127.0.0.1 and the real bot, no tokens, no network")

	// 1. Help.
	p.user("/fractional-advisor help")
	ack, _, err := emu.SlashCommand(ctx, slacktest.SlashCommand{UserID: user, ChannelID: channel, Text: "help"})
	if err != nil {
		return fmt.Errorf("help: %w", err)
	}
	p.ackReply("only you can see this", ack)

	// 2. The assessment: open, answer, submit, read the recommendation.
	p.user("/fractional-advisor")
	mark := len(emu.Posts())
	if _, _, err := emu.SlashCommand(ctx, slacktest.SlashCommand{UserID: user, ChannelID: channel}); err != nil {
		return fmt.Errorf("assessment: %w", err)
	}
	view, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Kind == "view" })
	if err != nil {
		return fmt.Errorf("assessment modal: %w", err)
	}
	p.bot("opens a modal: "+view.Text, view.Blocks)
	p.user("answers: " + describeAnswers())
	mark = len(emu.Posts())
	if _, err := emu.SubmitView(ctx, user, view.ViewID, sampleAnswers()); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	rec, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.HasBlockIDPrefix("recommendation:") })
	if err != nil {
		return fmt.Errorf("recommendation: %w", err)
	}
	p.bot("replies (only you can see this)", rec.Blocks)

	// 3. Two questions: privately, and by mention in a channel.
	q := "how much does a part-time CTO cost compared with hiring one?"
	p.user("/fractional-advisor ask " + q)
	ack, _, err = emu.SlashCommand(ctx, slacktest.SlashCommand{UserID: user, ChannelID: channel, Text: "ask " + q})
	if err != nil {
		return fmt.Errorf("ask: %w", err)
	}
	p.ackReply("only you can see this", ack)

	q = "do we need both a fractional CTO and a chief AI officer?"
	p.user("in #general: @Fractional Advisor " + q)
	mark = len(emu.Posts())
	_, info, err := emu.Mention(ctx, slacktest.Message{UserID: user, ChannelID: channel, Text: q})
	if err != nil {
		return fmt.Errorf("mention: %w", err)
	}
	reply, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.ThreadTS == info.TS })
	if err != nil {
		return fmt.Errorf("mention reply: %w", err)
	}
	p.bot("replies in the thread", reply.Blocks)

	p.user("clicks 👍 Helpful under the answer")
	mark = len(emu.Posts())
	if _, err := emu.PressButton(ctx, user, reply, "feedback_helpful"); err != nil {
		return fmt.Errorf("vote: %w", err)
	}
	thanks, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.HasBlockID("feedback_thanks") })
	if err != nil {
		return fmt.Errorf("vote reply: %w", err)
	}
	p.bot("replies", thanks.Blocks)

	// 4. Off-topic, by direct message.
	q = "what's the wifi password in the office?"
	p.user("in a DM: " + q)
	mark = len(emu.Posts())
	if _, _, err := emu.DirectMessage(ctx, slacktest.Message{UserID: user, Text: q}); err != nil {
		return fmt.Errorf("dm: %w", err)
	}
	reply, err = waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Channel == emu.DMChannel(user) })
	if err != nil {
		return fmt.Errorf("dm reply: %w", err)
	}
	p.bot("replies in the DM", reply.Blocks)

	// 5. A question nobody wrote an answer for goes to a person, who
	// answers and saves it; the next time, the bot answers it itself.
	if err := handOff(ctx, emu, &p, user, experts); err != nil {
		return err
	}

	// 6. Slack's assistant panel, and a Workflow Builder step.
	if err := assistantAndStep(ctx, emu, &p, user); err != nil {
		return err
	}

	// 7. The Home tab: the user's last recommendation, and, for an admin
	// (the demo's user is one), what people asked this week, the
	// watched channels and the answers the bot learned.
	wctx, cancel := context.WithTimeout(ctx, step)
	err = remembered(wctx)
	cancel()
	if err != nil {
		return fmt.Errorf("the bot did not remember the session: %w", err)
	}
	p.user("opens the app's Home tab")
	mark = len(emu.Posts())
	if _, _, err := emu.OpenHome(ctx, user); err != nil {
		return fmt.Errorf("home: %w", err)
	}
	home, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Kind == "home" })
	if err != nil {
		return fmt.Errorf("home tab: %w", err)
	}
	p.bot("publishes the Home tab", home.Blocks)
	p.title("End of demo. Run `fractional-advisor help` for the offline commands, README.md for a real workspace.")
	return p.err
}

// expertUser answers the hand-off in the demo.
const expertUser = "U0EXPERT1"

// handOff plays the loop: a question the bot cannot answer, sent to the
// experts, answered and saved by one, then asked again.
func handOff(ctx context.Context, emu *slacktest.Server, p *printer, user, experts string) error {
	const q = "Is the fractional CAIO allowed to sign NDAs on our behalf?"
	p.user("in a DM: " + q)
	mark := len(emu.Posts())
	if _, _, err := emu.DirectMessage(ctx, slacktest.Message{UserID: user, Text: q}); err != nil {
		return fmt.Errorf("hand-off question: %w", err)
	}
	dm := emu.DMChannel(user)
	none, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Channel == dm && p.HasBlockID("faq:none") })
	if err != nil {
		return fmt.Errorf("hand-off question's reply: %w", err)
	}
	p.bot("replies in the DM", none.Blocks)

	p.user("clicks Ask an expert")
	mark = len(emu.Posts())
	if _, err := emu.PressButton(ctx, user, none, "ask_expert"); err != nil {
		return fmt.Errorf("ask an expert: %w", err)
	}
	sent, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.HasBlockID("handoff_sent") })
	if err != nil {
		return fmt.Errorf("hand-off confirmation: %w", err)
	}
	p.bot("replies (only you can see this)", sent.Blocks)
	copy, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Channel == experts && p.HasBlockIDPrefix("escalation:") })
	if err != nil {
		return fmt.Errorf("the experts' copy: %w", err)
	}
	p.bot("posts in the experts' channel", copy.Blocks)

	p.expert("clicks Answer")
	mark = len(emu.Posts())
	if _, err := emu.PressButton(ctx, expertUser, copy, "escalation_answer"); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	form, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Kind == "view" && p.UserID == expertUser })
	if err != nil {
		return fmt.Errorf("the answer form: %w", err)
	}
	p.bot("opens a form for the expert: "+form.Text, form.Blocks)
	const answer = "Only if your board delegates it in writing. Most companies let the CAIO sign NDAs with AI vendors and keep everything else with the CEO or CFO."
	p.expert("writes: " + answer + " (and ticks “Save it”)")
	mark = len(emu.Posts())
	if _, err := emu.SubmitView(ctx, expertUser, form.ViewID, map[string]string{"answer": answer, "save_as_faq": "save"}); err != nil {
		return fmt.Errorf("submit the answer: %w", err)
	}
	delivered, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Channel == dm && p.HasBlockIDPrefix("expert_answer:") })
	if err != nil {
		return fmt.Errorf("the expert's answer: %w", err)
	}
	p.bot("sends you the answer, in the DM", delivered.Blocks)
	updated, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Kind == "update" && p.Channel == experts })
	if err != nil {
		return fmt.Errorf("the experts' copy, updated: %w", err)
	}
	p.bot("updates the experts' copy", updated.Blocks)

	p.user("in a DM, a day later: " + q)
	mark = len(emu.Posts())
	if _, _, err := emu.DirectMessage(ctx, slacktest.Message{UserID: user, Text: q}); err != nil {
		return fmt.Errorf("the question again: %w", err)
	}
	learned, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.Channel == dm && p.HasBlockIDPrefix("faq:") })
	if err != nil {
		return fmt.Errorf("the learned answer: %w", err)
	}
	p.bot("answers from what the expert taught it", learned.Blocks)
	return nil
}

// assistantAndStep plays the assistant panel (prompts, a question in its
// thread) and one run of the recommend_role workflow step.
func assistantAndStep(ctx context.Context, emu *slacktest.Server, p *printer, user string) error {
	p.user("opens Fractional Advisor in Slack's assistant panel")
	_, th, err := emu.StartAssistantThread(ctx, user)
	if err != nil {
		return fmt.Errorf("assistant panel: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	var prompts []string
	for len(prompts) == 0 {
		if st, ok := emu.AssistantThread(th.ChannelID, th.ThreadTS); ok {
			for _, pr := range st.Prompts {
				prompts = append(prompts, "[ "+pr.Title+" ] → "+pr.Message)
			}
		}
		if len(prompts) == 0 {
			select {
			case <-wctx.Done():
				return fmt.Errorf("assistant prompts: %w", wctx.Err())
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	p.printf("◀ bot suggests:\n  %s\n", strings.Join(prompts, "\n  "))
	const q = "Should we hire a fractional CAIO or a fractional CTO first?"
	p.user("in the panel: " + q)
	mark := len(emu.Posts())
	if _, _, err := emu.DirectMessage(ctx, slacktest.Message{UserID: user, ThreadTS: th.ThreadTS, Text: q}); err != nil {
		return fmt.Errorf("assistant question: %w", err)
	}
	answer, err := waitPost(ctx, emu, mark, func(p slacktest.Posted) bool { return p.ThreadTS == th.ThreadTS && p.HasBlockIDPrefix("faq:") })
	if err != nil {
		return fmt.Errorf("assistant answer: %w", err)
	}
	st, _ := emu.AssistantThread(th.ChannelID, th.ThreadTS)
	p.bot(fmt.Sprintf("shows %q, then answers in the panel (thread titled %q)", strings.Join(st.StatusHistory, ", "), st.Title), answer.Blocks)

	inputs := map[string]any{"goal": "tech_foundation", "infrastructure": "weak", "ai_ambition": "exploring",
		"engineering_team": "none", "ai_governance": "low", "budget": "under_10k"}
	p.printf("\n▶ a workflow runs the step “Recommend a fractional CAIO or CTO” with %s\n", describe(inputs))
	_, run, err := emu.ExecuteFunction(ctx, "recommend_role", inputs)
	if err != nil {
		return fmt.Errorf("workflow step: %w", err)
	}
	for {
		if res, ok := emu.FunctionResult(run.ExecutionID); ok && res.Done {
			if res.Error != "" {
				return fmt.Errorf("workflow step failed: %s", res.Error)
			}
			p.printf("◀ bot completes the step: recommendation=%s, confidence=%s\n  summary: %s\n",
				res.Outputs["recommendation"], res.Outputs["confidence"], res.Outputs["summary"])
			return nil
		}
		select {
		case <-wctx.Done():
			return fmt.Errorf("workflow step: %w", wctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// describe lists inputs as name=value, in a stable order.
func describe(inputs map[string]any) string {
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%v", k, inputs[k]))
	}
	return strings.Join(parts, ", ")
}

func waitConnected(ctx context.Context, emu *slacktest.Server) error {
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	if err := emu.WaitConnected(ctx); err != nil {
		return fmt.Errorf("the bot did not connect to the emulator: %w", err)
	}
	return nil
}

func waitPost(ctx context.Context, emu *slacktest.Server, after int, match func(slacktest.Posted) bool) (slacktest.Posted, error) {
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	return emu.WaitPostAfter(ctx, after, match)
}

func describeAnswers() string {
	keys := []string{"goal", "infrastructure", "ai_ambition", "engineering_team", "ai_governance", "budget"}
	answers := sampleAnswers()
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+answers[k])
	}
	return strings.Join(parts, ", ")
}

// printer writes the transcript and keeps the first write error.
type printer struct {
	out io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.out, format, args...)
	}
}

func (p *printer) title(s string) {
	p.printf("\n%s\n%s\n", s, strings.Repeat("━", min(len([]rune(s)), 78)))
}

func (p *printer) user(s string) { p.printf("\n▶ you: %s\n", s) }

func (p *printer) expert(s string) { p.printf("\n▶ an expert: %s\n", s) }

func (p *printer) bot(what string, blocks json.RawMessage) {
	p.printf("◀ bot %s:\n%s", what, Render(blocks))
}

// ackReply prints a reply that came back in the ack itself.
func (p *printer) ackReply(what string, ack slacktest.Ack) {
	var msg struct {
		Text   string          `json:"text"`
		Blocks json.RawMessage `json:"blocks"`
	}
	if _, err := ack.Decode(&msg); err != nil || len(msg.Blocks) == 0 {
		p.printf("◀ bot: (no reply in the ack)\n")
		return
	}
	p.bot("replies ("+what+")", msg.Blocks)
}
