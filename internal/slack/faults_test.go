package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap/zapcore"
)

// TestDisconnectReasons: whatever reason Slack gives, the bot redials and
// the next question is answered once; the reason is counted, once, under a
// label from a fixed list (a reason from the wire, however long or
// strange, is "other"), and not again as a lost connection.
func TestDisconnectReasons(t *testing.T) {
	t.Parallel()
	tests := []struct{ reason, label string }{
		{"refresh_requested", "refresh_requested"},
		{"warning", "warning"},
		{"socket_mode_disabled", "socket_mode_disabled"},
		{"", "unknown"},
		{"something_new", "other"},
		{strings.Repeat("é", 1024), "other"}, // 2 KB of two-byte runes
	}
	for _, tt := range tests {
		t.Run("reason="+tt.label+fmt.Sprint(len(tt.reason)), func(t *testing.T) {
			t.Parallel()
			r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
			r.AnsweredOnce(t, r.Mention(t, "U0DISC001", "before"))
			if err := r.Emu.Disconnect(tt.reason); err != nil {
				t.Fatal(err)
			}
			if err := r.Emu.WaitConnects(apptest.Ctx(t), 2); err != nil {
				t.Fatalf("no reconnect: %v", err)
			}
			r.AnsweredOnce(t, r.Mention(t, "U0DISC001", "after"))
			apptest.WaitUntil(t, "the reconnect metric", func() bool { return r.Reconnects(tt.label) == 1 })
			if lost := r.Reconnects("connection_lost"); lost != 0 {
				t.Errorf("a requested disconnect also counted as %v lost connections", lost)
			}
			if !utf8.ValidString(r.Log()) {
				t.Error("the log holds invalid UTF-8: a reason was cut inside a rune")
			}
		})
	}
}

// TestLinkDisabled: Socket Mode turned off means not ready (with the
// reason), one error in the log, and a slow retry rather than a redial.
func TestLinkDisabled(t *testing.T) {
	t.Parallel()
	const retry = 400 * time.Millisecond
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer(), Config: func(c *config.Config) { c.LinkDisabledRetry = retry }})
	apptest.WaitUntil(t, "ready", func() bool { ok, _ := r.Ready.Ready(); return ok })
	start := time.Now()
	if err := r.Emu.Disconnect("link_disabled"); err != nil {
		t.Fatal(err)
	}
	apptest.WaitUntil(t, "not ready", func() bool {
		ok, why := r.Ready.Ready()
		return !ok && strings.Contains(why, "link_disabled")
	})
	if err := r.Emu.WaitConnects(apptest.Ctx(t), 2); err != nil {
		t.Fatalf("no reconnect after the retry wait: %v", err)
	}
	if took := time.Since(start); took < retry-50*time.Millisecond {
		t.Errorf("redialled after %v, want a wait of %v", took, retry)
	}
	apptest.WaitUntil(t, "ready again", func() bool { ok, _ := r.Ready.Ready(); return ok })
	r.AnsweredOnce(t, r.Mention(t, "U0LINK001", "back?"))
	if n := r.Logged(zapcore.ErrorLevel, "link_disabled"); n != 1 {
		t.Errorf("%d error lines about link_disabled, want 1", n)
	}
	if got := r.Reconnects("link_disabled"); got != 1 {
		t.Errorf("link_disabled counted %v times", got)
	}
}

// TestSilentSlack: no pings for longer than the ping timeout means a dead
// connection, which the adapter redials; the bot counts it and answers after.
func TestSilentSlack(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer(), Emulator: slacktest.Config{PingInterval: 50 * time.Millisecond},
		Config: func(c *config.Config) { c.PingTimeout = time.Second }})
	r.Emu.SetPings(false)
	if err := r.Emu.WaitConnects(apptest.Ctx(t), 2); err != nil {
		t.Fatalf("no reconnect after pings stopped: %v", err)
	}
	r.Emu.SetPings(true)
	apptest.WaitUntil(t, "a ping_timeout reconnect", func() bool { return r.Reconnects("ping_timeout") >= 1 })
	apptest.WaitUntil(t, "the old connection to be gone", func() bool { return r.Emu.Connected() == 1 })
	r.AnsweredOnce(t, r.Mention(t, "U0SILENT1", "still there?"))
}

// TestConnectRetries: apps.connections.open answers 429 (Retry-After 1),
// then 500, then works: the bot waits as told, retries, and serves.
func TestConnectRetries(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer(), Faults: map[string][]slacktest.Fault{
		"apps.connections.open": {{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, {Status: http.StatusInternalServerError}},
	}})
	if took := time.Since(start); took < time.Second {
		t.Errorf("connected after %v: Retry-After 1 was not honoured", took)
	}
	var statuses []int
	for _, c := range r.Emu.CallsTo("apps.connections.open") {
		statuses = append(statuses, c.Status)
	}
	if fmt.Sprint(statuses) != "[429 500 200]" {
		t.Errorf("apps.connections.open answered %v, want [429 500 200]", statuses)
	}
	if got := r.Reconnects("connect_error"); got != 2 {
		t.Errorf("connect errors counted %v, want 2", got)
	}
	r.AnsweredOnce(t, r.Mention(t, "U0CONN001", "hello"))
}

