package main

// Integration tests: the bot as serve runs it, against the Slack emulator
// over a real websocket.
// What Slack would send is in testdata/socketmode: whole envelopes modelled
// on the examples in Slack's documentation (see the README there), filled in
// and sent with the emulator's SendEnvelope. What the bot shows back is read
// from the emulator's records, as a user would see it.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// waitTime bounds every wait for the bot: far more than it needs, far less
// than a user would wait.
const waitTime = 5 * time.Second

// TestServe runs the bot once and plays every row of the contract's Slack
// surface against it, each part as a subtest with users and channels of
// its own. Starting the bot builds the FAQ index, the slow part under -race,
// so the parts share one run; the harness checks what must hold for all of
// them when the run ends.
func TestServe(t *testing.T) {
	t.Parallel()
	h := startServe(t)
	for _, part := range []struct {
		name string
		test func(*testing.T, *harness)
	}{
		{"SlashCommands", serveSlashCommands},
		{"Assessment", serveAssessment},
		{"AssessmentValidation", serveAssessmentValidation},
		{"MentionsAndDirectMessages", serveMentionsAndDirectMessages},
		{"AssessmentFromConversation", serveAssessmentFromConversation},
		{"Buttons", serveButtons},
		{"HomeTab", serveHomeTab},
		{"IgnoresBotsEditsAndOwnMessages", serveIgnoresBotsEditsAndOwnMessages},
		{"AnswersEachEventOnce", serveAnswersEachEventOnce},
		{"NeverBroadcasts", serveNeverBroadcasts},
		{"ModalFailure", serveModalFailure},
		{"HealthAndMetrics", serveHealthAndMetrics}, // last: it reads the counts of the parts above
	} {
		t.Run(part.name, func(t *testing.T) { part.test(t, h) })
	}
}

// serveSlashCommands covers every routing row of /fractional-advisor:
// the first word, trimmed and in any case, picks the modal, the help or an
// FAQ answer; help and answers come back privately in the ack itself.
func serveSlashCommands(t *testing.T, h *harness) {
	tests := []struct {
		name, text string
		want       string // "modal", "help", or the block_id of the answer
	}{
		{"empty", "", "modal"},
		{"start", "start", "modal"},
		{"assess", "assess", "modal"},
		{"start padded and in capitals", "  START ", "modal"},
		{"assess capitalised", "Assess", "modal"},
		{"start with more words", "start please", "modal"},
		{"help", "help", "help"},
		{"help padded and in capitals", "  HELP ", "help"},
		{"ask without a question", "ask", "help"},
		{"ask", "ask how much does a part-time CTO cost?", "faq:cost"},
		{"ask in capitals", "ASK What does a fractional CAIO do day to day?", "faq:caio-role"},
		{"any other text", "When should a company hire a fractional CTO?", "faq:when-cto"},
		{"ask without an answer", "ask what's the office wifi password?", "faq:none"},
		{"other text without an answer", "what's the office wifi password?", "faq:none"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, channel := fmt.Sprintf("U0CMD%04d", i), fmt.Sprintf("C0CMD%04d", i)
			mark := h.mark()
			cmd := h.command(t, user, channel, tt.text)
			if tt.want == "modal" {
				if cmd.ack.Payload != nil {
					t.Errorf("ack payload = %s, want an empty ack (the modal is the answer)", cmd.ack.Payload)
				}
				h.waitModal(t, user, cmd.triggerID)
				return
			}
			ack := decodeAck(t, cmd.ack)
			if ack.ResponseType != "ephemeral" {
				t.Errorf("response_type = %q, want ephemeral (private)", ack.ResponseType)
			}
			if strings.TrimSpace(ack.Text) == "" {
				t.Error("the ack has no text fallback")
			}
			ids := blockIDs(t, ack.Blocks)
			switch tt.want {
			case "help":
				if !strings.Contains(ack.Text, "/fractional-advisor") || slices.ContainsFunc(ids, isFAQBlock) {
					t.Errorf("want usage, got text %q, blocks %v", ack.Text, ids)
				}
			default:
				if !slices.Contains(ids, tt.want) {
					t.Errorf("blocks %v, want %s", ids, tt.want)
				}
			}
			// The answer rode in the ack: nothing else reached the user.
			if ps := h.postsSince(mark, forUser(user)); len(ps) > 0 {
				t.Errorf("unexpected posts: %s", describe(ps))
			}
		})
	}
}

// serveAssessment submits the modal opened by the slash command with
// answers that lead to each of the four recommendations, and the modal
// opened from the Home tab's button, whose recommendation goes to the DM.
func serveAssessment(t *testing.T, h *harness) {
	answers := answersByRole(t)
	for i, role := range advisor.Roles() {
		t.Run(string(role), func(t *testing.T) {
			user, channel := fmt.Sprintf("U0REC%04d", i), fmt.Sprintf("C0REC%04d", i)
			cmd := h.command(t, user, channel, "")
			view := h.waitModal(t, user, cmd.triggerID)
			mark := h.mark()
			a := maps.Clone(answers[role])
			a["context"] = "Series B insurer, 40 engineers"
			if ack := h.submit(t, user, view, a, nil); ack.Payload != nil {
				t.Errorf("ack payload = %s, want an empty ack (closes the modal)", ack.Payload)
			}
			p := h.waitPost(t, mark, "the recommendation", func(p slacktest.Posted) bool {
				return p.UserID == user && p.HasBlockIDPrefix("recommendation:")
			})
			if p.Kind != "response_url" || p.Channel != channel || p.ResponseType != "ephemeral" {
				t.Errorf("recommendation went to %s %s (%s), want the command's response_url in %s, ephemeral", p.Kind, p.Channel, p.ResponseType, channel)
			}
			if !p.HasBlockID("recommendation:" + string(role)) {
				t.Errorf("blocks %v, want recommendation:%s", p.BlockIDs(), role)
			}
			if !strings.Contains(strings.Join(texts(t, p.Blocks), " "), "Series B insurer") {
				t.Error("the recommendation does not show the context the user gave")
			}
		})
	}
	t.Run("opened from the Home tab", func(t *testing.T) {
		user := "U0RECHOME"
		mark := h.mark()
		h.openHome(t, user, "home")
		home := h.waitPost(t, mark, "the Home tab", func(p slacktest.Posted) bool { return p.Kind == "home" && p.UserID == user })
		trigger := h.press(t, user, home, blockkit.ActionStartAssessment)
		view := h.waitModal(t, user, trigger)
		mark = h.mark()
		if ack := h.submit(t, user, view, answers[advisor.RoleBoth], nil); ack.Payload != nil {
			t.Errorf("ack payload = %s, want an empty ack", ack.Payload)
		}
		p := h.waitPost(t, mark, "the recommendation", func(p slacktest.Posted) bool {
			return p.UserID == user && p.HasBlockIDPrefix("recommendation:")
		})
		if p.Kind != "message" || p.Channel != h.emu.DMChannel(user) || !p.HasBlockID("recommendation:both") {
			t.Errorf("got %s, want recommendation:both in the user's DM %s", describe([]slacktest.Posted{p}), h.emu.DMChannel(user))
		}
	})
}

