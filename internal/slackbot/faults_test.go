package slackbot

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// Fault-injection tests: each injects one fault through the emulator and
// checks that the user still gets the answer, exactly once.

// TestDisconnectReasons: whatever reason Slack gives, the bot redials and
// the next question is answered once; the reason is counted.
func TestDisconnectReasons(t *testing.T) {
	t.Parallel()
	for _, reason := range []string{"refresh_requested", "warning", "socket_mode_disabled", "", "something_new"} {
		t.Run("reason="+reason, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, rigOpts{search: anAnswer()})
			r.answeredOnce(t, r.mention(t, "U0DISC001", "before"))
			if err := r.emu.Disconnect(reason); err != nil {
				t.Fatal(err)
			}
			if err := r.emu.WaitConnects(ctxT(t), 2); err != nil {
				t.Fatalf("no reconnect: %v", err)
			}
			r.answeredOnce(t, r.mention(t, "U0DISC001", "after"))
			want := reason
			if want == "" {
				want = "unknown"
			}
			waitUntil(t, "the reconnect metric", func() bool { return r.reconnects(want) == 1 })
		})
	}
}

// TestLinkDisabled: Socket Mode turned off means not ready (with the
// reason), one error in the log, and a slow retry rather than a redial.
func TestLinkDisabled(t *testing.T) {
	t.Parallel()
	const retry = 400 * time.Millisecond
	r := startRig(t, rigOpts{search: anAnswer(), cfg: Config{LinkDisabledRetry: retry}})
	waitUntil(t, "ready", func() bool { ok, _ := r.ready.Ready(); return ok })
	start := time.Now()
	if err := r.emu.Disconnect("link_disabled"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "not ready", func() bool {
		ok, why := r.ready.Ready()
		return !ok && strings.Contains(why, "link_disabled")
	})
	if err := r.emu.WaitConnects(ctxT(t), 2); err != nil {
		t.Fatalf("no reconnect after the retry wait: %v", err)
	}
	if took := time.Since(start); took < retry-50*time.Millisecond {
		t.Errorf("redialled after %v, want a wait of %v", took, retry)
	}
	waitUntil(t, "ready again", func() bool { ok, _ := r.ready.Ready(); return ok })
	r.answeredOnce(t, r.mention(t, "U0LINK001", "back?"))
	if n := r.logged(zapcore.ErrorLevel, "link_disabled"); n != 1 {
		t.Errorf("%d error lines about link_disabled, want 1", n)
	}
	if got := r.reconnects("link_disabled"); got != 1 {
		t.Errorf("link_disabled counted %v times", got)
	}
}

// TestSilentSlack: no pings for longer than the ping timeout means a dead
// connection, which slack-go redials; the bot counts it and answers after.
func TestSilentSlack(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer(), emu: slacktest.Config{PingInterval: 50 * time.Millisecond},
		cfg: Config{PingTimeout: time.Second}})
	r.emu.SetPings(false)
	if err := r.emu.WaitConnects(ctxT(t), 2); err != nil {
		t.Fatalf("no reconnect after pings stopped: %v", err)
	}
	r.emu.SetPings(true)
	waitUntil(t, "a ping_timeout reconnect", func() bool { return r.reconnects("ping_timeout") >= 1 })
	waitUntil(t, "the old connection to be gone", func() bool { return r.emu.Connected() == 1 })
	r.answeredOnce(t, r.mention(t, "U0SILENT1", "still there?"))
}

