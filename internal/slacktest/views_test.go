package slacktest

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

const assessmentModal = `{
  "type": "modal",
  "callback_id": "advisor_assessment",
  "private_metadata": "{\"response_url\":\"x\"}",
  "title": {"type": "plain_text", "text": "Assessment"},
  "submit": {"type": "plain_text", "text": "Submit"},
  "blocks": [
    {"type": "input", "block_id": "goal", "label": {"type": "plain_text", "text": "Goal"},
     "element": {"type": "static_select", "action_id": "pick",
       "options": [
         {"text": {"type": "plain_text", "text": "AI transformation"}, "value": "ai_transformation"},
         {"text": {"type": "plain_text", "text": "Both"}, "value": "both"}]}},
    {"type": "input", "block_id": "budget", "label": {"type": "plain_text", "text": "Budget"},
     "element": {"type": "radio_buttons", "action_id": "pick",
       "options": [
         {"text": {"type": "plain_text", "text": "Under $10k"}, "value": "under_10k"},
         {"text": {"type": "plain_text", "text": "Over $25k"}, "value": "over_25k"}]}},
    {"type": "input", "block_id": "context", "optional": true, "label": {"type": "plain_text", "text": "Context"},
     "element": {"type": "plain_text_input", "action_id": "text", "multiline": true}},
    {"type": "input", "label": {"type": "plain_text", "text": "Notes"}, "optional": true,
     "element": {"type": "plain_text_input"}}
  ]
}`

func modalRequest(t *testing.T) slack.ModalViewRequest {
	t.Helper()
	var m slack.ModalViewRequest
	if err := json.Unmarshal([]byte(assessmentModal), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestViewsOpenTriggers(t *testing.T) {
	t.Parallel()
	// Two emulators: expiry needs a short TriggerTTL, and the other cases
	// must not race one.
	s := startServer(t, Config{})
	short := startServer(t, Config{TriggerTTL: 100 * time.Millisecond})
	b := connected(t, s, nil)
	bs := connected(t, short, nil)
	ctx := testCtx(t)
	trigger := func(s *Server) string {
		_, info, err := s.SlashCommand(ctx, SlashCommand{UserID: "U5"})
		if err != nil {
			t.Fatal(err)
		}
		return info.TriggerID
	}
	reused, expired := trigger(s), trigger(short)
	if _, err := b.api.OpenViewContext(ctx, reused, modalRequest(t)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)

	tests := []struct {
		name, trigger, want string
		bot                 *bot
	}{
		{"fresh", trigger(s), "", b},
		{"reused", reused, "exchanged_trigger_id", b},
		{"expired", expired, "expired_trigger_id", bs},
		{"made up", "123.456.abc", "invalid_trigger_id", b},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.bot.api.OpenViewContext(ctx, tt.trigger, modalRequest(t))
			if got := slackErr(err); got != tt.want || (tt.want == "" && err != nil) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.want != "" {
				return
			}
			if !strings.HasPrefix(resp.ID, "V") || resp.CallbackID != "advisor_assessment" || resp.Hash == "" {
				t.Errorf("view = %+v", resp.View)
			}
			v, ok := s.LatestView("U5")
			if !ok || v.ID != resp.ID || !v.Open || v.PrivateMetadata != `{"response_url":"x"}` || v.Title != "Assessment" ||
				len(v.Blocks) == 0 || len(mustIDs(t, v.Blocks)) != 4 {
				t.Errorf("LatestView = %+v, %v", v, ok)
			}
			if p, _ := s.WaitPost(ctx, func(p Posted) bool { return p.Kind == "view" && p.ViewID == resp.ID }); p.UserID != "U5" {
				t.Errorf("view post = %+v", p)
			}
		})
	}
}