// serveAssessmentValidation sends submissions Slack's own form would not
// allow: the bot keeps the modal open with an error on the offending block
// and posts nothing, and the corrected submission is answered once.
func serveAssessmentValidation(t *testing.T, h *harness) {
	good := answersByRole(t)[advisor.RoleCTO]
	with := func(field, value string) map[string]string {
		a := maps.Clone(good)
		a[field] = value
		return a
	}
	tests := []struct {
		name    string
		answers map[string]string
		edit    func(payload map[string]any)
		block   string
	}{
		{"no option selected", good, setState("infrastructure", "selected_option", nil), "infrastructure"},
		{"input missing from the state", good, deleteState("ai_governance"), "ai_governance"},
		{"tampered budget", with("budget", "a_million"), nil, "budget"},
		{"tampered goal", with("goal", "ceo"), nil, "goal"},
		{"value of another question", with("engineering_team", "weak"), nil, "engineering_team"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, channel := fmt.Sprintf("U0VAL%04d", i), fmt.Sprintf("C0VAL%04d", i)
			cmd := h.command(t, user, channel, "")
			view := h.waitModal(t, user, cmd.triggerID)
			mark := h.mark()
			ack := decodeAck(t, h.submit(t, user, view, tt.answers, tt.edit))
			if ack.ResponseAction != "errors" || strings.TrimSpace(ack.Errors[tt.block]) == "" {
				t.Errorf("ack = %+v, want response_action errors naming %s", ack, tt.block)
			}
			// The corrected form goes through; before it, nothing was posted.
			if ack := h.submit(t, user, view, good, nil); ack.Payload != nil {
				t.Errorf("corrected submission: ack payload %s, want empty", ack.Payload)
			}
			h.waitPost(t, mark, "the recommendation", func(p slacktest.Posted) bool {
				return p.UserID == user && p.HasBlockID("recommendation:cto")
			})
			if ps := h.postsSince(mark, forUser(user)); len(ps) != 1 {
				t.Errorf("want only the corrected submission's recommendation, got %s", describe(ps))
			}
		})
	}
	// private_metadata comes back from Slack as the modal left; if it is
	// not what the bot wrote, the answer goes to the user's DM and nowhere
	// else.
	for i, meta := range []struct{ name, value string }{
		{"foreign response_url in private_metadata", `{"r":"https://hooks.example.com/commands/T1/1/steal"}`},
		{"plain http response_url in private_metadata", `{"r":"http://hooks.slack.com/commands/T1/1/x"}`},
		{"private_metadata that is not JSON", "not json"},
	} {
		t.Run(meta.name, func(t *testing.T) {
			user, channel := fmt.Sprintf("U0META%04d", i), fmt.Sprintf("C0META%04d", i)
			cmd := h.command(t, user, channel, "")
			view := h.waitModal(t, user, cmd.triggerID)
			mark := h.mark()
			h.submit(t, user, view, good, func(payload map[string]any) {
				payload["view"].(map[string]any)["private_metadata"] = meta.value
			})
			p := h.waitPost(t, mark, "the recommendation", forUser(user))
			if p.Kind != "message" || p.Channel != h.emu.DMChannel(user) || !p.HasBlockID("recommendation:cto") {
				t.Errorf("got %s, want the recommendation in the user's DM", describe([]slacktest.Posted{p}))
			}
		})
	}
}

// serveMentionsAndDirectMessages asks questions by mention, in a thread
// and in the DM; each answer has its faq:ID (or faq:none) block and lands in
// the right place.
func serveMentionsAndDirectMessages(t *testing.T, h *harness) {
	tests := []struct {
		name, where, text, want string
	}{
		{"mention", "channel", "What is the difference between a fractional CAIO and a fractional CTO?", "faq:caio-vs-cto"},
		{"mention without an answer", "channel", "what's the office wifi password?", "faq:none"},
		{"mention in a thread", "thread", "What does a fractional CTO deliver?", "faq:cto-deliverables"},
		{"direct message", "dm", "How is an AI strategy different from a technology roadmap?", "faq:ai-strategy-vs-roadmap"},
		{"direct message without an answer", "dm", "what's the office wifi password?", "faq:none"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, channel := fmt.Sprintf("U0ASK%04d", i), fmt.Sprintf("C0ASK%04d", i)
			mark := h.mark()
			var wantChannel, wantThread string
			switch tt.where {
			case "channel":
				_, ts := h.mention(t, user, channel, "", tt.text)
				wantChannel, wantThread = channel, ts
			case "thread":
				parent := h.ts()
				h.mention(t, user, channel, parent, tt.text)
				wantChannel, wantThread = channel, parent
			case "dm":
				h.dm(t, user, tt.text)
				wantChannel = h.emu.DMChannel(user)
			}
			p := h.waitPost(t, mark, "the answer", func(p slacktest.Posted) bool { return p.Channel == wantChannel })
			if p.Kind != "message" || p.ThreadTS != wantThread || !p.HasBlockID(tt.want) {
				t.Errorf("got %s, want %s in %s thread %q", describe([]slacktest.Posted{p}), tt.want, wantChannel, wantThread)
			}
		})
	}
}