// TestConnectRetries: apps.connections.open answers 429 (Retry-After 1),
// then 500, then works: the bot waits as told, retries, and serves.
func TestConnectRetries(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := startRig(t, rigOpts{search: anAnswer(), faults: map[string][]slacktest.Fault{
		"apps.connections.open": {{Status: http.StatusTooManyRequests, RetryAfter: time.Second}, {Status: http.StatusInternalServerError}},
	}})
	if took := time.Since(start); took < time.Second {
		t.Errorf("connected after %v: Retry-After 1 was not honoured", took)
	}
	var statuses []int
	for _, c := range r.emu.CallsTo("apps.connections.open") {
		statuses = append(statuses, c.Status)
	}
	if fmt.Sprint(statuses) != "[429 500 200]" {
		t.Errorf("apps.connections.open answered %v, want [429 500 200]", statuses)
	}
	if got := r.reconnects("connect_error"); got != 2 {
		t.Errorf("connect errors counted %v, want 2", got)
	}
	r.answeredOnce(t, r.mention(t, "U0CONN001", "hello"))
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
			r := startRig(t, rigOpts{noWait: true, faults: map[string][]slacktest.Fault{tt.method: {{SlackError: tt.code}}}})
			var err error
			select {
			case err = <-r.done:
				r.stopped, r.runErr = true, nil
			case <-time.After(waitTime):
				t.Fatal("Run did not return")
			}
			if err == nil || !strings.Contains(err.Error(), tt.code) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Run = %v, want one line naming %s and %s", err, tt.want, tt.code)
			}
			app, bot := r.emu.Tokens()
			if strings.Contains(err.Error(), app) || strings.Contains(err.Error(), bot) {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
}

// TestAuthTestTransient: auth.test failing with 503 (twice, past the call's
// own retries) and a 429 is retried until it works.
func TestAuthTestTransient(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer(), cfg: Config{CallAttempts: 2}, faults: map[string][]slacktest.Fault{
		"auth.test": {{Status: 503}, {Status: 503}, {Status: 429}},
	}})
	if n := len(r.emu.CallsTo("auth.test")); n != 4 {
		t.Errorf("auth.test called %d times, want 4", n)
	}
	r.answeredOnce(t, r.mention(t, "U0AUTH001", "hi"))
}

// TestPostRateLimited: chat.postMessage answers 429 with Retry-After 1;
// the bot waits and posts the answer once.
func TestPostRateLimited(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer()})
	r.emu.FailNext("chat.postMessage", slacktest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	info := r.mention(t, "U0RATE001", "what does it cost?")
	r.answeredOnce(t, info)
	if _, err := r.emu.WaitCall(ctxT(t), "chat.postMessage", func(c slacktest.Call) bool { return c.Status == 200 }); err != nil {
		t.Fatal(err)
	}
	calls := r.emu.CallsTo("chat.postMessage")
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("chat.postMessage calls: %+v", calls)
	}
	if gap := calls[1].At.Sub(calls[0].At); gap < 900*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After", gap)
	}
	if got := testutil.ToFloat64(r.metrics.SlackCalls.WithLabelValues("chat.postMessage", "rate_limited")); got != 1 {
		t.Errorf("rate_limited calls counted %v", got)
	}
}

// TestNoRetryThatCouldPostTwice: a 500 from chat.postMessage is not
// retried (Slack may have posted); it is logged once and counted. A 503
// from views.publish, which is idempotent, is retried.
func TestNoRetryThatCouldPostTwice(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer()})
	r.emu.FailNext("chat.postMessage", slacktest.Fault{Status: http.StatusInternalServerError})
	r.mention(t, "U0RETRY01", "q")
	waitUntil(t, "the failure to be counted", func() bool {
		return testutil.ToFloat64(r.metrics.SlackCalls.WithLabelValues("chat.postMessage", "http_500")) == 1
	})
	waitUntil(t, "the failure to be logged", func() bool { return r.logged(zapcore.ErrorLevel, "request failed") == 1 })
	if n := len(r.emu.CallsTo("chat.postMessage")); n != 1 {
		t.Errorf("chat.postMessage called %d times, want 1 (no retry)", n)
	}

	r.emu.FailNext("views.publish", slacktest.Fault{Status: http.StatusServiceUnavailable})
	if _, _, err := r.emu.OpenHome(ctxT(t), "U0RETRY01"); err != nil {
		t.Fatal(err)
	}
	r.waitPost(t, "the Home tab", func(p slacktest.Posted) bool { return p.Kind == "home" })
	// A call is recorded after it is answered: wait for the second one.
	if _, err := r.emu.WaitCall(ctxT(t), "views.publish", func(c slacktest.Call) bool { return c.Status == 200 }); err != nil {
		t.Fatal(err)
	}
	if n := len(r.emu.CallsTo("views.publish")); n != 2 {
		t.Errorf("views.publish called %d times, want 2 (one retry)", n)
	}
}