func TestViewValidation(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	long := modalRequest(t)
	long.Title = slack.NewTextBlockObject("plain_text", strings.Repeat("t", 25), false, false)
	noSubmit := modalRequest(t)
	noSubmit.Submit = nil
	for name, view := range map[string]slack.ModalViewRequest{"title too long": long, "inputs without submit": noSubmit} {
		_, info, err := s.SlashCommand(ctx, SlashCommand{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.api.OpenViewContext(ctx, info.TriggerID, view); slackErr(err) != "invalid_arguments" {
			t.Errorf("%s: err = %v, want invalid_arguments", name, err)
		}
	}
}

func TestSubmitViewState(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	var mu sync.Mutex
	var reply json.RawMessage
	ackWith := func(p string) {
		mu.Lock()
		defer mu.Unlock()
		reply = nil
		if p != "" {
			reply = json.RawMessage(p)
		}
	}
	b := connected(t, s, func(b *bot, evt socketmode.Event) {
		mu.Lock()
		r := reply
		mu.Unlock()
		if r != nil {
			_ = b.sm.Ack(*evt.Request, r)
			return
		}
		_ = b.sm.Ack(*evt.Request)
	})
	ctx := testCtx(t)
	_, info, err := s.SlashCommand(ctx, SlashCommand{UserID: "U5"})
	if err != nil {
		t.Fatal(err)
	}
	opened, err := b.api.OpenViewContext(ctx, info.TriggerID, modalRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	b.next(t, ctx, socketmode.EventTypeSlashCommand)

	ackWith(`{"response_action":"errors","errors":{"budget":"pick one"}}`)
	ack, err := s.SubmitView(ctx, "U5", opened.ID, map[string]string{
		"goal": "both", "budget": "over_25k", "context": "we ship weekly", "tampered": "x",
	})
	if err != nil {
		t.Fatalf("SubmitView: %v", err)
	}
	if !strings.Contains(string(ack.Payload), `"errors"`) {
		t.Errorf("ack payload = %s", ack.Payload)
	}
	evt := b.next(t, ctx, socketmode.EventTypeInteractive)
	cb := evt.Data.(slack.InteractionCallback)
	if cb.Type != slack.InteractionTypeViewSubmission || cb.View.ID != opened.ID || cb.View.CallbackID != "advisor_assessment" ||
		cb.View.PrivateMetadata != `{"response_url":"x"}` || cb.TriggerID == "" || cb.User.ID != "U5" || !evt.Request.AcceptsResponsePayload {
		t.Errorf("callback = %+v", cb)
	}
	if !strings.Contains(string(evt.Request.Payload), `"response_urls":[]`) {
		t.Errorf("payload lacks empty response_urls: %s", evt.Request.Payload)
	}
	vals := cb.View.State.Values
	if o := vals["goal"]["pick"]; o.Type != "static_select" || o.SelectedOption.Value != "both" || o.SelectedOption.Text.Text != "Both" {
		t.Errorf("goal = %+v", o)
	}
	if o := vals["budget"]["pick"]; o.Type != "radio_buttons" || o.SelectedOption.Value != "over_25k" || o.SelectedOption.Text.Text != "Over $25k" {
		t.Errorf("budget = %+v", o)
	}
	if o := vals["context"]["text"]; o.Type != "plain_text_input" || o.Value != "we ship weekly" {
		t.Errorf("context = %+v", o)
	}
	if o := vals["tampered"]["tampered"]; o.Value != "x" {
		t.Errorf("unknown block not passed through: %+v", vals)
	}
	if len(vals) != 5 {
		t.Errorf("state has %d blocks, want every input block plus the tampered one: %v", len(vals), vals)
	}
	if v, _ := s.ViewByID(opened.ID); !v.Open {
		t.Errorf("an errors ack closed the view")
	}

	// response_action update replaces the view in place.
	ackWith(`{"response_action":"update","view":{"type":"modal","title":{"type":"plain_text","text":"Thanks"},"blocks":[{"type":"section","text":{"type":"mrkdwn","text":"done"}}]}}`)
	if _, err := s.SubmitView(ctx, "U5", opened.ID, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.ViewByID(opened.ID); v.Title != "Thanks" || v.Hash == opened.Hash {
		t.Errorf("after update: %+v", v)
	}
	// An empty ack closes it.
	ackWith("")
	if _, err := s.SubmitView(ctx, "U5", opened.ID, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.ViewByID(opened.ID); v.Open {
		t.Errorf("an empty ack left the view open")
	}
	if _, err := s.SubmitView(ctx, "U5", "VNOPE", nil); !errors.Is(err, ErrUnknownView) {
		t.Errorf("unknown view: %v", err)
	}
}

func TestViewsPublish(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewActionBlock("", slack.NewButtonBlockElement("start", "go", slack.NewTextBlockObject("plain_text", "Start", false, false))),
	}}}
	h1, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U5", View: home})
	if err != nil {
		t.Fatal(err)
	}
	stale := "stale.hash"
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U5", View: home, Hash: &stale}); slackErr(err) != "hash_conflict" {
		t.Errorf("stale hash: %v", err)
	}
	h2, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U5", View: home, Hash: &h1.Hash})
	if err != nil || h2.ID != h1.ID || h2.Hash == h1.Hash {
		t.Fatalf("republish: %v, ids %q %q, hashes %q %q", err, h1.ID, h2.ID, h1.Hash, h2.Hash)
	}
	p, _ := s.WaitPost(ctx, func(p Posted) bool { return p.Kind == "home" && p.Replace })
	if p.UserID != "U5" || p.ViewID != h1.ID {
		t.Errorf("home post = %+v", p)
	}
	if v, ok := s.HomeView("U5"); !ok || v.ID != h1.ID || v.Type != "home" || v.Open {
		t.Errorf("HomeView = %+v, %v", v, ok)
	}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "C5", View: home}); slackErr(err) != "user_not_found" {
		t.Errorf("views.publish for a channel: %v", err)
	}

	// Opening Home carries the published view.
	if _, _, err := s.OpenHome(ctx, "U5"); err != nil {
		t.Fatal(err)
	}
	evt := b.next(t, ctx, socketmode.EventTypeEventsAPI)
	ho := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AppHomeOpenedEvent)
	if ho.Tab != "home" || ho.User != "U5" || ho.View == nil || ho.View.ID != h1.ID {
		t.Errorf("app_home_opened = %+v", ho)
	}
}