// serveAssessmentFromConversation asks for the assessment in a DM or a
// mention: events carry no trigger_id, so the bot answers with a button,
// and the button opens the modal, whose recommendation goes to the DM.
func serveAssessmentFromConversation(t *testing.T, h *harness) {
	answers := answersByRole(t)[advisor.RoleCAIO]
	tests := []struct {
		name, where, text string
	}{
		{"dm start", "dm", "start"},
		{"dm asks for it", "dm", "can I take the assessment?"},
		{"mention start", "channel", "start"},
		{"mention in a thread asks for it", "thread", "I'd like to take the assessment"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, channel := fmt.Sprintf("U0CNV%04d", i), fmt.Sprintf("C0CNV%04d", i)
			mark := h.mark()
			wantChannel, wantThread := channel, ""
			switch tt.where {
			case "dm":
				h.dm(t, user, tt.text)
				wantChannel = h.emu.DMChannel(user)
			case "channel":
				_, wantThread = h.mention(t, user, channel, "", tt.text)
			case "thread":
				wantThread = h.ts()
				h.mention(t, user, channel, wantThread, tt.text)
			}
			prompt := h.waitPost(t, mark, "the start button", func(p slacktest.Posted) bool { return p.Channel == wantChannel })
			if prompt.Kind != "message" || prompt.ThreadTS != wantThread {
				t.Errorf("prompt %s, want a message in %s thread %q", describe([]slacktest.Posted{prompt}), wantChannel, wantThread)
			}
			trigger := h.press(t, user, prompt, blockkit.ActionStartAssessment)
			view := h.waitModal(t, user, trigger)
			mark = h.mark()
			h.submit(t, user, view, answers, nil)
			p := h.waitPost(t, mark, "the recommendation", func(p slacktest.Posted) bool { return p.UserID == user && p.HasBlockIDPrefix("recommendation:") })
			if p.Kind != "message" || p.Channel != h.emu.DMChannel(user) || !p.HasBlockID("recommendation:caio") {
				t.Errorf("got %s, want recommendation:caio in the DM", describe([]slacktest.Posted{p}))
			}
		})
	}
}

// serveButtons presses the buttons of a recommendation, an FAQ answer
// and the Home tab.
func serveButtons(t *testing.T, h *harness) {
	user, channel := "U0BTN0001", "C0BTN0001"
	cmd := h.command(t, user, channel, "")
	view := h.waitModal(t, user, cmd.triggerID)
	mark := h.mark()
	h.submit(t, user, view, answersByRole(t)[advisor.RoleCTOThenCAIO], nil)
	rec := h.waitPost(t, mark, "the recommendation", func(p slacktest.Posted) bool { return p.UserID == user && p.HasBlockIDPrefix("recommendation:") })

	mark = h.mark()
	_, askTS := h.mention(t, user, channel, "", "What is the difference between a fractional CAIO and a fractional CTO?")
	answer := h.waitPost(t, mark, "the answer", func(p slacktest.Posted) bool { return p.ThreadTS == askTS })

	// replyTo waits for the reply to a press on a message: through the
	// press's response_url, to the user, in the message's channel.
	replyTo := func(t *testing.T, mark int, in slacktest.Posted, what string) slacktest.Posted {
		t.Helper()
		return h.waitPost(t, mark, what, func(p slacktest.Posted) bool {
			return p.Kind == "response_url" && p.UserID == user && p.Channel == in.Channel
		})
	}

	t.Run("share", func(t *testing.T) {
		mark := h.mark()
		h.press(t, user, rec, blockkit.ActionShare)
		p := replyTo(t, mark, rec, "the shared recommendation")
		if p.ResponseType != "in_channel" || !p.HasBlockID("recommendation:cto_then_caio") {
			t.Errorf("got %s, want recommendation:cto_then_caio in_channel", describe([]slacktest.Posted{p}))
		}
	})
	t.Run("start over", func(t *testing.T) {
		trigger := h.press(t, user, rec, blockkit.ActionStartOver)
		h.waitModal(t, user, trigger)
	})
	for _, tc := range []struct {
		name, action string
		in           *slacktest.Posted
		want         string
	}{
		{"recommendation helpful", blockkit.ActionHelpful, &rec, "glad it helped"},
		{"recommendation not helpful", blockkit.ActionNotHelpful, &rec, "Thanks for telling me"},
		{"answer helpful", blockkit.ActionHelpful, &answer, "glad it helped"},
		{"answer not helpful", blockkit.ActionNotHelpful, &answer, "Thanks for telling me"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mark := h.mark()
			h.press(t, user, *tc.in, tc.action)
			p := replyTo(t, mark, *tc.in, "the thanks")
			if p.ResponseType != "ephemeral" || !strings.Contains(p.Text, tc.want) {
				t.Errorf("got %s %q, want a private %q", p.ResponseType, p.Text, tc.want)
			}
		})
	}
	t.Run("related topics", func(t *testing.T) {
		topics := buttonsWithPrefix(t, answer, blockkit.ActionTopicPrefix)
		if len(topics) == 0 {
			t.Fatalf("the answer offers no related topics: %v", answer.BlockIDs())
		}
		for _, b := range topics {
			mark := h.mark()
			h.press(t, user, answer, b.actionID)
			p := replyTo(t, mark, answer, "the topic's answer")
			if want := "faq:" + b.value; !p.HasBlockID(want) {
				t.Errorf("%s: blocks %v, want %s", b.actionID, p.BlockIDs(), want)
			}
		}
	})
	t.Run("Home tab topic", func(t *testing.T) {
		mark := h.mark()
		h.openHome(t, user, "home")
		home := h.waitPost(t, mark, "the Home tab", func(p slacktest.Posted) bool { return p.Kind == "home" && p.UserID == user })
		mark = h.mark()
		h.press(t, user, home, blockkit.ActionTopicPrefix+"cost")
		p := h.waitPost(t, mark, "the answer", func(p slacktest.Posted) bool { return p.UserID == user })
		if p.Kind != "message" || p.Channel != h.emu.DMChannel(user) || !p.HasBlockID("faq:cost") {
			t.Errorf("got %s, want faq:cost in the DM", describe([]slacktest.Posted{p}))
		}
	})
}

