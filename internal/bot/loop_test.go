package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"github.com/fractional-advisor/fractional-advisor/internal/store/storetest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The loop that closes unanswered questions, end to end (CONTRACT.md,
// "Hand-off" and "Channels"): watched channels, hand-offs to experts and
// the answers the bot learns from them.

const (
	experts = "C0EXPERTS"
	watched = "C0WATCHED"
	admin   = "U0ADMIN01"
	expert  = "U0EXPERT1"
	// A question the built-in knowledge base has no answer for, with no
	// close topic either.
	unknownQuestion = "Is the fractional CAIO allowed to sign NDAs on our behalf?"
	expertText      = "Yes, if your board grants it in writing.\nMost companies limit it to NDAs with AI vendors."
)

// loopRig is a bot with the hand-off on, syncing often.
func loopRig(t *testing.T, o apptest.Options) *apptest.Rig {
	t.Helper()
	o.Emulator.MessageEvents = true // the manifest subscribes to message.channels
	edit := o.Config
	o.Config = func(c *config.Config) {
		c.ExpertChannel, c.Admins = experts, []string{admin}
		// A hand-off's post is retried after twice its budget (two
		// SlackTimeouts and a Retry-After): 6 s here.
		c.SyncInterval, c.SlackTimeout, c.MaxRetryAfter = 100*time.Millisecond, time.Second, time.Second
		if edit != nil {
			edit(c)
		}
	}
	return apptest.Start(t, o)
}

func command(t *testing.T, r *apptest.Rig, user, channel, text string) slacktest.Ack {
	t.Helper()
	ack, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: user, ChannelID: channel, Text: text})
	if err != nil {
		t.Fatalf("/fractional-advisor %s: %v", text, err)
	}
	return ack
}

func say(t *testing.T, r *apptest.Rig, user, channel, text string) slacktest.EventInfo {
	t.Helper()
	_, info, err := r.Emu.ChannelMessage(apptest.Ctx(t), slacktest.Message{UserID: user, ChannelID: channel, Text: text})
	if err != nil {
		t.Fatalf("message %q: %v", text, err)
	}
	return info
}

func press(t *testing.T, r *apptest.Rig, user string, p slacktest.Posted, action string) int {
	t.Helper()
	mark := len(r.Emu.Posts())
	if _, err := r.Emu.PressButton(apptest.Ctx(t), user, p, action); err != nil {
		t.Fatalf("press %s: %v", action, err)
	}
	return mark
}

func after(t *testing.T, r *apptest.Rig, mark int, what string, match func(slacktest.Posted) bool) slacktest.Posted {
	t.Helper()
	p, err := r.Emu.WaitPostAfter(apptest.Ctx(t), mark, match)
	if err != nil {
		t.Fatalf("no %s: %v", what, err)
	}
	return p
}

