package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// callJSON posts a JSON body to a Web API method with token and returns
// the Slack error code answered ("" for ok).
func callJSON(t *testing.T, s *Server, token, method, body string) string {
	t.Helper()
	code, err := apiCall(s, token, method, body)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// apiCall is callJSON for any goroutine.
func apiCall(s *Server, token, method, body string) (string, error) {
	req, err := http.NewRequest(http.MethodPost, s.APIURL()+method, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var got struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || got.OK != (got.Error == "") {
		return "", fmt.Errorf("%s: answer %+v, %v", method, got, err)
	}
	return got.Error, nil
}

func TestGlobalShortcut(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	tests := []struct {
		name string
		opts []GlobalShortcutOpts
		want string // views.open's error
	}{
		{"fresh trigger", nil, ""},
		{"expired trigger", []GlobalShortcutOpts{{Expired: true}}, "expired_trigger_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, info, err := s.GlobalShortcut(ctx, "U5", "ask_advisor", tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			evt := b.next(t, ctx, socketmode.EventTypeInteractive)
			cb := evt.Data.(slack.InteractionCallback)
			if cb.Type != slack.InteractionTypeShortcut || cb.CallbackID != "ask_advisor" || cb.TriggerID != info.TriggerID ||
				cb.User.ID != "U5" || cb.Team.ID != s.Config().TeamID || cb.ResponseURL != "" || info.ResponseURL != "" || cb.Channel.ID != "" {
				t.Errorf("callback = %+v", cb)
			}
			if _, err := b.api.OpenViewContext(ctx, info.TriggerID, modalRequest(t)); slackErr(err) != tt.want || (tt.want == "" && err != nil) {
				t.Errorf("views.open: %v, want %q", err, tt.want)
			}
		})
	}
}

// shortcutPayload is what a test reads of a message_action payload.
type shortcutPayload struct {
	Type        string `json:"type"`
	CallbackID  string `json:"callback_id"`
	TriggerID   string `json:"trigger_id"`
	ResponseURL string `json:"response_url"`
	MessageTS   string `json:"message_ts"`
	User        struct {
		ID string `json:"id"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Message struct {
		Type     string            `json:"type"`
		Subtype  *string           `json:"subtype"`
		User     string            `json:"user"`
		BotID    string            `json:"bot_id"`
		TS       string            `json:"ts"`
		ThreadTS string            `json:"thread_ts"`
		Text     *string           `json:"text"`
		Blocks   []any             `json:"blocks"`
		Files    []json.RawMessage `json:"files"`
	} `json:"message"`
}

func TestMessageShortcut(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	s.SetMember("C2", false)
	userMsg := func(ch, thread string) string {
		_, info, err := s.ChannelMessage(ctx, Message{UserID: "U9", ChannelID: ch, Text: "what is a fractional CTO?", ThreadTS: thread})
		if err != nil {
			t.Fatal(err)
		}
		if ch != "C2" {
			nextEvent(t, ctx, b)
		}
		return info.TS
	}
	_, botTS, err := b.api.PostMessageContext(ctx, "C1", slack.MsgOptionText("an answer", false), slack.MsgOptionTS("1700000000.000001"))
	if err != nil {
		t.Fatal(err)
	}
	file := File{Name: "deck.pdf", Mimetype: "application/pdf"}
	tests := []struct {
		name          string
		ref           MessageRef
		text, thread  string
		bot, files    bool
		threadPostErr string // chat.postMessage in the message's thread
	}{
		{"user message", MessageRef{"C1", userMsg("C1", "")}, "what is a fractional CTO?", "", false, false, ""},
		{"user reply", MessageRef{"C1", userMsg("C1", "1700000000.000001")}, "what is a fractional CTO?", "1700000000.000001", false, false, ""},
		{"bot reply", MessageRef{"C1", botTS}, "an answer", "1700000000.000001", true, false, ""},
		{"channel without the bot", MessageRef{"C2", userMsg("C2", "")}, "what is a fractional CTO?", "", false, false, "not_in_channel"},
		{"files only", MessageRef{"C1", s.WriteMessage(Message{UserID: "U9", ChannelID: "C1"}, file)}, "", "", false, true, ""},
		{"DM between people", MessageRef{"D0PEOPLE1", s.WriteMessage(Message{UserID: "U9", ChannelID: "D0PEOPLE1", Text: "hi"})}, "hi", "", false, false, "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, info, err := s.MessageShortcut(ctx, "U5", "ask_about_message", tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			evt := b.next(t, ctx, socketmode.EventTypeInteractive)
			if cb := evt.Data.(slack.InteractionCallback); cb.Type != slack.InteractionTypeMessageAction || cb.Message.Timestamp != tt.ref.TS {
				t.Errorf("slack-go read %+v", cb)
			}
			var p shortcutPayload
			if err := json.Unmarshal(evt.Request.Payload, &p); err != nil {
				t.Fatal(err)
			}
			m := p.Message
			if p.Type != "message_action" || p.CallbackID != "ask_about_message" || p.TriggerID != info.TriggerID || p.ResponseURL != info.ResponseURL ||
				p.User.ID != "U5" || p.Channel.ID != tt.ref.ChannelID || p.MessageTS != tt.ref.TS || m.Type != "message" || m.Subtype != nil ||
				m.TS != tt.ref.TS || m.ThreadTS != tt.thread || m.Text == nil || *m.Text != tt.text || (m.BotID != "") != tt.bot ||
				(len(m.Files) > 0) != tt.files || !tt.bot && (len(m.Blocks) > 0) != (tt.text != "") {
				t.Errorf("payload = %s", evt.Request.Payload)
			}
			if tt.files && (!strings.Contains(string(m.Files[0]), `"name":"deck.pdf"`) || !strings.Contains(string(m.Files[0]), `"mimetype":"application/pdf"`)) {
				t.Errorf("files = %s", m.Files[0])
			}
			if err := slack.PostWebhookContext(ctx, info.ResponseURL, &slack.WebhookMessage{Text: tt.name}); err != nil {
				t.Fatalf("response_url: %v", err)
			}
			answered := func(p Posted) bool { return p.Kind == "response_url" && p.Text == tt.name }
			if p, err := s.WaitPost(ctx, answered); err != nil || p.UserID != "U5" || p.Channel != tt.ref.ChannelID || p.ResponseType != "ephemeral" {
				t.Errorf("response_url post = %+v, %v", p, err)
			}
			_, _, err = b.api.PostMessageContext(ctx, tt.ref.ChannelID, slack.MsgOptionText("reply", false), slack.MsgOptionTS(tt.ref.TS))
			if got := slackErr(err); got != tt.threadPostErr || (got == "" && err != nil) {
				t.Errorf("reply in the thread: %v, want %q", err, tt.threadPostErr)
			}
		})
	}
	if _, _, err := s.MessageShortcut(ctx, "U5", "ask_about_message", MessageRef{"C1", "1.000001"}); !errors.Is(err, ErrUnknownMessage) {
		t.Errorf("unknown message: %v", err)
	}
	if m, ok := s.Message("C1", tests[4].ref.TS); !ok || m.Text != "" || len(m.Files) != 1 || !strings.HasPrefix(m.Files[0].ID, "F") || m.Blocks != nil {
		t.Errorf("files message = %+v, %v", m, ok)
	}
}

func TestAssistantThread(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	_, bot := s.Tokens()
	_, info, err := s.StartAssistantThread(ctx, "U5")
	if err != nil {
		t.Fatal(err)
	}
	evt := b.next(t, ctx, socketmode.EventTypeEventsAPI)
	ev, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.AssistantThreadStartedEvent)
	if !ok || info.ChannelID != s.DMChannel("U5") || ev.AssistantThread.UserID != "U5" || ev.AssistantThread.ChannelID != info.ChannelID ||
		ev.AssistantThread.ThreadTimeStamp != info.ThreadTS || ev.AssistantThread.Context.ChannelID != s.Config().DefaultChannelID ||
		ev.AssistantThread.Context.TeamID != s.Config().TeamID || ev.EventTimestamp == "" {
		t.Fatalf("event %s, info %+v", evt.Request.Payload, info)
	}
	if cb := evt.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent); cb.EventID != info.EventID {
		t.Errorf("event_id %s, want %s", cb.EventID, info.EventID)
	}
	_, other, _ := s.StartAssistantThread(ctx, "U6")
	b.next(t, ctx, socketmode.EventTypeEventsAPI)
	thread := fmt.Sprintf(`"channel_id":%q,"thread_ts":%q`, info.ChannelID, info.ThreadTS)
	prompt := `{"title":"Assess","message":"Start the assessment"}`
	tests := []struct {
		name, method, body string
		token              string // "" for the bot's
		want               string
	}{
		{"prompts", "assistant.threads.setSuggestedPrompts", `{` + thread + `,"prompts":[` + prompt + `,` + prompt + `,` + prompt + `]}`, "", ""},
		{"no prompts", "assistant.threads.setSuggestedPrompts", `{` + thread + `,"prompts":[]}`, "", "invalid_arguments"},
		{"five prompts", "assistant.threads.setSuggestedPrompts", `{` + thread + `,"prompts":[` + strings.Repeat(prompt+",", 4) + prompt + `]}`, "", "invalid_arguments"},
		{"prompt without message", "assistant.threads.setSuggestedPrompts", `{` + thread + `,"prompts":[{"title":"x","message":""}]}`, "", "invalid_arguments"},
		{"prompts missing", "assistant.threads.setSuggestedPrompts", `{` + thread + `}`, "", "invalid_arguments"},
		{"app token", "assistant.threads.setSuggestedPrompts", `{` + thread + `,"prompts":[` + prompt + `]}`, "app", "not_allowed_token_type"},
		{"not a thread", "assistant.threads.setSuggestedPrompts", fmt.Sprintf(`{"channel_id":%q,"thread_ts":"1.000001","prompts":[%s]}`, info.ChannelID, prompt), "", "invalid_thread_ts"},
		{"another user's thread", "assistant.threads.setSuggestedPrompts", fmt.Sprintf(`{"channel_id":%q,"thread_ts":%q,"prompts":[%s]}`, info.ChannelID, other.ThreadTS, prompt), "", "invalid_thread_ts"},
		{"not the bot's DM", "assistant.threads.setStatus", fmt.Sprintf(`{"channel_id":"D0NOTBOT1","thread_ts":%q,"status":"x"}`, info.ThreadTS), "", "channel_not_found"},
		{"no channel", "assistant.threads.setStatus", fmt.Sprintf(`{"thread_ts":%q,"status":"x"}`, info.ThreadTS), "", "invalid_arguments"},
		{"no thread_ts", "assistant.threads.setStatus", fmt.Sprintf(`{"channel_id":%q,"status":"x"}`, info.ChannelID), "", "invalid_arguments"},
		{"status", "assistant.threads.setStatus", `{` + thread + `,"status":"is thinking…"}`, "", ""},
		{"status missing", "assistant.threads.setStatus", `{` + thread + `}`, "", "invalid_arguments"},
		{"status not a string", "assistant.threads.setStatus", `{` + thread + `,"status":7}`, "", "invalid_arguments"},
		{"title", "assistant.threads.setTitle", `{` + thread + `,"title":"Hiring a CAIO"}`, "", ""},
		{"empty title", "assistant.threads.setTitle", `{` + thread + `,"title":""}`, "", "invalid_arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := bot
			if tt.token == "app" {
				tok, _ = s.Tokens()
			}
			if got := callJSON(t, s, tok, tt.method, tt.body); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
	st, ok := s.AssistantThread(info.ChannelID, info.ThreadTS)
	if !ok || st.UserID != "U5" || len(st.Prompts) != 3 || st.Prompts[0] != (Prompt{"Assess", "Start the assessment"}) ||
		st.Status != "is thinking…" || st.Title != "Hiring a CAIO" {
		t.Errorf("state = %+v, %v", st, ok)
	}

	// A form works too, and "" clears the status; so does the bot's reply.
	form := url.Values{"token": {bot}, "channel_id": {info.ChannelID}, "thread_ts": {info.ThreadTS}, "status": {""}}
	if body := rawPost(t, s, "assistant.threads.setStatus", form); body["ok"] != true {
		t.Errorf("form setStatus: %v", body)
	}
	form.Set("status", "is writing…")
	rawPost(t, s, "assistant.threads.setStatus", form)
	if _, _, err := s.DirectMessage(ctx, Message{UserID: "U5", Text: "who do I hire?", ThreadTS: info.ThreadTS}); err != nil {
		t.Fatal(err)
	}
	if d := nextEvent(t, ctx, b); d.Event.ThreadTS != info.ThreadTS || d.Event.Channel != info.ChannelID || d.Event.ChannelType != "im" {
		t.Errorf("message in the thread = %+v", d)
	}
	if _, _, err := b.api.PostMessageContext(ctx, info.ChannelID, slack.MsgOptionText("a CAIO", false), slack.MsgOptionTS(info.ThreadTS)); err != nil {
		t.Fatal(err)
	}
	st, _ = s.AssistantThread(info.ChannelID, info.ThreadTS)
	if st.Status != "" || strings.Join(st.StatusHistory, "|") != "is thinking…||is writing…" {
		t.Errorf("after the reply: %+v", st)
	}
	if _, ok := s.AssistantThread(info.ChannelID, "1.000001"); ok {
		t.Error("AssistantThread found a thread never started")
	}
	if c, err := s.WaitCall(ctx, "assistant.threads.setTitle", nil); err != nil || c.Params["title"] != "Hiring a CAIO" || c.Token != "xoxb-…" {
		t.Errorf("WaitCall = %+v, %v", c, err)
	}
}

// functionEvent is the next function_executed event, read by slack-go.
func functionEvent(t *testing.T, ctx context.Context, b *bot) *slackevents.FunctionExecutedEvent {
	t.Helper()
	evt := b.next(t, ctx, socketmode.EventTypeEventsAPI)
	ev, ok := evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data.(*slackevents.FunctionExecutedEvent)
	if !ok {
		t.Fatalf("not a function_executed: %s", evt.Request.Payload)
	}
	return ev
}

func TestExecuteFunction(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	app, bot := s.Tokens()
	inputs := map[string]any{"goal": "ai_transformation", "budget": "over_25k"}
	_, run, err := s.ExecuteFunction(ctx, "recommend_role", inputs)
	if err != nil {
		t.Fatal(err)
	}
	ev := functionEvent(t, ctx, b)
	if ev.Function.CallbackID != "recommend_role" || ev.FunctionExecutionID != run.ExecutionID || !strings.HasPrefix(run.ExecutionID, "Fx") ||
		!strings.HasPrefix(ev.WorkflowExecutionID, "Wx") || !strings.HasPrefix(ev.BotAccessToken, "xwfp-") || ev.Inputs["goal"] != "ai_transformation" ||
		len(ev.Function.InputParameters) != 2 || ev.Function.InputParameters[0].Name != "budget" || ev.EventTs == "" {
		t.Fatalf("event = %+v", ev)
	}
	token := ev.BotAccessToken
	_, run2, _ := s.ExecuteFunction(ctx, "recommend_role", nil)
	token2 := functionEvent(t, ctx, b).BotAccessToken

	done := func(id string) string { return fmt.Sprintf(`"function_execution_id":%q`, id) }
	success := `{` + done(run.ExecutionID) + `,"outputs":{"recommendation":"caio","confidence":"0.85","summary":"An AI lead."}}`
	tests := []struct {
		name, method, token, body, want string
	}{
		{"run token elsewhere", "chat.postMessage", token, `{"channel":"C1","text":"hi"}`, "not_allowed_token_type"},
		{"app token", "functions.completeSuccess", app, success, "not_allowed_token_type"},
		{"another run's token", "functions.completeSuccess", token2, success, "access_denied"},
		{"unknown run", "functions.completeSuccess", token, `{` + done("FxNOPE") + `,"outputs":{}}`, "function_execution_not_found"},
		{"no run", "functions.completeSuccess", token, `{"outputs":{}}`, "invalid_arguments"},
		{"outputs missing", "functions.completeSuccess", token, `{` + done(run.ExecutionID) + `}`, "invalid_arguments"},
		{"outputs not an object", "functions.completeSuccess", token, `{` + done(run.ExecutionID) + `,"outputs":["caio"]}`, "invalid_arguments"},
		{"output not a string", "functions.completeSuccess", token, `{` + done(run.ExecutionID) + `,"outputs":{"confidence":0.85}}`, "parameter_validation_failed"},
		{"success", "functions.completeSuccess", token, success, ""},
		{"twice", "functions.completeSuccess", token, success, "execution_not_in_running_state"},
		{"error after success", "functions.completeError", token, `{` + done(run.ExecutionID) + `,"error":"x"}`, "execution_not_in_running_state"},
		{"error missing", "functions.completeError", bot, `{` + done(run2.ExecutionID) + `}`, "invalid_arguments"},
		{"error not a string", "functions.completeError", bot, `{` + done(run2.ExecutionID) + `,"error":{}}`, "invalid_arguments"},
		{"error with the bot token", "functions.completeError", bot, `{` + done(run2.ExecutionID) + `,"error":"input goal is missing"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := callJSON(t, s, tt.token, tt.method, tt.body); got != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
		})
	}
	if r, ok := s.FunctionResult(run.ExecutionID); !ok || !r.Done || r.Error != "" ||
		r.Outputs["recommendation"] != "caio" || r.Outputs["confidence"] != "0.85" || len(r.Outputs) != 3 {
		t.Errorf("result = %+v, %v", r, ok)
	}
	if r, ok := s.FunctionResult(run2.ExecutionID); !ok || !r.Done || r.Error != "input goal is missing" || r.Outputs != nil {
		t.Errorf("result 2 = %+v, %v", r, ok)
	}
	if _, ok := s.FunctionResult("FxNOPE"); ok {
		t.Error("FunctionResult found an unknown run")
	}
	c, err := s.WaitCall(ctx, "functions.completeSuccess", func(c Call) bool { return c.Error == "" })
	if err != nil || c.Token != "xwfp-…" || strings.Contains(string(c.Body), token) {
		t.Errorf("WaitCall = %+v, %v", c, err)
	}

	// A form, with the outputs as JSON in a string, as Slack takes too.
	_, run3, _ := s.ExecuteFunction(ctx, "recommend_role", nil)
	form := url.Values{"token": {functionEvent(t, ctx, b).BotAccessToken}, "function_execution_id": {run3.ExecutionID}, "outputs": {`{"summary":"ok"}`}}
	if body := rawPost(t, s, "functions.completeSuccess", form); body["ok"] != true {
		t.Errorf("form: %v", body)
	}
	if r, _ := s.FunctionResult(run3.ExecutionID); r.Outputs["summary"] != "ok" {
		t.Errorf("form result = %+v", r)
	}
}