// serveHomeTab publishes the Home tab when it is opened, and does nothing
// for the Messages tab.
func serveHomeTab(t *testing.T, h *harness) {
	user := "U0HOME001"
	for range 5 { // several, so a wrong publish could not all land late
		h.openHome(t, user, "messages")
	}
	h.openHome(t, user, "home")
	call := h.waitCall(t, "views.publish", "views.publish for "+user, func(c slacktest.Call) bool { return c.Params["user_id"] == user })
	if call.Error != "" {
		t.Fatalf("views.publish answered %s", call.Error)
	}
	home, ok := h.emu.HomeView(user)
	if !ok || home.Type != "home" {
		t.Fatalf("no Home tab for %s", user)
	}
	if len(buttonsWithPrefix(t, slacktest.Posted{Blocks: home.Blocks}, blockkit.ActionStartAssessment)) == 0 {
		t.Error("the Home tab has no button to start the assessment")
	}
	// Work runs concurrently: publishes for the Messages tab, queued first,
	// would have landed by the time a question asked after them is answered.
	mark := h.mark()
	h.dm(t, user, "What does a fractional CTO cost?")
	h.waitPost(t, mark, "the answer", forUser(user))
	if n := len(publishesFor(h, user)); n != 1 {
		t.Errorf("views.publish called %d times, want once (the Messages tab publishes nothing)", n)
	}
}

// serveIgnoresBotsEditsAndOwnMessages sends messages the bot must not
// answer, each followed by a question it must: the only reply is to the
// question.
func serveIgnoresBotsEditsAndOwnMessages(t *testing.T, h *harness) {
	tests := []struct {
		name, fixture string
		edit          func(payload map[string]any)
	}{
		{"bot_message subtype", "message_im_bot_message", nil},
		{"another app's message (bot_id set)", "message_im_other_app", nil},
		{"the bot's own message", "message_im_own", nil},
		{"the bot's own message without bot_id", "message_im_own", deleteEvent("bot_id", "bot_profile", "app_id")},
		{"a person's message with bot_id set", "message_im", setEvent("bot_id", "B0SOMEBOT")},
		{"message_changed", "message_changed", nil},
		{"message_deleted", "message_deleted", nil},
		{"another subtype", "message_im", setEvent("subtype", "me_message")},
		{"app_mention from a bot", "app_mention", setEvent("bot_id", "B0SOMEBOT")},
		{"an edited app_mention", "app_mention", func(p map[string]any) {
			event(p)["edited"] = map[string]any{"user": "U0EDITOR1", "ts": "1515449600.000000"}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user := fmt.Sprintf("U0IGN%04d", i)
			channel := h.emu.DMChannel(user)
			if strings.HasPrefix(tt.fixture, "app_mention") {
				channel = fmt.Sprintf("C0IGN%04d", i)
			}
			mark := h.mark()
			for range 3 { // several, so wrong replies could not all land late
				h.send(t, tt.fixture, map[string]string{
					"USER_ID": user, "CHANNEL_ID": channel, "TEXT": "How much does a fractional CTO cost?",
					"TS": h.ts(), "ORIGINAL_TS": h.ts(), "EVENT_ID": h.eventID(),
				}, tt.edit)
			}
			// A question from a person in the same place, sent after.
			if strings.HasPrefix(tt.fixture, "app_mention") {
				h.mention(t, user, channel, "", "When should a company hire a fractional CAIO?")
			} else {
				h.dm(t, user, "When should a company hire a fractional CAIO?")
			}
			h.waitPost(t, mark, "the answer to the person", func(p slacktest.Posted) bool { return p.Channel == channel })
			if ps := h.postsSince(mark, inChannel(channel)); len(ps) != 1 || !ps[0].HasBlockID("faq:when-caio") {
				t.Errorf("want only the answer to the person (faq:when-caio), got %s", describe(ps))
			}
		})
	}
}

// serveAnswersEachEventOnce redelivers events as Slack does when an ack
// is late: same event_id, new envelope. Each is answered once.
func serveAnswersEachEventOnce(t *testing.T, h *harness) {
	t.Run("redelivered mention", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), waitTime)
		defer cancel()
		user, channel := "U0ONCE001", "C0ONCE001"
		mark := h.mark()
		_, info, err := h.emu.Mention(ctx, slacktest.Message{UserID: user, ChannelID: channel, Text: "What does a fractional CTO do day to day?"})
		if err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 3; attempt++ {
			if _, err := h.emu.RedeliverEvent(ctx, info.EventID, attempt, "timeout"); err != nil {
				t.Fatalf("redeliver %d: %v", attempt, err)
			}
		}
		_, last := h.mention(t, user, channel, "", "When should a company hire a fractional CTO?")
		// Replies are sent concurrently: wait for both, then count.
		h.waitPost(t, mark, "the answer to the mention", func(p slacktest.Posted) bool { return p.ThreadTS == info.TS })
		h.waitPost(t, mark, "the answer to the last mention", func(p slacktest.Posted) bool { return p.ThreadTS == last })
		if ps := h.postsSince(mark, func(p slacktest.Posted) bool { return p.ThreadTS == info.TS }); len(ps) != 1 || !ps[0].HasBlockID("faq:cto-role") {
			t.Errorf("want one answer to the redelivered mention, got %s", describe(ps))
		}
	})
	t.Run("resent direct message", func(t *testing.T) {
		user := "U0ONCE002"
		channel := h.emu.DMChannel(user)
		mark := h.mark()
		vars := map[string]string{"USER_ID": user, "CHANNEL_ID": channel, "TEXT": "What does a fractional CAIO deliver?", "TS": h.ts(), "EVENT_ID": h.eventID()}
		for range 3 {
			h.send(t, "message_im", vars, nil)
		}
		h.dm(t, user, "When should a company hire a fractional CTO?")
		h.waitPost(t, mark, "the answer to the resent message", func(p slacktest.Posted) bool { return p.HasBlockID("faq:caio-deliverables") })
		h.waitPost(t, mark, "the answer to the last message", func(p slacktest.Posted) bool { return p.HasBlockID("faq:when-cto") })
		if ps := h.postsSince(mark, inChannel(channel)); len(ps) != 2 {
			t.Errorf("want one answer to the resent message and one to the last, got %s", describe(ps))
		}
	})
}

