package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// slackErr returns the Slack error code of err, or "" if it is not one.
func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

func TestTokenChecks(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	app, bot := s.Tokens()
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want string
	}{
		{"app token on chat.postMessage", func(ctx context.Context) error {
			_, _, err := newAPI(t, s, app, app).PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
			return err
		}, "not_allowed_token_type"},
		{"bot token on apps.connections.open", func(ctx context.Context) error {
			_, _, err := newAPI(t, s, bot, bot).StartSocketModeContext(ctx)
			return err
		}, "not_allowed_token_type"},
		{"no token", func(ctx context.Context) error {
			_, err := newAPI(t, s, "", app).AuthTestContext(ctx)
			return err
		}, "not_authed"},
		{"unknown token", func(ctx context.Context) error {
			_, _, err := newAPI(t, s, "xoxb-forged", app).PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
			return err
		}, "invalid_auth"},
		{"bot token on auth.test", func(ctx context.Context) error {
			r, err := newAPI(t, s, bot, app).AuthTestContext(ctx)
			if err == nil && (r.UserID != s.Config().BotUserID || r.BotID != s.Config().BotID || r.TeamID != s.Config().TeamID) {
				return fmt.Errorf("auth.test = %+v", r)
			}
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(testCtx(t))
			if got := slackErr(err); got != tt.want || (tt.want == "" && err != nil) {
				t.Errorf("err = %v, want Slack error %q", err, tt.want)
			}
		})
	}
	t.Run("unknown method", func(t *testing.T) {
		t.Parallel()
		body := rawPost(t, s, "chat.nope", url.Values{"token": {bot}})
		if body["error"] != "unknown_method" {
			t.Errorf("answer = %v", body)
		}
	})
	t.Run("tokens never recorded", func(t *testing.T) {
		t.Parallel()
		_, _, _ = newAPI(t, s, bot, app).PostMessageContext(testCtx(t), "C1", slack.MsgOptionText("x", false))
		for _, c := range s.Calls() {
			if strings.Contains(string(c.Body), bot) || strings.Contains(c.Token, "emu") || c.Params["token"] != "" {
				t.Errorf("token leaked into %+v", c)
			}
		}
	})
}

// rawPost posts a form to a Web API method and decodes the JSON answer.
func rawPost(t *testing.T, s *Server, method string, form url.Values) map[string]any {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).PostForm(s.APIURL()+method, form)
	if err != nil {
		t.Fatalf("POST %s: %v", method, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("POST %s: %v: %s", method, err, b)
	}
	return out
}

