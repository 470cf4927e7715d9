package bot_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// The ways in beside the slash command, mentions and DMs (CONTRACT.md,
// "More ways in"), end to end through the emulator.

// TestGlobalShortcut: the shortcut opens the question form; a question
// sent from it is answered in the DM; a bad one stays in the form; a
// shortcut whose trigger expired gets a note in the DM, not silence.
func TestGlobalShortcut(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{})
	const user = "U0SHORTC1"
	mark := len(r.Emu.Posts())
	if _, _, err := r.Emu.GlobalShortcut(apptest.Ctx(t), user, blockkit.ShortcutAskAdvisor); err != nil {
		t.Fatal(err)
	}
	form := after(t, r, mark, "the question form", func(p slacktest.Posted) bool { return p.Kind == "view" && p.UserID == user })
	for _, bad := range []string{"   ", strings.Repeat("why ", 600)} {
		ack, err := r.Emu.SubmitView(apptest.Ctx(t), user, form.ViewID, map[string]string{blockkit.QuestionBlockID: bad})
		if err != nil {
			t.Fatal(err)
		}
		var resp struct {
			ResponseAction string            `json:"response_action"`
			Errors         map[string]string `json:"errors"`
		}
		if ok, err := ack.Decode(&resp); !ok || err != nil || resp.ResponseAction != "errors" || resp.Errors[blockkit.QuestionBlockID] == "" {
			t.Errorf("a question of %d bytes: ack %s, want errors beside the input", len(bad), ack.Payload)
		}
	}
	mark = len(r.Emu.Posts())
	if _, err := r.Emu.SubmitView(apptest.Ctx(t), user, form.ViewID, map[string]string{blockkit.QuestionBlockID: "How much does a fractional CTO cost?"}); err != nil {
		t.Fatal(err)
	}
	dm := r.Emu.DMChannel(user)
	answer := after(t, r, mark, "the answer in the DM", func(p slacktest.Posted) bool { return p.Channel == dm && apptest.IsAnswer(p) })
	if !answer.HasBlockID("faq:cost") {
		t.Errorf("the answer: %v", answer.BlockIDs())
	}

	mark = len(r.Emu.Posts())
	if _, _, err := r.Emu.GlobalShortcut(apptest.Ctx(t), user, blockkit.ShortcutAskAdvisor, slacktest.GlobalShortcutOpts{Expired: true}); err != nil {
		t.Fatal(err)
	}
	after(t, r, mark, "the note that the form did not open", func(p slacktest.Posted) bool { return p.Channel == dm && p.HasBlockID("shortcut_failed") })
}

// TestMessageShortcut: a message's text is answered privately, with a
// button that posts the answer in its thread; a message without text,
// and a share where the bot cannot post, get a private line.
func TestMessageShortcut(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{})
	const user, channel = "U0MSGSHT1", "C0MSGSHT1"
	ts := r.Emu.WriteMessage(slacktest.Message{UserID: "U0AUTHOR1", ChannelID: channel, Text: "How much does a fractional CTO cost compared with a full-time hire?"})
	mark := len(r.Emu.Posts())
	if _, _, err := r.Emu.MessageShortcut(apptest.Ctx(t), user, blockkit.ShortcutAskAboutMessage, slacktest.MessageRef{ChannelID: channel, TS: ts}); err != nil {
		t.Fatal(err)
	}
	private := after(t, r, mark, "the private answer", apptest.IsAnswer)
	if private.Kind != "response_url" || private.ResponseType != "ephemeral" || !private.HasBlockID("faq:cost") {
		t.Fatalf("the answer is a %s (%s) with %v; want a private faq:cost", private.Kind, private.ResponseType, private.BlockIDs())
	}
	mark = press(t, r, user, private, blockkit.ActionShareAnswer)
	shared := after(t, r, mark, "the answer in the thread", func(p slacktest.Posted) bool { return p.Channel == channel && p.ThreadTS == ts })
	if !shared.HasBlockID("faq:cost") {
		t.Errorf("the shared answer: %v", shared.BlockIDs())
	}

	// Files only: nothing to read.
	files := r.Emu.WriteMessage(slacktest.Message{UserID: "U0AUTHOR1", ChannelID: channel}, slacktest.File{ID: "F0PDF0001", Name: "deck.pdf", Mimetype: "application/pdf"})
	mark = len(r.Emu.Posts())
	if _, _, err := r.Emu.MessageShortcut(apptest.Ctx(t), user, blockkit.ShortcutAskAboutMessage, slacktest.MessageRef{ChannelID: channel, TS: files}); err != nil {
		t.Fatal(err)
	}
	after(t, r, mark, "the nothing-to-read line", apptest.HasBlock("nothing_to_read"))

	// A channel the bot is not in: the answer is private as ever, the
	// share says it cannot post there.
	const outside = "C0OUTSIDE"
	r.Emu.SetMember(outside, false)
	ts = r.Emu.WriteMessage(slacktest.Message{UserID: "U0AUTHOR1", ChannelID: outside, Text: "What does a fractional CAIO do day to day?"})
	mark = len(r.Emu.Posts())
	if _, _, err := r.Emu.MessageShortcut(apptest.Ctx(t), user, blockkit.ShortcutAskAboutMessage, slacktest.MessageRef{ChannelID: outside, TS: ts}); err != nil {
		t.Fatal(err)
	}
	private = after(t, r, mark, "the private answer", apptest.IsAnswer)
	mark = press(t, r, user, private, blockkit.ActionShareAnswer)
	after(t, r, mark, "the cannot-post-there line", apptest.HasBlock("cannot_post_there"))
	if n := r.Count(func(p slacktest.Posted) bool { return p.Channel == outside && p.Kind == "message" }); n != 0 {
		t.Errorf("%d posts where the bot is not a member", n)
	}
}