// serveNeverBroadcasts puts channel-wide mentions in every place a user
// can type: the bot never posts them live (the harness checks every post),
// and where it shows the user's words back they are escaped.
func serveNeverBroadcasts(t *testing.T, h *harness) {
	user, channel := "U0ESC0001", "C0ESC0001"

	cmd := h.command(t, user, channel, "ask <!channel> how much does a fractional CTO cost?")
	if got := strings.Join(texts(t, decodeAck(t, cmd.ack).Blocks), " "); !strings.Contains(got, "&lt;!channel&gt;") {
		t.Errorf("the echoed question is not escaped: %q", got)
	}
	cmd = h.command(t, user, channel, "<!here> <!everyone> <!here|here> what's the office wifi password?")
	if got := strings.Join(texts(t, decodeAck(t, cmd.ack).Blocks), " "); !strings.Contains(got, "&lt;!everyone&gt;") {
		t.Errorf("the echoed question is not escaped: %q", got)
	}

	mark := h.mark()
	_, ts := h.mention(t, user, channel, "", "<!channel> What does a fractional CTO deliver?")
	if p := h.waitPost(t, mark, "the answer", func(p slacktest.Posted) bool { return p.ThreadTS == ts }); !p.HasBlockID("faq:cto-deliverables") {
		t.Errorf("mention: blocks %v", p.BlockIDs())
	}
	mark = h.mark()
	h.dm(t, user, "<!everyone> When should a company hire a fractional CAIO?")
	h.waitPost(t, mark, "the answer", func(p slacktest.Posted) bool { return p.Channel == h.emu.DMChannel(user) })

	cmd = h.command(t, user, channel, "")
	view := h.waitModal(t, user, cmd.triggerID)
	mark = h.mark()
	a := maps.Clone(answersByRole(t)[advisor.RoleCAIO])
	a["context"] = "<!channel> <!here|here> look at this <!everyone>"
	h.submit(t, user, view, a, nil)
	rec := h.waitPost(t, mark, "the recommendation", func(p slacktest.Posted) bool { return p.UserID == user && p.HasBlockIDPrefix("recommendation:") })
	if got := strings.Join(texts(t, rec.Blocks), " "); !strings.Contains(got, "&lt;!channel&gt;") {
		t.Errorf("the context is not shown escaped: %q", got)
	}
	mark = h.mark()
	h.press(t, user, rec, blockkit.ActionShare)
	h.waitPost(t, mark, "the shared copy", func(p slacktest.Posted) bool { return p.ResponseType == "in_channel" })
}

// serveModalFailure: when Slack refuses to open the modal, the user is
// told privately instead of being left with nothing.
func serveModalFailure(t *testing.T, h *harness) {
	h.failNext("views.open", "expired_trigger_id")
	user, channel := "U0FAIL001", "C0FAIL001"
	mark := h.mark()
	h.command(t, user, channel, "")
	p := h.waitPost(t, mark, "the apology", forUser(user))
	if p.Kind != "response_url" || p.ResponseType != "ephemeral" || !strings.Contains(p.Text, "/fractional-advisor") {
		t.Errorf("got %s %q, want a private note saying to run the command again", describe([]slacktest.Posted{p}), p.Text)
	}
}

// harness is one run of the bot (app.Serve, as serve runs it) against an
// emulator. Its cleanup stops the bot, which must return nil, and checks
// what holds for every session: every message has a text fallback,
// nothing pings a whole channel, every Web API call succeeded; the rig
// checks that no token reached the log.
type harness struct {
	*apptest.Rig
	emu *slacktest.Server
	ids slacktest.Config
	n   atomic.Int64 // for unique ts and event ids

	mu      sync.Mutex
	allowed map[string]int // "method error" → how many such failures the test injected
}

// startServe starts the emulator and the bot, with the configuration serve
// would read from an empty environment, and waits until it is connected.
func startServe(t *testing.T) *harness {
	t.Helper()
	r := apptest.Start(t, apptest.Options{})
	h := &harness{Rig: r, emu: r.Emu, ids: r.Emu.Config(), allowed: map[string]int{}}
	t.Cleanup(func() {
		if err := r.Stop(t); err != nil {
			t.Errorf("the bot returned %v after its context ended, want nil (a graceful stop)", err)
		}
		h.checkPosts(t)
		h.checkCalls(t)
		if !strings.Contains(r.Log(), `"msg":"request`) {
			t.Errorf("the log has no request lines, so the rig's token check proves little")
		}
	})
	return h
}

// failNext makes the next call of method fail with the Slack error code,
// and lets the harness's final check expect that one failure.
func (h *harness) failNext(method, code string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.allowed[method+" "+code]++
	h.emu.FailNext(method, slacktest.Fault{SlackError: code})
}

// ts returns a new message ts in Slack's "seconds.micros" form.
func (h *harness) ts() string { return fmt.Sprintf("1515449522.%06d", h.n.Add(1)) }

func (h *harness) eventID() string { return fmt.Sprintf("Ev0TEST%05d", h.n.Add(1)) }

// envelope is a fixture: a Socket Mode envelope as Slack writes it.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	Payload                json.RawMessage `json:"payload"`
}

var placeholder = regexp.MustCompile(`\{\{([A-Z_]+)\}\}`)

// fixture reads testdata/socketmode/NAME.json and fills in its {{VARS}},
// escaped for a JSON string, from vars and the emulator's ids.
func (h *harness) fixture(t *testing.T, name string, vars map[string]string) envelope {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "socketmode", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]string{"TEAM_ID": h.ids.TeamID, "APP_ID": h.ids.AppID, "BOT_USER_ID": h.ids.BotUserID, "BOT_ID": h.ids.BotID}
	maps.Copy(all, vars)
	var missing []string
	filled := placeholder.ReplaceAllStringFunc(string(raw), func(m string) string {
		v, ok := all[m[2:len(m)-2]]
		if !ok {
			missing = append(missing, m)
			return m
		}
		b, _ := json.Marshal(v) // a string always marshals
		return string(b[1 : len(b)-1])
	})
	if len(missing) > 0 {
		t.Fatalf("fixture %s: nothing to fill in %v", name, missing)
	}
	var env envelope
	if err := json.Unmarshal([]byte(filled), &env); err != nil || env.Type == "" || len(env.Payload) == 0 {
		t.Fatalf("fixture %s is not an envelope: %v", name, err)
	}
	return env
}

