package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	slackgo "github.com/slack-go/slack"
)

// TestWebAPIAnswers covers the answers the emulator does not give: Slack
// (or a proxy in front of it) misbehaving. Each must become a short error
// of the kind retry.go and the metrics know, and never show the token.
func TestWebAPIAnswers(t *testing.T) {
	t.Parallel()
	const token = "xoxb-SECRET-TOKEN"
	tests := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		check   func(error) bool
		channel string // conversations.open's channel id, when it succeeds
	}{
		{name: "ok", status: 200, body: `{"ok":true,"channel":"C1","ts":"1.2","message":{"blocks":[{"type":"section"}]}}`,
			check: func(err error) bool { return err == nil }},
		{name: "dm opened", status: 200, body: `{"ok":true,"channel":{"id":"D1"}}`, channel: "D1",
			check: func(err error) bool { return err == nil }},
		{name: "slack error", status: 200, body: `{"ok":false,"error":"invalid_blocks","response_metadata":{"messages":["[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text]"]}}`,
			check: func(err error) bool {
				var se slackgo.SlackErrorResponse
				return errors.As(err, &se) && se.Err == "invalid_blocks" &&
					len(se.ResponseMetadata.Messages) == 1 && strings.Contains(se.ResponseMetadata.Messages[0], "/blocks/0/text")
			}},
		{name: "not ok, no reason", status: 200, body: `{"ok":false}`,
			check: func(err error) bool { return callStatus(err) == "unknown_error" }},
		{name: "rate limited", status: 429, header: map[string]string{"Retry-After": "7"}, body: `{"ok":false,"error":"ratelimited"}`,
			check: func(err error) bool {
				var rl *slackgo.RateLimitedError
				return errors.As(err, &rl) && rl.RetryAfter == 7*time.Second
			}},
		{name: "429 with a date for Retry-After", status: 429, header: map[string]string{"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"},
			check: func(err error) bool { return callStatus(err) == "http_429" }},
		{name: "server error page", status: 503, body: `<html>down</html>`,
			check: func(err error) bool { return callStatus(err) == "http_503" }},
		{name: "not JSON", status: 200, body: `<html>login</html>`,
			check: func(err error) bool { return err != nil && callStatus(err) == "error" }},
		{name: "empty", status: 200,
			check: func(err error) bool { return err != nil && callStatus(err) == "error" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotAuth, gotType string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotAuth, gotType = r.Header.Get("Authorization"), r.Header.Get("Content-Type")
				_, _ = io.Copy(io.Discard, r.Body)
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			w := &webAPI{http: srv.Client(), base: srv.URL + "/api/"}
			ans, err := w.postJSON(context.Background(), "chat.postMessage", token, []byte(`{"channel":"C1"}`))
			if !tt.check(err) {
				t.Fatalf("error %v (%T) is not what was expected", err, err)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error shows the token: %v", err)
			}
			if gotAuth != "Bearer "+token || !strings.HasPrefix(gotType, "application/json") {
				t.Errorf("sent Authorization %q, Content-Type %q", gotAuth, gotType)
			}
			if tt.channel != "" {
				if id, err := ans.channelID(); err != nil || id != tt.channel {
					t.Errorf("channelID() = %q, %v; want %q", id, err, tt.channel)
				}
			}
		})
	}
}

func TestChannelIDMissing(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{``, `"C1"`, `{}`, `{"id":""}`, `null`} {
		if id, err := (apiResponse{Channel: []byte(raw)}).channelID(); err == nil {
			t.Errorf("channel %s: got id %q, want an error", raw, id)
		}
	}
}

// TestResponseURLKeepsTheOriginal: a reply through a response_url says
// outright that it neither replaces nor deletes the message it belongs to
// (the Share button's response_url belongs to the user's recommendation).
func TestResponseURLKeepsTheOriginal(t *testing.T) {
	t.Parallel()
	emu, c := emulated(t)
	u := emu.IssueResponseURL("block_actions", "C0EMUGEN1", "U0SHARE01")
	if err := c.Post(ctxT(t), Target{ResponseURL: u, InChannel: true}, blockkit.Note("x", "shared")); err != nil {
		t.Fatal(err)
	}
	call, err := emu.WaitCall(ctxT(t), "response_url", func(slacktest.Call) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		ResponseType    string `json:"response_type"`
		ReplaceOriginal *bool  `json:"replace_original"`
		DeleteOriginal  *bool  `json:"delete_original"`
	}
	if err := json.Unmarshal(call.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.ResponseType != "in_channel" || got.ReplaceOriginal == nil || *got.ReplaceOriginal || got.DeleteOriginal == nil || *got.DeleteOriginal {
		t.Errorf("response_url body %s: want in_channel with replace_original and delete_original false", call.Body)
	}
}