// TestAssistantPanel: a new thread gets the suggested prompts; "Start the
// assessment" gets the button; a question gets a status, the answer in
// the thread, the status cleared and a title; the bot's own messages
// there are ignored.
func TestAssistantPanel(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{})
	const user = "U0ASSIST1"
	_, th, err := r.Emu.StartAssistantThread(apptest.Ctx(t), user)
	if err != nil {
		t.Fatal(err)
	}
	apptest.WaitUntil(t, "the suggested prompts", func() bool {
		st, ok := r.Emu.AssistantThread(th.ChannelID, th.ThreadTS)
		return ok && len(st.Prompts) >= 3
	})
	st, _ := r.Emu.AssistantThread(th.ChannelID, th.ThreadTS)
	found := false
	for _, p := range st.Prompts {
		found = found || p.Message == blockkit.AssistantStart
	}
	if !found || len(st.Prompts) > 4 {
		t.Errorf("prompts %+v: want 3 or 4, one sending %q", st.Prompts, blockkit.AssistantStart)
	}
	inThread := func(p slacktest.Posted) bool { return p.Channel == th.ChannelID && p.ThreadTS == th.ThreadTS }

	if _, _, err := r.Emu.DirectMessage(apptest.Ctx(t), slacktest.Message{UserID: user, ThreadTS: th.ThreadTS, Text: blockkit.AssistantStart}); err != nil {
		t.Fatal(err)
	}
	r.WaitPost(t, "the start button in the thread", func(p slacktest.Posted) bool { return inThread(p) && p.HasBlockID("start_prompt") })

	// The bot's own message in the thread, then a question: only the
	// question is answered.
	if _, _, err := r.Emu.DirectMessage(apptest.Ctx(t), slacktest.Message{UserID: r.Emu.Config().BotUserID, ThreadTS: th.ThreadTS, Text: "What does a fractional CTO cost?"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Emu.DirectMessage(apptest.Ctx(t), slacktest.Message{UserID: user, ThreadTS: th.ThreadTS, Text: "What does a fractional CAIO do day to day?"}); err != nil {
		t.Fatal(err)
	}
	answer := r.WaitPost(t, "the answer in the thread", func(p slacktest.Posted) bool { return inThread(p) && apptest.IsAnswer(p) })
	if !answer.HasBlockID("faq:caio-role") {
		t.Errorf("the answer: %v", answer.BlockIDs())
	}
	apptest.WaitUntil(t, "the status cleared and the title set", func() bool {
		st, _ := r.Emu.AssistantThread(th.ChannelID, th.ThreadTS)
		return st.Status == "" && st.Title != ""
	})
	st, _ = r.Emu.AssistantThread(th.ChannelID, th.ThreadTS)
	if len(st.StatusHistory) == 0 || st.StatusHistory[0] != blockkit.Thinking || !strings.Contains(st.Title, "CAIO") {
		t.Errorf("status history %q, title %q", st.StatusHistory, st.Title)
	}
	apptest.WaitUntil(t, "every request logged", func() bool { return countRequests(r) >= 3 })
	if n := r.Count(func(p slacktest.Posted) bool { return inThread(p) && apptest.IsAnswer(p) }); n != 1 {
		t.Errorf("%d answers in the thread, want 1 (the bot's own message answered?)", n)
	}
}

func countRequests(r *apptest.Rig) int { return strings.Count(r.Log(), `"msg":"request"`) }

// TestWorkflowStep: the recommend_role step returns the engine's answer as
// strings; each input missing in turn, or unknown, ends it with a
// readable error.
func TestWorkflowStep(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{})
	good := map[string]any{"goal": "both", "infrastructure": "weak", "ai_ambition": "aggressive",
		"engineering_team": "small", "ai_governance": "high", "budget": "10k_25k"}
	run := func(callbackID string, inputs map[string]any) slacktest.FunctionResult {
		t.Helper()
		_, fr, err := r.Emu.ExecuteFunction(apptest.Ctx(t), callbackID, inputs)
		if err != nil {
			t.Fatal(err)
		}
		var res slacktest.FunctionResult
		apptest.WaitUntil(t, "the step's end", func() bool {
			var ok bool
			res, ok = r.Emu.FunctionResult(fr.ExecutionID)
			return ok && res.Done
		})
		return res
	}
	res := run(blockkit.FunctionRecommendRole, good)
	conf, err := strconv.ParseFloat(res.Outputs["confidence"], 64)
	if res.Error != "" || res.Outputs["recommendation"] != string(advisor.RoleCTOThenCAIO) || err != nil || conf <= 0 || conf > 1 || res.Outputs["summary"] == "" {
		t.Errorf("outputs %v, error %q", res.Outputs, res.Error)
	}
	for _, q := range advisor.Questions() {
		for _, v := range []any{nil, "lots"} {
			in := map[string]any{}
			for k, gv := range good {
				in[k] = gv
			}
			if v == nil {
				delete(in, string(q.Field))
			} else {
				in[string(q.Field)] = v
			}
			res := run(blockkit.FunctionRecommendRole, in)
			if res.Error == "" || !strings.Contains(res.Error, string(q.Field)) || len(res.Outputs) != 0 {
				t.Errorf("%s=%v: error %q, outputs %v; want a readable error naming it", q.Field, v, res.Error, res.Outputs)
			}
		}
	}
	if res := run("another_step", good); res.Error == "" {
		t.Error("an unknown step completed")
	}
	if strings.Contains(r.Log(), "xwfp-") {
		t.Error("a run's token reached the log")
	}
}