// send fills in a fixture, lets edit change its payload, sends it to the bot
// and returns the bot's ack.
func (h *harness) send(t *testing.T, name string, vars map[string]string, edit func(payload map[string]any)) slacktest.Ack {
	t.Helper()
	env := h.fixture(t, name, vars)
	payload := env.Payload
	if edit != nil {
		var m map[string]any
		if err := json.Unmarshal(payload, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		var err error
		if payload, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	ack, err := h.emu.SendEnvelope(ctx, env.Type, payload, env.AcceptsResponsePayload)
	if err != nil {
		t.Fatalf("send %s: %v", name, err)
	}
	return ack
}

type command struct {
	triggerID string
	ack       slacktest.Ack
}

// command types /fractional-advisor TEXT as user in channel; the payload
// carries a fresh trigger_id and response_url from the emulator.
func (h *harness) command(t *testing.T, user, channel, text string) command {
	t.Helper()
	trigger := h.emu.IssueTrigger(user)
	ack := h.send(t, "slash_command", map[string]string{
		"USER_ID": user, "CHANNEL_ID": channel, "TEXT": text,
		"TRIGGER_ID": trigger, "RESPONSE_URL": h.emu.IssueResponseURL("commands", channel, user),
	}, nil)
	if ack.Latency >= 3*time.Second {
		t.Errorf("slash command acknowledged after %v, want within 3s", ack.Latency)
	}
	return command{triggerID: trigger, ack: ack}
}

// mention mentions the bot in channel, in the thread of threadTS if set,
// and returns the event's id and ts.
func (h *harness) mention(t *testing.T, user, channel, threadTS, text string) (eventID, ts string) {
	t.Helper()
	eventID, ts = h.eventID(), h.ts()
	vars := map[string]string{"USER_ID": user, "CHANNEL_ID": channel, "TEXT": text, "TS": ts, "EVENT_ID": eventID}
	name := "app_mention"
	if threadTS != "" {
		name, vars["THREAD_TS"] = "app_mention_in_thread", threadTS
	}
	h.send(t, name, vars, nil)
	return eventID, ts
}

// dm sends text to the bot in user's DM with it.
func (h *harness) dm(t *testing.T, user, text string) {
	t.Helper()
	h.send(t, "message_im", map[string]string{
		"USER_ID": user, "CHANNEL_ID": h.emu.DMChannel(user), "TEXT": text, "TS": h.ts(), "EVENT_ID": h.eventID(),
	}, nil)
}

// openHome plays user opening a tab ("home" or "messages") of the app.
func (h *harness) openHome(t *testing.T, user, tab string) {
	t.Helper()
	h.send(t, "app_home_opened", map[string]string{
		"USER_ID": user, "CHANNEL_ID": h.emu.DMChannel(user), "TAB": tab, "TS": h.ts(), "EVENT_ID": h.eventID(),
	}, nil)
}

// press plays user clicking the button actionID in a message or Home tab
// the bot posted, and returns the trigger_id the click carried. A click in
// a message carries a fresh response_url for the message's channel.
func (h *harness) press(t *testing.T, user string, in slacktest.Posted, actionID string) string {
	t.Helper()
	var b button
	if bs := buttonsWithPrefix(t, in, actionID); len(bs) == 0 {
		t.Fatalf("no button %s in %s", actionID, describe([]slacktest.Posted{in}))
	} else {
		b = bs[0]
	}
	trigger := h.emu.IssueTrigger(user)
	vars := map[string]string{
		"USER_ID": user, "TRIGGER_ID": trigger, "ACTION_ID": b.actionID, "BLOCK_ID": b.blockID,
		"VALUE": b.value, "BUTTON_TEXT": b.text, "ACTION_TS": h.ts(),
	}
	switch in.Kind {
	case "home":
		home, ok := h.emu.ViewByID(in.ViewID)
		if !ok {
			t.Fatalf("no view %s", in.ViewID)
		}
		vars["VIEW_ID"], vars["VIEW_HASH"] = home.ID, home.Hash
		h.send(t, "block_actions_home", vars, nil)
	case "message", "ephemeral", "response_url":
		vars["CHANNEL_ID"], vars["MESSAGE_TS"], vars["MESSAGE_TEXT"] = in.Channel, in.TS, in.Text
		vars["RESPONSE_URL"] = h.emu.IssueResponseURL("actions", in.Channel, user)
		var edit func(map[string]any)
		if in.Kind == "ephemeral" || in.Kind == "response_url" && in.ResponseType != "in_channel" {
			// Slack sends no copy of an ephemeral message.
			edit = func(p map[string]any) {
				p["container"].(map[string]any)["is_ephemeral"] = true
				delete(p, "message")
			}
		}
		if ack := h.send(t, "block_actions", vars, edit); ack.Payload != nil {
			t.Errorf("block_actions ack payload = %s, want empty", ack.Payload)
		}
	default:
		t.Fatalf("cannot press a button in a %s", in.Kind)
	}
	return trigger
}

// submit plays user submitting the assessment modal view with answers
// (field name → option value, and "context"); edit may change the payload.
func (h *harness) submit(t *testing.T, user string, view slacktest.View, answers map[string]string, edit func(map[string]any)) slacktest.Ack {
	t.Helper()
	vars := map[string]string{
		"USER_ID": user, "TRIGGER_ID": h.emu.IssueTrigger(user), "VIEW_ID": view.ID, "VIEW_HASH": view.Hash,
		"PRIVATE_METADATA": view.PrivateMetadata, "CONTEXT": answers["context"],
	}
	for _, q := range advisor.Questions() {
		vars[strings.ToUpper(string(q.Field))] = answers[string(q.Field)]
	}
	return h.send(t, "view_submission", vars, edit)
}

// waitModal waits for the bot to open the assessment modal with triggerID
// and returns it, checked against the contract.
func (h *harness) waitModal(t *testing.T, user, triggerID string) slacktest.View {
	t.Helper()
	call := h.waitCall(t, "views.open", "views.open with the trigger_id "+triggerID, func(c slacktest.Call) bool {
		return c.Params["trigger_id"] == triggerID
	})
	if call.Error != "" {
		t.Fatalf("views.open answered %s", call.Error)
	}
	view, ok := h.emu.LatestView(user)
	if !ok {
		t.Fatalf("no modal for %s", user)
	}
	checkAssessmentModal(t, view)
	return view
}

// checkAssessmentModal checks the modal against CONTRACT.md: callback_id
// advisor_assessment; one static_select or radio_buttons element for each
// required set of option values; every other input optional. The six
// elements are also those the view_submission fixture fills in: block_id
// and action_id are the field's name.
func checkAssessmentModal(t *testing.T, view slacktest.View) {
	t.Helper()
	if view.CallbackID != "advisor_assessment" {
		t.Errorf("callback_id = %q, want advisor_assessment", view.CallbackID)
	}
	want := map[string]string{ // sorted option values → field
		"ai_transformation,both,tech_foundation": "goal",
		"partial,solid,weak":                     "infrastructure",
		"aggressive,exploring,targeted":          "ai_ambition",
		"established,none,small":                 "engineering_team",
		"high,low":                               "ai_governance",
		"10k_25k,over_25k,under_10k":             "budget",
	}
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Optional bool   `json:"optional"`
		Element  struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Options  []struct {
				Value string `json:"value"`
			} `json:"options"`
		} `json:"element"`
	}
	if err := json.Unmarshal(view.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, b := range blocks {
		if b.Type != "input" {
			continue
		}
		var values []string
		for _, o := range b.Element.Options {
			values = append(values, o.Value)
		}
		slices.Sort(values)
		field, required := want[strings.Join(values, ",")]
		switch {
		case !required && !b.Optional:
			t.Errorf("input %s is required but not one of the contract's questions", b.BlockID)
		case !required:
		case b.Optional || (b.Element.Type != "static_select" && b.Element.Type != "radio_buttons"):
			t.Errorf("input %s: a required %s, got optional=%v %s", b.BlockID, field, b.Optional, b.Element.Type)
		case seen[field]:
			t.Errorf("two inputs for %s", field)
		case b.BlockID != field || b.Element.ActionID != field:
			t.Errorf("input for %s has block_id %q, action_id %q", field, b.BlockID, b.Element.ActionID)
		default:
			seen[field] = true
		}
	}
	if len(seen) != len(want) {
		t.Errorf("the modal asks %d of the %d questions", len(seen), len(want))
	}
}

func (h *harness) mark() int {
	ps := h.emu.Posts()
	if len(ps) == 0 {
		return 0
	}
	return ps[len(ps)-1].Seq
}

// waitPost waits for the first post after mark that matches.
func (h *harness) waitPost(t *testing.T, mark int, what string, match func(slacktest.Posted) bool) slacktest.Posted {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	p, err := h.emu.WaitPostAfter(ctx, mark, match)
	if err != nil {
		t.Fatalf("waiting for %s: %v; posts since: %s", what, err, describe(h.postsSince(mark, nil)))
	}
	return p
}

// waitCall waits for a Web API call of method that matches.
func (h *harness) waitCall(t *testing.T, method, what string, match func(slacktest.Call) bool) slacktest.Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTime)
	defer cancel()
	c, err := h.emu.WaitCall(ctx, method, match)
	if err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
	return c
}