func mustIDs(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	ids, err := BlockIDs(raw)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestSubmitViewCheckboxes: checkboxes go as Slack sends them, ticked or
// not: selected_options, an empty array when none is ticked.
func TestSubmitViewCheckboxes(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	tests := []struct {
		block    string
		initial  bool // option "a" ticked when the modal opens
		answer   *string
		selected string
	}{
		{"one ticked", false, new("a"), "a"},
		{"two ticked", false, new("a,b"), "a,b"},
		{"untouched", false, nil, ""},
		{"cleared", false, new(""), ""},
		{"initial kept", true, nil, "a"},
		{"initial cleared", true, new(""), ""},
	}
	opt := func(v string) *slack.OptionBlockObject {
		return slack.NewOptionBlockObject(v, slack.NewTextBlockObject("plain_text", strings.ToUpper(v), false, false), nil)
	}
	modal := slack.ModalViewRequest{Type: slack.VTModal, Title: slack.NewTextBlockObject("plain_text", "Pick", false, false),
		Submit: slack.NewTextBlockObject("plain_text", "Send", false, false)}
	answers := map[string]string{}
	for _, tt := range tests {
		cb := slack.NewCheckboxGroupsBlockElement("boxes", opt("a"), opt("b"))
		if tt.initial {
			cb.InitialOptions = []*slack.OptionBlockObject{opt("a")}
		}
		in := slack.NewInputBlock(tt.block, slack.NewTextBlockObject("plain_text", tt.block, false, false), nil, cb)
		in.Optional = true
		modal.Blocks.BlockSet = append(modal.Blocks.BlockSet, in)
		if tt.answer != nil {
			answers[tt.block] = *tt.answer
		}
	}
	view, err := b.api.OpenViewContext(ctx, s.IssueTrigger("U9"), modal)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitView(ctx, "U9", view.ID, answers); err != nil {
		t.Fatal(err)
	}
	evt := b.next(t, ctx, socketmode.EventTypeInteractive)
	var raw struct {
		View struct {
			State struct {
				Values map[string]map[string]map[string]json.RawMessage `json:"values"`
			} `json:"state"`
		} `json:"view"`
	}
	if err := json.Unmarshal(evt.Request.Payload, &raw); err != nil {
		t.Fatal(err)
	}
	values := evt.Data.(slack.InteractionCallback).View.State.Values
	for _, tt := range tests {
		t.Run(tt.block, func(t *testing.T) {
			st := values[tt.block]["boxes"]
			var got []string
			for _, o := range st.SelectedOptions {
				got = append(got, o.Value)
				if o.Text == nil || o.Text.Text != strings.ToUpper(o.Value) {
					t.Errorf("option %+v lacks its text", o)
				}
			}
			if st.Type != "checkboxes" || strings.Join(got, ",") != tt.selected {
				t.Errorf("state = %+v, want %q ticked", st, tt.selected)
			}
			if sent := string(raw.View.State.Values[tt.block]["boxes"]["selected_options"]); tt.selected == "" && sent != "[]" {
				t.Errorf("selected_options sent as %s, want []", sent)
			}
		})
	}
}