// TestWaysConcurrent: shortcuts, assistant threads and function runs from
// many users at once keep to their own triggers, threads and runs.
func TestWaysConcurrent(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	connected(t, s, nil)
	ctx := testCtx(t)
	_, bot := s.Tokens()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 8 {
		user := fmt.Sprintf("U%d", i)
		wg.Go(func() {
			if _, _, err := s.GlobalShortcut(ctx, user, "ask_advisor"); err != nil {
				errs <- err
			}
			ts := s.WriteMessage(Message{UserID: user, ChannelID: "C1", Text: "hi " + user})
			if _, _, err := s.MessageShortcut(ctx, user, "ask_about_message", MessageRef{"C1", ts}); err != nil {
				errs <- err
			}
			_, th, err := s.StartAssistantThread(ctx, user)
			if err != nil {
				errs <- err
				return
			}
			body := fmt.Sprintf(`{"channel_id":%q,"thread_ts":%q,"status":%q}`, th.ChannelID, th.ThreadTS, user)
			if got, err := apiCall(s, bot, "assistant.threads.setStatus", body); got != "" || err != nil {
				errs <- fmt.Errorf("setStatus: %q, %v", got, err)
			}
			if st, _ := s.AssistantThread(th.ChannelID, th.ThreadTS); st.Status != user || st.UserID != user {
				errs <- fmt.Errorf("thread of %s: %+v", user, st)
			}
			_, run, err := s.ExecuteFunction(ctx, "recommend_role", map[string]any{"goal": user})
			if err != nil {
				errs <- err
				return
			}
			body = fmt.Sprintf(`{"function_execution_id":%q,"outputs":{"summary":%q}}`, run.ExecutionID, user)
			if got, err := apiCall(s, bot, "functions.completeSuccess", body); got != "" || err != nil {
				errs <- fmt.Errorf("completeSuccess: %q, %v", got, err)
			}
			if r, _ := s.FunctionResult(run.ExecutionID); r.Outputs["summary"] != user {
				errs <- fmt.Errorf("run of %s: %+v", user, r)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