// postsSince returns the posts after mark that match (all if match is nil).
func (h *harness) postsSince(mark int, match func(slacktest.Posted) bool) []slacktest.Posted {
	var out []slacktest.Posted
	for _, p := range h.emu.Posts() {
		if p.Seq > mark && (match == nil || match(p)) {
			out = append(out, p)
		}
	}
	return out
}

func publishesFor(h *harness, user string) []slacktest.Call {
	var out []slacktest.Call
	for _, c := range h.emu.CallsTo("views.publish") {
		if c.Params["user_id"] == user {
			out = append(out, c)
		}
	}
	return out
}

func forUser(user string) func(slacktest.Posted) bool {
	return func(p slacktest.Posted) bool { return p.UserID == user }
}

func inChannel(channel string) func(slacktest.Posted) bool {
	return func(p slacktest.Posted) bool { return p.Channel == channel }
}

func isFAQBlock(id string) bool { return strings.HasPrefix(id, "faq:") }

// broadcast matches Slack's markup for channel-wide mentions, with or
// without a label: <!channel>, <!here|here>.
var broadcast = regexp.MustCompile(`<!(channel|here|everyone)(\|[^>]*)?>`)

// checkPosts checks every message the bot posted, and every reply it put
// in an ack: a plain-text fallback beside the blocks, and no live
// channel-wide mention.
func (h *harness) checkPosts(t *testing.T) {
	t.Helper()
	for _, p := range h.emu.Posts() {
		where := fmt.Sprintf("post %d (%s in %s)", p.Seq, p.Kind, p.Channel)
		if (p.Kind == "message" || p.Kind == "ephemeral" || p.Kind == "response_url") && !p.Delete && strings.TrimSpace(p.Text) == "" {
			t.Errorf("%s has no text fallback; blocks %v", where, p.BlockIDs())
		}
		for _, s := range append(texts(t, p.Blocks), p.Text) {
			if broadcast.MatchString(s) {
				t.Errorf("%s pings a whole channel: %q", where, s)
			}
		}
	}
	for _, c := range h.emu.CallsTo("socket_mode.ack") {
		payload := c.Params["payload"]
		if payload == "" {
			continue
		}
		var reply struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		if err := json.Unmarshal([]byte(payload), &reply); err != nil {
			t.Errorf("ack payload is not an object: %s", payload)
			continue
		}
		if len(reply.Blocks) > 0 && strings.TrimSpace(reply.Text) == "" {
			t.Errorf("ack with blocks has no text fallback: %s", payload)
		}
		for _, s := range texts(t, json.RawMessage(payload)) {
			if broadcast.MatchString(s) {
				t.Errorf("an ack pings a whole channel: %q", s)
			}
		}
	}
}

// checkCalls checks that Slack accepted every request the bot made.
func (h *harness) checkCalls(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	allowed := maps.Clone(h.allowed)
	for _, c := range h.emu.Calls() {
		if c.Error == "" && c.Status < 400 {
			continue
		}
		if key := c.Method + " " + c.Error; allowed[key] > 0 {
			allowed[key]--
			continue
		}
		t.Errorf("%s was answered %d %s; params %v", c.Method, c.Status, c.Error, c.Params)
	}
}