func blocksJSON(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`{"type":"section","text":{"type":"mrkdwn","text":"b%d"}}`, i))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestMessageValidation(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	_, bot := s.Tokens()
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"text", url.Values{"channel": {"C1"}, "text": {"hi"}}, ""},
		{"blocks only", url.Values{"channel": {"C1"}, "blocks": {blocksJSON(2)}}, ""},
		{"user id means DM", url.Values{"channel": {"U77"}, "text": {"hi"}}, ""},
		{"no channel", url.Values{"text": {"hi"}}, "channel_not_found"},
		{"nothing to say", url.Values{"channel": {"C1"}}, "no_text"},
		{"empty blocks and no text", url.Values{"channel": {"C1"}, "blocks": {"[]"}}, "no_text"},
		{"blocks not JSON", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {"[{"}}, "invalid_blocks_format"},
		{"blocks not an array", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {`{"type":"divider"}`}}, "invalid_blocks_format"},
		{"50 blocks", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {blocksJSON(50)}}, ""},
		{"51 blocks", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {blocksJSON(51)}}, "invalid_blocks"},
		{"block without type", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {`[{"text":"x"}]`}}, "invalid_blocks"},
		{"duplicate block_id", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {`[{"type":"divider","block_id":"a"},{"type":"divider","block_id":"a"}]`}}, "invalid_blocks"},
		{"section text too long", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {`[{"type":"section","text":{"type":"mrkdwn","text":"` + strings.Repeat("a", 3001) + `"}}]`}}, "invalid_blocks"},
		{"button text too long", url.Values{"channel": {"C1"}, "text": {"x"}, "blocks": {`[{"type":"actions","elements":[{"type":"button","action_id":"a","text":{"type":"plain_text","text":"` + strings.Repeat("a", 76) + `"}}]}]`}}, "invalid_blocks"},
		{"text too long", url.Values{"channel": {"C1"}, "text": {strings.Repeat("a", 40001)}}, "msg_too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			form := url.Values{"token": {bot}}
			for k, v := range tt.form {
				form[k] = v
			}
			got := rawPost(t, s, "chat.postMessage", form)
			if tt.want == "" {
				if got["ok"] != true || got["ts"] == "" {
					t.Errorf("answer = %v", got)
				}
				return
			}
			if got["error"] != tt.want {
				t.Errorf("error = %v, want %q", got["error"], tt.want)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)

	ch, ts1, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("one", false))
	if err != nil || ch != "C1" {
		t.Fatalf("post: %q %v", ch, err)
	}
	_, ts2, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("two", false), slack.MsgOptionTS(ts1))
	if err != nil || ts2 <= ts1 || len(ts2) != len("1700000000.000100") {
		t.Fatalf("second ts %q after %q: %v", ts2, ts1, err)
	}
	reply, err := s.WaitPost(ctx, func(p Posted) bool { return p.TS == ts2 })
	if err != nil || reply.ThreadTS != ts1 || reply.Kind != "message" || reply.Text != "two" {
		t.Errorf("reply post = %+v, %v", reply, err)
	}

	ets, err := api.PostEphemeralContext(ctx, "C1", "U9", slack.MsgOptionText("psst", false))
	if err != nil || ets == "" {
		t.Fatalf("ephemeral: %q %v", ets, err)
	}
	eph, _ := s.WaitPost(ctx, func(p Posted) bool { return p.Kind == "ephemeral" })
	if eph.UserID != "U9" || eph.TS != ets || eph.Channel != "C1" {
		t.Errorf("ephemeral post = %+v", eph)
	}

	d1, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U9"}})
	if err != nil {
		t.Fatal(err)
	}
	d2, _, _, _ := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U9"}})
	if d1.ID != d2.ID || !strings.HasPrefix(d1.ID, "D") || d1.ID != s.DMChannel("U9") {
		t.Errorf("DM channels %q, %q, DMChannel %q", d1.ID, d2.ID, s.DMChannel("U9"))
	}
	dch, _, err := api.PostMessageContext(ctx, "U9", slack.MsgOptionText("dm", false))
	if err != nil || dch != d1.ID {
		t.Errorf("posting to a user id went to %q, want %q (%v)", dch, d1.ID, err)
	}
	if dm, _ := s.WaitPost(ctx, func(p Posted) bool { return p.Text == "dm" }); dm.UserID != "U9" {
		t.Errorf("DM post = %+v", dm)
	}
	if _, err := api.PostEphemeralContext(ctx, d1.ID, "U10", slack.MsgOptionText("x", false)); slackErr(err) != "user_not_in_channel" {
		t.Errorf("ephemeral to a stranger in a DM: %v", err)
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, err error, took time.Duration)
	}{
		{"429 with Retry-After", Fault{Status: 429, RetryAfter: 2 * time.Second}, func(t *testing.T, err error, _ time.Duration) {
			var rl *slack.RateLimitedError
			if !errors.As(err, &rl) || rl.RetryAfter != 2*time.Second {
				t.Errorf("err = %#v, want *slack.RateLimitedError{2s}", err)
			}
		}},
		{"503", Fault{Status: 503}, func(t *testing.T, err error, _ time.Duration) {
			var sc slack.StatusCodeError
			if !errors.As(err, &sc) || sc.Code != 503 {
				t.Errorf("err = %#v, want StatusCodeError 503", err)
			}
		}},
		{"slack error", Fault{SlackError: "not_in_channel"}, func(t *testing.T, err error, _ time.Duration) {
			if slackErr(err) != "not_in_channel" {
				t.Errorf("err = %v", err)
			}
		}},
		{"delay only", Fault{Delay: 200 * time.Millisecond}, func(t *testing.T, err error, took time.Duration) {
			if err != nil || took < 200*time.Millisecond {
				t.Errorf("err = %v after %v", err, took)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, Config{})
			app, tok := s.Tokens()
			api := newAPI(t, s, tok, app)
			ctx := testCtx(t)
			s.FailNext("chat.postMessage", tt.fault)
			start := time.Now()
			_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
			tt.check(t, err, time.Since(start))
			if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false)); err != nil {
				t.Errorf("the fault outlived one call: %v", err)
			}
		})
	}
}

func TestFailNextConnectionsOpen(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	s.FailNext("apps.connections.open", Fault{Status: 500})
	connected(t, s, nil) // slack-go backs off and retries
	if calls := s.CallsTo("apps.connections.open"); len(calls) != 2 || calls[0].Status != 500 {
		t.Errorf("apps.connections.open calls = %+v", calls)
	}
}

// TestJSONBodies: a JSON body is one value and nothing after it, as Slack
// reads it; a stray bracket from a hand-written encoder must fail here.
func TestJSONBodies(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	_, bot := s.Tokens()
	ru := s.IssueResponseURL("commands", "C1", "U1")
	tests := []struct {
		name, url, body string
		status          int
		want            string
	}{
		{"api", s.APIURL() + "chat.postMessage", `{"channel":"C1","text":"hi"}`, 200, ""},
		{"api blocks as a value", s.APIURL() + "chat.postMessage", `{"channel":"C1","blocks":[{"type":"divider"}]}`, 200, ""},
		{"api blocks as a string", s.APIURL() + "chat.postMessage", `{"channel":"C1","blocks":"[{\"type\":\"divider\"}]"}`, 200, ""},
		{"api trailing bracket", s.APIURL() + "chat.postMessage", `{"channel":"C1","text":"hi"}}`, 200, "invalid_json"},
		{"api trailing value", s.APIURL() + "chat.postMessage", `{"channel":"C1","text":"hi"} {}`, 200, "invalid_json"},
		{"api blocks trailing", s.APIURL() + "chat.postMessage", `{"channel":"C1","blocks":"[{\"type\":\"divider\"}]]"}`, 200, "invalid_blocks_format"},
		{"response_url trailing", ru, `{"text":"hi"}]`, 400, "invalid_payload"},
		{"response_url", ru, `{"text":"hi"}`, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodPost, tt.url, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
			req.Header.Set("Authorization", "Bearer "+bot)
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status || got.Error != tt.want || got.OK != (tt.want == "") {
				t.Errorf("answer %d %+v, want %d %q", resp.StatusCode, got, tt.status, tt.want)
			}
		})
	}
}