// TestSlowSlack: a Web API slower than 3 s does not delay the ack.
func TestSlowSlack(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer()})
	r.emu.FailNext("chat.postMessage", slacktest.Fault{Delay: 3200 * time.Millisecond})
	ack, info, err := r.emu.Mention(ctxT(t), slacktest.Message{UserID: "U0SLOW001", Text: "slow?"})
	if err != nil {
		t.Fatal(err)
	}
	if ack.Latency > time.Second {
		t.Errorf("ack took %v", ack.Latency)
	}
	r.answeredOnce(t, info)
}

// TestMalformedEnvelopes: frames slack-go cannot parse are acked when
// their envelope_id can be read; none stops the bot.
func TestMalformedEnvelopes(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer()})
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
		if err := r.emu.SendRaw(ctxT(t), []byte(tt.frame)); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if tt.acked == "" {
			continue
		}
		if _, err := r.emu.WaitCall(ctxT(t), "socket_mode.ack", func(c slacktest.Call) bool { return c.Params["envelope_id"] == tt.acked }); err != nil {
			t.Errorf("%s: not acked: %v", tt.name, err)
		}
	}
	if r.emu.Connects() != 1 {
		t.Errorf("malformed frames cost %d reconnects", r.emu.Connects()-1)
	}
	// The metrics tell acked junk (E0BAD2…E0BAD5: slack-go reports their
	// frames) from junk left to Slack's redelivery (the array, which has
	// no envelope_id to ack).
	waitUntil(t, "the unreadable frames to be counted", func() bool {
		return testutil.ToFloat64(r.metrics.Envelopes.WithLabelValues("unreadable", "acked")) == 4 &&
			testutil.ToFloat64(r.metrics.Envelopes.WithLabelValues("unreadable", "dropped")) >= 1
	})
	r.answeredOnce(t, r.mention(t, "U0MALF001", "after the junk"))

	// A frame over the read limit drops the connection, not the process.
	huge := `{"envelope_id":"E0HUGE","type":"surprise","pad":"` + strings.Repeat("y", 2<<20) + `"}`
	// The bot may hang up before the emulator has written it all.
	_ = r.emu.SendRaw(ctxT(t), []byte(huge))
	if err := r.emu.WaitConnects(ctxT(t), 2); err != nil {
		t.Fatalf("no reconnect after an oversized frame: %v", err)
	}
	// The emulator may not have noticed the old connection die yet; an
	// envelope routed to it would be lost with it.
	waitUntil(t, "the old connection to be gone", func() bool { return r.emu.Connected() == 1 })
	r.answeredOnce(t, r.mention(t, "U0MALF001", "after the huge frame"))
}

// TestDuplicateEvent: the same event_id twice is answered once.
func TestDuplicateEvent(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer()})
	info := r.mention(t, "U0DUP0001", "once please")
	r.waitPost(t, "answer", inThread(info))
	if _, err := r.emu.RedeliverEvent(ctxT(t), info.EventID, 1, "timeout"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the duplicate to be dropped", func() bool { return testutil.ToFloat64(r.metrics.Duplicates) == 1 })
	r.answeredOnce(t, info)
}