type ackBody struct {
	ResponseType   string            `json:"response_type"`
	Text           string            `json:"text"`
	Blocks         json.RawMessage   `json:"blocks"`
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
}

func decodeAck(t *testing.T, ack slacktest.Ack) ackBody {
	t.Helper()
	var body ackBody
	if ok, err := ack.Decode(&body); !ok || err != nil {
		t.Fatalf("ack payload %q: want a reply (%v)", ack.Payload, err)
	}
	return body
}

func blockIDs(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	ids, err := slacktest.BlockIDs(raw)
	if err != nil {
		t.Fatalf("blocks: %v", err)
	}
	return ids
}

// texts returns every string in a JSON document, decoded: a raw search
// would miss "<" written as \u003c.
func texts(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

type button struct{ blockID, actionID, value, text string }

// buttonsWithPrefix lists the buttons of a post whose action_id starts
// with prefix, in order.
func buttonsWithPrefix(t *testing.T, p slacktest.Posted, prefix string) []button {
	t.Helper()
	var blocks []struct {
		BlockID   string            `json:"block_id"`
		Elements  []json.RawMessage `json:"elements"`
		Accessory json.RawMessage   `json:"accessory"`
	}
	if err := json.Unmarshal(p.Blocks, &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	var out []button
	for _, b := range blocks {
		els := b.Elements
		if len(b.Accessory) > 0 {
			els = append(els, b.Accessory)
		}
		for _, raw := range els {
			var e struct {
				Type     string          `json:"type"`
				ActionID string          `json:"action_id"`
				Value    string          `json:"value"`
				Text     json.RawMessage `json:"text"` // a string in context elements
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatalf("element: %v", err)
			}
			if e.Type != "button" || !strings.HasPrefix(e.ActionID, prefix) {
				continue
			}
			var label struct {
				Text string `json:"text"`
			}
			if err := json.Unmarshal(e.Text, &label); err != nil {
				t.Fatalf("button %s: text: %v", e.ActionID, err)
			}
			out = append(out, button{b.BlockID, e.ActionID, e.Value, label.Text})
		}
	}
	return out
}

// describe prints posts for failure messages.
func describe(ps []slacktest.Posted) string {
	if len(ps) == 0 {
		return "none"
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n  #%d %s channel=%s thread=%q user=%s type=%s blocks=%v", p.Seq, p.Kind, p.Channel, p.ThreadTS, p.UserID, p.ResponseType, p.BlockIDs())
	}
	return b.String()
}

// answersByRole finds, among all combinations of answers, one that leads to
// each recommendation, so the tests follow the engine rather than fix it.
func answersByRole(t *testing.T) map[advisor.Role]map[string]string {
	t.Helper()
	qs := advisor.Questions()
	out := map[advisor.Role]map[string]string{}
	values := map[advisor.Field]string{}
	var walk func(i int)
	walk = func(i int) {
		if i == len(qs) {
			a, err := advisor.ParseAnswers(values)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := advisor.Recommend(a, advisor.DefaultMonths)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := out[rec.Role]; !ok {
				m := map[string]string{}
				for f, v := range values {
					m[string(f)] = v
				}
				out[rec.Role] = m
			}
			return
		}
		for _, o := range qs[i].Options {
			values[qs[i].Field] = o.Value
			walk(i + 1)
		}
	}
	walk(0)
	for _, r := range advisor.Roles() {
		if out[r] == nil {
			t.Fatalf("no answers lead to %s", r)
		}
	}
	return out
}

// Payload edits for the fixtures.

func event(p map[string]any) map[string]any { return p["event"].(map[string]any) }

func setEvent(key, value string) func(map[string]any) {
	return func(p map[string]any) { event(p)[key] = value }
}

func deleteEvent(keys ...string) func(map[string]any) {
	return func(p map[string]any) {
		for _, k := range keys {
			delete(event(p), k)
		}
	}
}

func stateValues(p map[string]any) map[string]any {
	return p["view"].(map[string]any)["state"].(map[string]any)["values"].(map[string]any)
}

// setState sets a key of the input id's state (block and action id alike).
func setState(id, key string, value any) func(map[string]any) {
	return func(p map[string]any) { stateValues(p)[id].(map[string]any)[id].(map[string]any)[key] = value }
}

func deleteState(id string) func(map[string]any) {
	return func(p map[string]any) { delete(stateValues(p), id) }
}

// serveHealthAndMetrics reads the address serve logged for its HTTP
// listener and checks the probes and the metrics the earlier parts moved.
func serveHealthAndMetrics(t *testing.T, h *harness) {
	m := regexp.MustCompile(`"msg":"serving health and metrics","addr":"([^"]+)"`).FindStringSubmatch(h.Log())
	if m == nil {
		t.Fatal("serve did not log its health and metrics address")
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get("http://" + m[1] + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(body)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("/healthz = %d", code)
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Errorf("/readyz = %d %q while connected", code, body)
	}
	code, body := get("/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`advisor_envelopes_total\{outcome="faq",type="command"\} [1-9]`),
		regexp.MustCompile(`advisor_envelopes_total\{outcome="duplicate",type="event"\} [1-9]`),
		regexp.MustCompile(`advisor_duplicate_events_total [1-9]`),
		regexp.MustCompile(`advisor_faq_answers_total\{result="matched"\} [1-9]`),
		regexp.MustCompile(`advisor_faq_answers_total\{result="unmatched"\} [1-9]`),
		regexp.MustCompile(`advisor_recommendations_total\{value="cto_then_caio"\} [1-9]`),
		regexp.MustCompile(`advisor_feedback_total\{helpful="yes"\} [1-9]`),
		regexp.MustCompile(`advisor_slack_api_calls_total\{method="views.open",status="ok"\} [1-9]`),
		regexp.MustCompile(`advisor_slack_api_calls_total\{method="views.open",status="expired_trigger_id"\} [1-9]`),
		regexp.MustCompile(`advisor_ack_latency_seconds_count [1-9]`),
		regexp.MustCompile(`advisor_handle_latency_seconds_count\{type="event"\} [1-9]`),
	} {
		if !want.MatchString(body) {
			t.Errorf("/metrics has no line matching %s", want)
		}
	}
}