// TestFatalAuth: a refused token ends Run with one clear error that names
// the token's variable and Slack's code, and never the token.
func TestFatalAuth(t *testing.T) {
	t.Parallel()
	tests := []struct{ method, code, want string }{
		{"auth.test", "invalid_auth", "SLACK_BOT_TOKEN"},
		{"auth.test", "token_revoked", "SLACK_BOT_TOKEN"},
		{"auth.test", "account_inactive", "SLACK_BOT_TOKEN"},
		{"auth.test", "not_authed", "SLACK_BOT_TOKEN"},
		{"apps.connections.open", "invalid_auth", "SLACK_APP_TOKEN"},
		{"apps.connections.open", "token_revoked", "SLACK_APP_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.method+"/"+tt.code, func(t *testing.T) {
			t.Parallel()
			r := apptest.Start(t, apptest.Options{NoWait: true, Faults: map[string][]slacktest.Fault{tt.method: {{SlackError: tt.code}}}})
			err := r.Exited(t)
			if err == nil || !strings.Contains(err.Error(), tt.code) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Run = %v, want one line naming %s and %s", err, tt.want, tt.code)
			}
			app, bot := r.Emu.Tokens()
			if strings.Contains(err.Error(), app) || strings.Contains(err.Error(), bot) {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
}

// TestAuthTestTransient: auth.test failing with 503 (three times, past the
// call's own retries) and a 429 is retried until it works.
func TestAuthTestTransient(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer(), Faults: map[string][]slacktest.Fault{
		"auth.test": {{Status: 503}, {Status: 503}, {Status: 503}, {Status: 429}},
	}})
	if n := len(r.Emu.CallsTo("auth.test")); n != 5 {
		t.Errorf("auth.test called %d times, want 5", n)
	}
	r.AnsweredOnce(t, r.Mention(t, "U0AUTH001", "hi"))
}

// TestPostRateLimited: chat.postMessage answers 429 with Retry-After 1;
// the bot waits and posts the answer once.
func TestPostRateLimited(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	r.Emu.FailNext("chat.postMessage", slacktest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	info := r.Mention(t, "U0RATE001", "what does it cost?")
	r.AnsweredOnce(t, info)
	if _, err := r.Emu.WaitCall(apptest.Ctx(t), "chat.postMessage", func(c slacktest.Call) bool { return c.Status == 200 }); err != nil {
		t.Fatal(err)
	}
	calls := r.Emu.CallsTo("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("chat.postMessage calls: %+v", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 900*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After", gap)
	}
	if got := testutil.ToFloat64(r.Metrics.SlackCalls.WithLabelValues("chat.postMessage", "rate_limited")); got != 1 {
		t.Errorf("rate_limited calls counted %v", got)
	}
}

// TestNoRetryThatCouldPostTwice: a 500 from chat.postMessage is not
// retried (Slack may have posted); it is logged once and counted. A 503
// from views.publish, which is idempotent, is retried.
func TestNoRetryThatCouldPostTwice(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	r.Emu.FailNext("chat.postMessage", slacktest.Fault{Status: http.StatusInternalServerError})
	r.Mention(t, "U0RETRY01", "q")
	apptest.WaitUntil(t, "the failure to be counted", func() bool {
		return testutil.ToFloat64(r.Metrics.SlackCalls.WithLabelValues("chat.postMessage", "http_500")) == 1
	})
	apptest.WaitUntil(t, "the failure to be logged", func() bool { return r.Logged(zapcore.ErrorLevel, "request failed") == 1 })
	if n := len(r.Emu.CallsTo("chat.postMessage")); n != 1 {
		t.Errorf("chat.postMessage called %d times, want 1 (no retry)", n)
	}

	r.Emu.FailNext("views.publish", slacktest.Fault{Status: http.StatusServiceUnavailable})
	if _, _, err := r.Emu.OpenHome(apptest.Ctx(t), "U0RETRY01"); err != nil {
		t.Fatal(err)
	}
	r.WaitPost(t, "the Home tab", func(p slacktest.Posted) bool { return p.Kind == "home" })
	// A call is recorded after it is answered: wait for the second one.
	if _, err := r.Emu.WaitCall(apptest.Ctx(t), "views.publish", func(c slacktest.Call) bool { return c.Status == 200 }); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Emu.CallsTo("views.publish")); n != 2 {
		t.Errorf("views.publish called %d times, want 2 (one retry)", n)
	}
}