// TestRetryOfUnhandledEvent: an event refused because the pool was full is
// answered "busy"; Slack's retry of it is then handled.
func TestRetryOfUnhandledEvent(t *testing.T) {
	t.Parallel()
	g := newGate(4)
	r := startRig(t, rigOpts{search: anAnswer(), cfg: Config{Workers: 1, Queue: 1},
		setup: func(b *Bot) { b.beforeWork = g.wait }})
	a := r.mention(t, "U0FULL001", "first") // runs, held at the gate
	<-g.started
	b := r.mention(t, "U0FULL002", "second") // queued
	c := r.mention(t, "U0FULL003", "third")  // refused
	busy := r.waitPost(t, "busy note", hasBlock("busy"))
	if busy.Kind != "ephemeral" || busy.UserID != "U0FULL003" {
		t.Errorf("the busy note went to %s %q; want an ephemeral for the refused user only", busy.Kind, busy.UserID)
	}
	g.release()
	r.answeredOnce(t, a)
	r.answeredOnce(t, b)
	if _, err := r.emu.RedeliverEvent(ctxT(t), c.EventID, 1, "timeout"); err != nil {
		t.Fatal(err)
	}
	r.waitPost(t, "answer to the retry", func(p slacktest.Posted) bool { return inThread(c)(p) && hasPrefix(blockIDs(p.Blocks), "faq:") })
	if n := r.count(inThread(c)); n != 1 {
		t.Errorf("%d posts in the refused event's thread, want 1 (the answer; the busy note is private)", n)
	}
}

// TestPanickingHandler: a handler that panics is recovered, logged with the
// request id, counted and apologised for; the bot keeps serving.
func TestPanickingHandler(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer(), setup: func(b *Bot) {
		b.beforeWork = func(r request) {
			if strings.Contains(r.text, "boom") {
				panic("boom")
			}
		}
	}})
	info := r.mention(t, "U0PANIC01", "boom")
	r.waitPost(t, "apology", func(p slacktest.Posted) bool { return inThread(info)(p) && hasBlock("error")(p) })
	if got := testutil.ToFloat64(r.metrics.Panics); got != 1 {
		t.Errorf("panics counted %v", got)
	}
	found := r.logs.Filter(func(e observer.LoggedEntry) bool {
		return e.Message == "handler panicked" && e.ContextMap()["request_id"] == info.EventID
	}).Len()
	if found != 1 {
		t.Errorf("%d panic log lines with request_id %s, want 1", found, info.EventID)
	}
	if n := r.count(inThread(info)); n != 1 {
		t.Errorf("%d posts after the panic, want 1 (the apology)", n)
	}
	r.answeredOnce(t, r.mention(t, "U0PANIC01", "and now?"))
}

// TestFlood: 200 envelopes at once with a pool of 4 (and a queue of 4):
// every envelope is acked promptly, 8 are answered, the rest are told the
// bot is busy (as far as the bounded notes allow), nobody gets two replies.
func TestFlood(t *testing.T) {
	t.Parallel()
	g := newGate(8)
	r := startRig(t, rigOpts{search: anAnswer(), emu: slacktest.Config{AckTimeout: 5 * time.Second},
		cfg:   Config{Workers: 4, Queue: 4, UserRate: -1},
		setup: func(b *Bot) { b.beforeWork = g.wait }})
	const n = 200
	infos := make([]slacktest.EventInfo, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var ack slacktest.Ack
			ack, infos[i], errs[i] = r.emu.Mention(ctxT(t), slacktest.Message{UserID: fmt.Sprintf("U0FLOOD%03d", i), Text: "q"})
			if errs[i] == nil && ack.Latency > 2*time.Second {
				errs[i] = fmt.Errorf("ack took %v", ack.Latency)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("envelope %d: %v", i, err)
		}
	}
	if got := testutil.ToFloat64(r.metrics.Busy); got != n-8 {
		t.Errorf("%v refused, want %d", got, n-8)
	}
	g.release()
	isAnswer := func(p slacktest.Posted) bool { return hasPrefix(blockIDs(p.Blocks), "faq:") }
	waitUntil(t, "8 answers", func() bool { return r.count(isAnswer) == 8 })
	if err := r.stop(t); err != nil { // drains the notes too
		t.Fatal(err)
	}
	busy := r.count(hasBlock("busy"))
	if busy == 0 || busy > n-8 {
		t.Errorf("%d busy notes, want 1..%d", busy, n-8)
	}
	for _, info := range infos {
		if c := r.count(inThread(info)); c > 1 {
			t.Errorf("event %s got %d replies", info.EventID, c)
		}
	}
}