func insights(t *testing.T, r *apptest.Rig) store.Insights {
	t.Helper()
	in, err := r.Store.Insights(context.Background(), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func TestWatchedChannel(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	const user = "U0WATCHER"
	mark := len(r.Emu.Posts())
	command(t, r, user, watched, "watch")
	announce := after(t, r, mark, "the announcement", func(p slacktest.Posted) bool { return p.Channel == watched && p.Kind == "message" })
	if !announce.HasBlockID("watching") || !strings.Contains(shown(announce), "<@"+user+">") {
		t.Errorf("announcement %v does not name who turned it on", announce.BlockIDs())
	}

	// Small talk, then a question: the first gets nothing (dropped before
	// the next event is read), the second an answer in its thread.
	talk := say(t, r, user, watched, "Shipping the release tonight 🚀")
	q := say(t, r, user, watched, "How much does a fractional CTO cost compared with a full-time hire?")
	answer := r.WaitPost(t, "the answer in the thread", apptest.InThread(q))
	if !answer.HasBlockID("faq:cost") {
		t.Errorf("the answer's blocks %v, want faq:cost", answer.BlockIDs())
	}
	// A question with no confident answer: no post, recorded unanswered.
	unknown := say(t, r, user, watched, unknownQuestion)
	// A mention in the watched channel comes twice (app_mention and
	// message): answered once.
	m := r.Mention(t, user, "what does a fractional CAIO do?")
	r.AnsweredOnce(t, m)
	apptest.WaitUntil(t, "two channel questions recorded, one unanswered", func() bool {
		in := insights(t, r)
		return in.Questions == 3 && in.Unanswered == 1
	})
	for what, info := range map[string]slacktest.EventInfo{"small talk": talk, "an unknown question": unknown} {
		if n := r.Count(apptest.InThread(info)); n != 0 {
			t.Errorf("%s got %d replies, want none", what, n)
		}
	}

	// Deleting the question in Slack deletes it here.
	if _, _, err := r.Emu.DeleteMessage(apptest.Ctx(t), watched, q.TS); err != nil {
		t.Fatal(err)
	}
	apptest.WaitUntil(t, "the deleted question to go", func() bool { return insights(t, r).Questions == 2 })

	// Unwatch: announced, then silence.
	mark = len(r.Emu.Posts())
	command(t, r, user, watched, "unwatch")
	after(t, r, mark, "the unwatch announcement", func(p slacktest.Posted) bool { return p.Channel == watched && p.HasBlockID("unwatched") })
	silent := say(t, r, user, watched, "What does a fractional CTO cost?")
	r.AnsweredOnce(t, r.Mention(t, user, "what does a fractional CTO cost?"))
	if n := r.Count(apptest.InThread(silent)); n != 0 {
		t.Errorf("a question after unwatch got %d replies", n)
	}
	if ws, err := r.Store.Watches(context.Background()); err != nil || len(ws) != 0 {
		t.Errorf("watches after unwatch = %v, %v", ws, err)
	}
}

// TestWatchWhereItCannot: in a DM, or a channel the bot is not in, watch
// explains privately how to invite it and stores nothing.
func TestWatchWhereItCannot(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	const outside = "C0OUTSIDE"
	r.Emu.SetMember(outside, false)
	for _, channel := range []string{outside, r.Emu.DMChannel("U0LONER01")} {
		mark := len(r.Emu.Posts())
		command(t, r, "U0LONER01", channel, "watch")
		p := after(t, r, mark, "the private explanation", apptest.HasBlock("invite_first"))
		if p.Kind != "response_url" || p.ResponseType != "ephemeral" || !strings.Contains(p.Text, "/invite") {
			t.Errorf("in %s: the explanation is %s %q, want a private note on inviting the bot", channel, p.Kind, p.Text)
		}
	}
	if ws, err := r.Store.Watches(context.Background()); err != nil || len(ws) != 0 {
		t.Errorf("watches = %v, %v; want none", ws, err)
	}
}

// handOff asks unknownQuestion by mention, sends it to the experts and
// returns the experts' copy.
func handOff(t *testing.T, r *apptest.Rig, asker string) (slacktest.EventInfo, slacktest.Posted) {
	t.Helper()
	info := r.Mention(t, asker, unknownQuestion)
	none := r.WaitPost(t, "the I-don't-know", apptest.InThread(info))
	if !none.HasBlockID(blockkit.FAQNoneBlockID) {
		t.Fatalf("the reply %v is not faq:none", none.BlockIDs())
	}
	// The knowledge base lists NDAs as a topic it does not cover: the
	// reply says so by name rather than guessing.
	if !strings.Contains(shown(none), "NDAs, confidentiality and who owns the work") {
		t.Errorf("the I-don't-know does not name the uncovered topic: %s", shown(none))
	}
	mark := press(t, r, asker, none, blockkit.ActionAskExpert)
	copy := after(t, r, mark, "the experts' copy", func(p slacktest.Posted) bool {
		return p.Channel == experts && p.HasBlockIDPrefix(blockkit.EscalationBlockPrefix)
	})
	sent := after(t, r, mark, "the private confirmation", apptest.HasBlock("handoff_sent"))
	if sent.Kind != "response_url" || sent.ResponseType != "ephemeral" {
		t.Errorf("the confirmation is a %s (%s), want private", sent.Kind, sent.ResponseType)
	}
	if !strings.Contains(shown(copy), "sign NDAs") || !strings.Contains(shown(copy), "archives/") {
		t.Errorf("the experts' copy lacks the question or its permalink: %s", copy.Blocks)
	}
	return info, copy
}

// answerAs opens the answer modal as an expert and submits answer.
func answerAs(t *testing.T, r *apptest.Rig, who string, copy slacktest.Posted, answer string, save bool) slacktest.Ack {
	t.Helper()
	return submit(t, r, who, openAnswer(t, r, who, copy), answer, save)
}

// openAnswer presses Answer as an expert and returns the modal.
func openAnswer(t *testing.T, r *apptest.Rig, who string, copy slacktest.Posted) slacktest.Posted {
	t.Helper()
	mark := press(t, r, who, copy, blockkit.ActionEscalationAnswer)
	return after(t, r, mark, "the answer modal", func(p slacktest.Posted) bool { return p.Kind == "view" && p.UserID == who })
}

func submit(t *testing.T, r *apptest.Rig, who string, view slacktest.Posted, answer string, save bool) slacktest.Ack {
	t.Helper()
	answers := map[string]string{blockkit.AnswerBlockID: answer}
	if save {
		answers[blockkit.SaveAsFAQBlockID] = blockkit.SaveAsFAQValue
	}
	ack, err := r.Emu.SubmitView(apptest.Ctx(t), who, view.ViewID, answers)
	if err != nil {
		t.Fatal(err)
	}
	return ack
}

// shown is a post's blocks as Slack renders their text: JSON without Go's
// \u003c escapes, so "<@U1>" reads as a mention and "&lt;" as inert text.
func shown(p slacktest.Posted) string {
	var v any
	if json.Unmarshal(p.Blocks, &v) != nil {
		return ""
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}

func escalationID(t *testing.T, copy slacktest.Posted) string {
	t.Helper()
	for _, id := range copy.BlockIDs() {
		if h, ok := strings.CutPrefix(id, blockkit.EscalationBlockPrefix); ok {
			return h
		}
	}
	t.Fatal("no escalation block")
	return ""
}

// TestHandoffInThread: a mention the bot cannot answer goes to the
// experts; the answer comes back in the thread, is saved, and the same
// question is answered from it next time.
func TestHandoffInThread(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	const asker = "U0ASKER01"
	info, copy := handOff(t, r, asker)
	id := escalationID(t, copy)

	// Two experts open the form; the first to send wins, the second is
	// told, with their text.
	second := openAnswer(t, r, "U0EXPERT2", copy)
	mark := len(r.Emu.Posts())
	answerAs(t, r, expert, copy, expertText+" <!channel>", true)
	delivered := after(t, r, mark, "the answer in the thread", func(p slacktest.Posted) bool {
		return p.ThreadTS == info.TS && p.HasBlockID(blockkit.ExpertAnswerBlockPrefix+id)
	})
	if strings.Contains(shown(delivered), "<!channel>") || !strings.Contains(shown(delivered), "&lt;!channel&gt;") {
		t.Errorf("the expert's text is not escaped: %s", delivered.Blocks)
	}
	apptest.WaitUntil(t, "the experts' copy to say who answered", func() bool {
		m, ok := r.Emu.Message(experts, copy.TS)
		return ok && m.HasBlockID("escalation_status") && strings.Contains(shown(m), "<@"+expert+">")
	})
	mark = len(r.Emu.Posts())
	submit(t, r, "U0EXPERT2", second, "A later answer.", false)
	late := after(t, r, mark, "the second expert told", apptest.HasBlock("expert_answer_not_sent"))
	if late.Channel != r.Emu.DMChannel("U0EXPERT2") || !strings.Contains(shown(late), "A later answer.") {
		t.Errorf("the second expert got %q in %s, want their text back in their DM", late.Text, late.Channel)
	}
	// And a click on Answer now says it was answered.
	mark = press(t, r, "U0EXPERT3", copy, blockkit.ActionEscalationAnswer)
	after(t, r, mark, "the already-answered note", apptest.HasBlock("handoff_closed"))

	// The same question again: answered from what the expert taught.
	again := r.Mention(t, "U0ASKER02", unknownQuestion)
	learned := r.WaitPost(t, "the learned answer", apptest.InThread(again))
	if !learned.HasBlockID("faq:learned-1") || !learned.HasBlockID("learned_by") {
		t.Fatalf("the second asker got %v, want faq:learned-1 credited", learned.BlockIDs())
	}
	if n := r.Count(func(p slacktest.Posted) bool { return p.HasBlockID(blockkit.ExpertAnswerBlockPrefix + id) }); n != 1 {
		t.Errorf("the answer was delivered %d times", n)
	}

	// An admin retracts it from the Home tab; it is answered no more.
	h := home(t, r, admin)
	if !h.HasBlockID("learned:learned-1") || !h.HasBlockID("watched_channels") {
		t.Fatalf("the admin's Home tab %v lacks the learned answer", h.BlockIDs())
	}
	mark = press(t, r, admin, h, blockkit.ActionRetractLearned)
	after(t, r, mark, "the Home tab without it", func(p slacktest.Posted) bool {
		return p.Kind == "home" && p.UserID == admin && !p.HasBlockID("learned:learned-1")
	})
	third := r.Mention(t, "U0ASKER03", unknownQuestion)
	if p := r.WaitPost(t, "the answer", apptest.InThread(third)); !p.HasBlockID(blockkit.FAQNoneBlockID) {
		t.Errorf("after the retraction the question got %v", p.BlockIDs())
	}
}

// TestHandoffInDM: a question asked in a DM, answered by an expert
// without saving; the answer comes back in the DM, and the bot has learned
// nothing.
func TestHandoffInDM(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	const asker = "U0DMASKER"
	if _, _, err := r.Emu.DirectMessage(apptest.Ctx(t), slacktest.Message{UserID: asker, Text: unknownQuestion}); err != nil {
		t.Fatal(err)
	}
	dm := r.Emu.DMChannel(asker)
	none := r.WaitPost(t, "the I-don't-know", func(p slacktest.Posted) bool { return p.Channel == dm && p.HasBlockID(blockkit.FAQNoneBlockID) })
	mark := press(t, r, asker, none, blockkit.ActionAskExpert)
	copy := after(t, r, mark, "the experts' copy", func(p slacktest.Posted) bool { return p.Channel == experts })
	if strings.Contains(shown(copy), "archives/") || !strings.Contains(shown(copy), "in a direct message") {
		t.Errorf("the experts' copy of a DM question: %s", copy.Blocks)
	}
	id := escalationID(t, copy)
	// A second click on the same button finds the same hand-off.
	mark = press(t, r, asker, none, blockkit.ActionAskExpert)
	after(t, r, mark, "the already-with-the-experts note", apptest.HasBlock("handoff_exists"))

	mark = len(r.Emu.Posts())
	answerAs(t, r, expert, copy, expertText, false)
	got := after(t, r, mark, "the answer, in the DM", func(p slacktest.Posted) bool {
		return p.Channel == dm && p.HasBlockID(blockkit.ExpertAnswerBlockPrefix+id)
	})
	if !strings.Contains(shown(got), "Most companies limit it") {
		t.Errorf("the answer in the DM: %s", got.Blocks)
	}
	if n := r.Count(func(p slacktest.Posted) bool { return p.Channel == experts && p.Kind == "message" }); n != 1 {
		t.Errorf("%d posts to the experts, want 1", n)
	}
	if ls, err := r.Store.LearnedAnswers(context.Background()); err != nil || len(ls) != 0 {
		t.Errorf("learned = %v, %v; an answer not saved was learned", ls, err)
	}
}

// TestHandoffResolved: an expert closes a channel question without an
// answer; the asker is told in the thread, a later click is refused.
func TestHandoffResolved(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	info, copy := handOff(t, r, "U0RESOLVE")
	id := escalationID(t, copy)
	mark := press(t, r, expert, copy, blockkit.ActionEscalationResolve)
	after(t, r, mark, "the asker told, in the thread", func(p slacktest.Posted) bool {
		return p.ThreadTS == info.TS && p.HasBlockID("expert_resolved:"+id)
	})
	after(t, r, mark, "the expert's private confirmation", apptest.HasBlock("handoff_resolved"))
	apptest.WaitUntil(t, "the experts' copy closed", func() bool {
		m, ok := r.Emu.Message(experts, copy.TS)
		return ok && m.HasBlockID("escalation_status") && !strings.Contains(shown(m), blockkit.ActionEscalationAnswer)
	})
	h, err := r.Store.Handoff(context.Background(), id)
	if err != nil || h.Status != store.HandoffResolved || h.ClosedBy != expert {
		t.Fatalf("hand-off %s = %+v, %v; want resolved by %s", id, h, err, expert)
	}
	mark = press(t, r, "U0EXPERT3", copy, blockkit.ActionEscalationAnswer)
	after(t, r, mark, "the already-closed note", apptest.HasBlock("handoff_closed"))
}

// TestNoExpertChannel: without ADVISOR_EXPERT_CHANNEL, nothing offers the
// experts.
func TestNoExpertChannel(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{})
	info := r.Mention(t, "U0NOEXPRT", unknownQuestion)
	none := r.WaitPost(t, "the I-don't-know", apptest.InThread(info))
	answer := r.WaitPost(t, "an answer", apptest.InThread(r.Mention(t, "U0NOEXPRT", "How much does a fractional CTO cost?")))
	mark := press(t, r, "U0NOEXPRT", answer, blockkit.ActionNotHelpful)
	thanks := after(t, r, mark, "the reply to the 👎", apptest.HasBlock("feedback_thanks"))
	for _, p := range []slacktest.Posted{none, answer, thanks} {
		if strings.Contains(shown(p), blockkit.ActionAskExpert) {
			t.Errorf("%v offers the experts without an experts' channel", p.BlockIDs())
		}
	}
}

// TestNotHelpfulAskExpert: after a 👎 on an answer, the reply offers the
// experts, who get the question asked.
func TestNotHelpfulAskExpert(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	const user = "U0UNHAPPY"
	info := r.Mention(t, user, "How much does a fractional CTO cost?")
	answer := r.WaitPost(t, "the answer", apptest.InThread(info))
	apptest.WaitUntil(t, "the question recorded", func() bool { return insights(t, r).Questions == 1 })
	mark := press(t, r, user, answer, blockkit.ActionNotHelpful)
	thanks := after(t, r, mark, "the reply to the 👎", apptest.HasBlock("feedback_thanks"))
	mark = press(t, r, user, thanks, blockkit.ActionAskExpert)
	copy := after(t, r, mark, "the experts' copy", func(p slacktest.Posted) bool { return p.Channel == experts })
	if !strings.Contains(shown(copy), "How much does a fractional CTO cost?") {
		t.Errorf("the experts' copy lacks the question: %s", copy.Blocks)
	}
	// 👍 offers nothing.
	mark = press(t, r, user, answer, blockkit.ActionHelpful)
	if p := after(t, r, mark, "the thanks", apptest.HasBlock("feedback_thanks")); p.HasBlockID("feedback_actions") {
		t.Error("a 👍 offered the experts")
	}
}

// TestHandoffPostRetried: the first post to the experts fails; the
// hand-off stays open and reaches them on a later try.
func TestHandoffPostRetried(t *testing.T) {
	t.Parallel()
	for _, f := range []slacktest.Fault{
		{Status: 429, RetryAfter: time.Second}, // retried by the call itself
		{SlackError: "ratelimited"},            // given up by the call, retried by the sweep
		{SlackError: "internal_error"},
	} {
		t.Run(f.SlackError+"/"+http429(f), func(t *testing.T) {
			t.Parallel()
			r := loopRig(t, apptest.Options{})
			const asker = "U0RETRIER"
			info := r.Mention(t, asker, unknownQuestion)
			none := r.WaitPost(t, "the I-don't-know", apptest.InThread(info))
			r.Emu.FailNext("chat.postMessage", f)
			mark := press(t, r, asker, none, blockkit.ActionAskExpert)
			after(t, r, mark, "the private confirmation", apptest.HasBlock("handoff_sent"))
			after(t, r, mark, "the experts' copy, on a later try", func(p slacktest.Posted) bool { return p.Channel == experts })
			apptest.WaitUntil(t, "one post", func() bool {
				return testutil.ToFloat64(r.Metrics.Handoffs.WithLabelValues("posted")) == 1
			})
			if n := r.Count(func(p slacktest.Posted) bool { return p.Channel == experts }); n != 1 {
				t.Errorf("%d posts to the experts, want 1", n)
			}
		})
	}
}

func http429(f slacktest.Fault) string {
	if f.Status == 429 {
		return "http429"
	}
	return "ok-false"
}

// TestExpertChannelNotJoined: the operator learns at start; hand-offs wait
// and are posted once the bot is invited.
func TestExpertChannelNotJoined(t *testing.T) {
	t.Parallel()
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	emu.SetMember(experts, false)
	r := loopRig(t, apptest.Options{Server: emu})
	apptest.WaitUntil(t, "the warning", func() bool { return r.LoggedWith(warnNotMember, "channel", experts) == 1 })
	if v := testutil.ToFloat64(r.Metrics.ExpertChannelReady); v != 0 {
		t.Errorf("advisor_expert_channel_ready = %v, want 0", v)
	}
	info := r.Mention(t, "U0WAITING", unknownQuestion)
	none := r.WaitPost(t, "the I-don't-know", apptest.InThread(info))
	mark := press(t, r, "U0WAITING", none, blockkit.ActionAskExpert)
	after(t, r, mark, "the private confirmation", apptest.HasBlock("handoff_sent"))
	emu.SetMember(experts, true)
	after(t, r, mark, "the experts' copy, once invited", func(p slacktest.Posted) bool { return p.Channel == experts })
	apptest.WaitUntil(t, "the channel ready", func() bool { return testutil.ToFloat64(r.Metrics.ExpertChannelReady) == 1 })
	if n := r.LoggedWith(warnNotMember, "channel", experts); n != 1 {
		t.Errorf("the warning was logged %d times, want once", n)
	}
}

const warnNotMember = "the bot cannot post to ADVISOR_EXPERT_CHANNEL: invite it there (/invite @Fractional Advisor); hand-offs wait, open, until then"

// TestExpertAnswerRefused: an empty or overlong answer stays in the modal,
// with the reason beside it; nothing is sent.
func TestExpertAnswerRefused(t *testing.T) {
	t.Parallel()
	r := loopRig(t, apptest.Options{})
	_, copy := handOff(t, r, "U0PATIENT")
	for _, answer := range []string{"   ", strings.Repeat("long ", 700)} {
		ack := answerAs(t, r, expert, copy, answer, false)
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		if ok, err := ack.Decode(&resp); !ok || err != nil || resp.ResponseAction != "errors" || resp.Errors[blockkit.AnswerBlockID] == "" {
			t.Errorf("answer of %d bytes: ack %s, want errors beside %s", len(answer), ack.Payload, blockkit.AnswerBlockID)
		}
	}
	h, err := r.Store.Handoff(context.Background(), escalationID(t, copy))
	if err != nil || h.Status != store.HandoffOpen {
		t.Errorf("hand-off = %+v, %v; want it still open", h, err)
	}
}

// TestLearnedAcrossReplicas: an answer saved through one replica is found
// by another sharing the database, without a restart.
func TestLearnedAcrossReplicas(t *testing.T) {
	t.Parallel()
	dsn := storetest.Postgres(t)
	a := loopRig(t, apptest.Options{DB: dsn})
	b := loopRig(t, apptest.Options{DB: dsn})
	_, copy := handOff(t, a, "U0FIRSTAS")
	answerAs(t, a, expert, copy, expertText, true)
	apptest.WaitUntil(t, "the other replica to load it", func() bool {
		return testutil.ToFloat64(b.Metrics.LearnedEntries) == 1
	})
	info := b.Mention(t, "U0SECONDA", unknownQuestion)
	if p := b.WaitPost(t, "the answer", apptest.InThread(info)); !p.HasBlockIDPrefix("faq:learned-") {
		t.Errorf("the other replica answered with %v", p.BlockIDs())
	}
}