// TestSlowSlack: a Web API slower than 3 s does not delay the ack.
func TestSlowSlack(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	r.Emu.FailNext("chat.postMessage", slacktest.Fault{Delay: 3200 * time.Millisecond})
	ack, info, err := r.Emu.Mention(apptest.Ctx(t), slacktest.Message{UserID: "U0SLOW001", Text: "slow?"})
	if err != nil {
		t.Fatal(err)
	}
	if ack.Latency > time.Second {
		t.Errorf("ack took %v", ack.Latency)
	}
	r.AnsweredOnce(t, info)
}

// TestMalformedEnvelopes: frames the adapter cannot read are acked when
// their envelope_id can be read; none stops the bot.
func TestMalformedEnvelopes(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	big := `{"envelope_id":"E0BIG","type":"slash_commands","accepts_response_payload":true,"payload":{"user_id":"U0BIG0001","channel_id":"C0EMUGEN1","command":"/fractional-advisor","text":"ask ` +
		strings.Repeat("x", 1<<20-300) + `"}}`
	tests := []struct {
		name, frame, acked string // acked: the envelope_id that must be acked, if any
	}{
		{"invalid JSON", `{"envelope_id":"E0BAD1","type":`, ""},
		{"not an object", `[1,2,3]`, ""},
		{"unknown type", `{"envelope_id":"E0BAD2","type":"surprise","payload":{}}`, "E0BAD2"},
		{"events_api without payload", `{"envelope_id":"E0BAD3","type":"events_api"}`, "E0BAD3"},
		{"payload of the wrong shape", `{"envelope_id":"E0BAD4","type":"slash_commands","payload":5}`, "E0BAD4"},
		{"interactive payload of the wrong shape", `{"envelope_id":"E0BAD5","type":"interactive","payload":"x"}`, "E0BAD5"},
		{"slash command missing fields", `{"envelope_id":"E0BAD6","type":"slash_commands","payload":{}}`, "E0BAD6"},
		{"a 1 MB frame", big, "E0BIG"},
	}
	for _, tt := range tests {
		if err := r.Emu.SendRaw(apptest.Ctx(t), []byte(tt.frame)); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tt.acked == "" {
			continue
		}
		if _, err := r.Emu.WaitCall(apptest.Ctx(t), "socket_mode.ack", func(c slacktest.Call) bool { return c.Params["envelope_id"] == tt.acked }); err != nil {
			t.Errorf("%s: not acked: %v", tt.name, err)
		}
	}
	if r.Emu.Connects() != 1 {
		t.Errorf("malformed frames cost %d reconnects", r.Emu.Connects()-1)
	}
	// The metrics tell acked junk (E0BAD2…E0BAD5) from junk left to
	// Slack's redelivery (the array, which has no envelope_id to ack).
	apptest.WaitUntil(t, "the unreadable frames to be counted", func() bool {
		return testutil.ToFloat64(r.Metrics.Envelopes.WithLabelValues("unreadable", "acked")) == 4 &&
			testutil.ToFloat64(r.Metrics.Envelopes.WithLabelValues("unreadable", "dropped")) >= 1
	})
	r.AnsweredOnce(t, r.Mention(t, "U0MALF001", "after the junk"))

	// A frame over the read limit drops the connection, not the process.
	huge := `{"envelope_id":"E0HUGE","type":"surprise","pad":"` + strings.Repeat("y", 2<<20) + `"}`
	// The bot may hang up before the emulator has written it all.
	_ = r.Emu.SendRaw(apptest.Ctx(t), []byte(huge))
	if err := r.Emu.WaitConnects(apptest.Ctx(t), 2); err != nil {
		t.Fatalf("no reconnect after an oversized frame: %v", err)
	}
	// The emulator may not have noticed the old connection die yet; an
	// envelope routed to it would be lost with it.
	apptest.WaitUntil(t, "the old connection to be gone", func() bool { return r.Emu.Connected() == 1 })
	r.AnsweredOnce(t, r.Mention(t, "U0MALF001", "after the huge frame"))
}

// TestRunStopsTheSocket stops the bot again and again right after it
// connects: Run must not return while its connection is still open or
// being dialled, for it could then reach Slack after the bot has stopped.
func TestRunStopsTheSocket(t *testing.T) {
	t.Parallel()
	for i := range 10 {
		r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
		if err := r.Stop(t); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		apptest.WaitUntil(t, "the emulator to see the socket closed", func() bool { return r.Emu.Connected() == 0 })
		if n := r.Emu.Connects(); n != 1 {
			t.Fatalf("run %d: %d connections after Run returned, want 1", i, n)
		}
	}
}