// TestShutdownWithRepliesInFlight: SIGTERM while replies are on their way
// to a slow Slack: they still arrive, and Run returns nil.
func TestShutdownWithRepliesInFlight(t *testing.T) {
	t.Parallel()
	g := newGate(3)
	r := startRig(t, rigOpts{search: anAnswer(), setup: func(b *Bot) { b.beforeWork = g.wait }})
	for range 3 {
		r.emu.FailNext("chat.postMessage", slacktest.Fault{Delay: 300 * time.Millisecond})
	}
	var infos []slacktest.EventInfo
	for i := range 3 {
		infos = append(infos, r.mention(t, fmt.Sprintf("U0TERM%03d", i), "q"))
	}
	for range 3 {
		<-g.started
	}
	g.release()
	if err := r.stop(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	for _, info := range infos {
		if c := r.count(inThread(info)); c != 1 {
			t.Errorf("event %s: %d replies after shutdown, want 1", info.EventID, c)
		}
	}
	if r.emu.Connected() != 0 {
		t.Error("the socket is still open after Run returned")
	}
}

// TestUserRateLimit: a flood from one user gets the first answers and one
// polite note, however long the flood; each refusal is counted.
func TestUserRateLimit(t *testing.T) {
	t.Parallel()
	r := startRig(t, rigOpts{search: anAnswer(), cfg: Config{UserRate: 3}})
	for range 6 {
		r.mention(t, "U0FLOODER", "again")
	}
	isAnswer := func(p slacktest.Posted) bool { return hasPrefix(blockIDs(p.Blocks), "faq:") }
	waitUntil(t, "3 answers and a note", func() bool { return r.count(isAnswer) == 3 && r.count(hasBlock("rate_limited")) == 1 })
	// Commands too: limited per user, the note rides in the ack once.
	var notes int
	for range 5 {
		ack, _, err := r.emu.SlashCommand(ctxT(t), slacktest.SlashCommand{UserID: "U0CMDFLOOD", Text: "help"})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(ack.Payload), "a lot of requests") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("%d slow-down notes in command acks, want 1", notes)
	}
	if got := testutil.ToFloat64(r.metrics.RateLimited); got != 5 {
		t.Errorf("rate-limited counted %v, want 5", got)
	}
	if r.count(hasBlock("rate_limited")) != 1 {
		t.Errorf("more than one note for the mention flood")
	}
}

// TestRecommendationOutlivesItsResponseURL: a user who takes longer over
// the assessment than its response_url lives still gets the
// recommendation, in their DM.
func TestRecommendationOutlivesItsResponseURL(t *testing.T) {
	t.Parallel()
	const ttl = 300 * time.Millisecond
	r := startRig(t, rigOpts{emu: slacktest.Config{ResponseURLTTL: ttl}})
	const user = "U0SLOW0001"
	if _, _, err := r.emu.SlashCommand(ctxT(t), slacktest.SlashCommand{UserID: user, Text: ""}); err != nil {
		t.Fatal(err)
	}
	var view slacktest.View
	waitUntil(t, "the modal to open", func() bool {
		var ok bool
		view, ok = r.emu.LatestView(user)
		return ok
	})
	time.Sleep(ttl + 100*time.Millisecond)
	answers := map[string]string{}
	for _, q := range advisor.Questions() {
		answers[string(q.Field)] = q.Options[0].Value
	}
	if _, err := r.emu.SubmitView(ctxT(t), user, view.ID, answers); err != nil {
		t.Fatal(err)
	}
	p := r.waitPost(t, "the recommendation in the DM", func(p slacktest.Posted) bool {
		return p.Kind == "message" && p.Channel == r.emu.DMChannel(user) && strings.Contains(string(p.Blocks), blockkit.RecommendationBlockPrefix)
	})
	if p.UserID != user {
		t.Errorf("posted for %q, want %q", p.UserID, user)
	}
	if c := r.emu.CallsTo("response_url"); len(c) != 1 || c[0].Error != "expired_url" {
		t.Errorf("response_url calls %+v: want one, refused as expired", c)
	}
}
