package bot_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/blockkit"
	"github.com/fractional-advisor/fractional-advisor/internal/config"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestDuplicateEvent: the same event_id twice is answered once.
func TestDuplicateEvent(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer()})
	info := r.Mention(t, "U0DUP0001", "once please")
	r.WaitPost(t, "answer", apptest.InThread(info))
	if _, err := r.Emu.RedeliverEvent(apptest.Ctx(t), info.EventID, 1, "timeout"); err != nil {
		t.Fatal(err)
	}
	apptest.WaitUntil(t, "the duplicate to be dropped", func() bool { return testutil.ToFloat64(r.Metrics.Duplicates) == 1 })
	r.AnsweredOnce(t, info)
}

// TestRetryOfUnhandledEvent: an event refused because the pool was full is
// answered "busy"; Slack's retry of it is then handled.
func TestRetryOfUnhandledEvent(t *testing.T) {
	t.Parallel()
	g := apptest.NewGate(t, 4, apptest.AnAnswer())
	r := apptest.Start(t, apptest.Options{Search: g, Config: func(c *config.Config) { c.Workers, c.Queue = 1, 1 }})
	a := r.Mention(t, "U0FULL001", "first") // runs, held at the gate
	<-g.Started
	b := r.Mention(t, "U0FULL002", "second") // queued
	c := r.Mention(t, "U0FULL003", "third")  // refused
	busy := r.WaitPost(t, "busy note", apptest.HasBlock("busy"))
	if busy.Kind != "ephemeral" || busy.UserID != "U0FULL003" {
		t.Errorf("the busy note went to %s %q; want an ephemeral for the refused user only", busy.Kind, busy.UserID)
	}
	g.Release()
	r.AnsweredOnce(t, a)
	r.AnsweredOnce(t, b)
	if _, err := r.Emu.RedeliverEvent(apptest.Ctx(t), c.EventID, 1, "timeout"); err != nil {
		t.Fatal(err)
	}
	r.WaitPost(t, "answer to the retry", func(p slacktest.Posted) bool { return apptest.InThread(c)(p) && apptest.IsAnswer(p) })
	if n := r.Count(apptest.InThread(c)); n != 1 {
		t.Errorf("%d posts in the refused event's thread, want 1 (the answer; the busy note is private)", n)
	}
}

// TestPanickingHandler: a handler that panics is recovered, logged with the
// request id, counted and apologised for; the bot keeps serving.
func TestPanickingHandler(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.Panicky{Word: "boom", Next: apptest.AnAnswer()}})
	info := r.Mention(t, "U0PANIC01", "boom")
	r.WaitPost(t, "apology", func(p slacktest.Posted) bool { return apptest.InThread(info)(p) && apptest.HasBlock("error")(p) })
	if got := testutil.ToFloat64(r.Metrics.Panics); got != 1 {
		t.Errorf("panics counted %v", got)
	}
	if found := r.LoggedWith("handler panicked", "request_id", info.EventID); found != 1 {
		t.Errorf("%d panic log lines with request_id %s, want 1", found, info.EventID)
	}
	if n := r.Count(apptest.InThread(info)); n != 1 {
		t.Errorf("%d posts after the panic, want 1 (the apology)", n)
	}
	r.AnsweredOnce(t, r.Mention(t, "U0PANIC01", "and now?"))
}

// TestFlood: 200 envelopes at once with a pool of 4 (and a queue of 4):
// every envelope is acked promptly, 8 are answered, the rest are told the
// bot is busy (as far as the bounded notes allow), nobody gets two replies.
func TestFlood(t *testing.T) {
	t.Parallel()
	g := apptest.NewGate(t, 8, apptest.AnAnswer())
	r := apptest.Start(t, apptest.Options{Search: g, Emulator: slacktest.Config{AckTimeout: 5 * time.Second},
		Config: func(c *config.Config) { c.Workers, c.Queue, c.UserRate = 4, 4, 0 }})
	const n = 200
	infos := make([]slacktest.EventInfo, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var ack slacktest.Ack
			ack, infos[i], errs[i] = r.Emu.Mention(apptest.Ctx(t), slacktest.Message{UserID: fmt.Sprintf("U0FLOOD%03d", i), Text: "q"})
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
	// An event is acked before it is handled: wait for the count.
	apptest.WaitUntil(t, fmt.Sprintf("%d refusals", n-8), func() bool { return testutil.ToFloat64(r.Metrics.Busy) == n-8 })
	g.Release()
	apptest.WaitUntil(t, "8 answers", func() bool { return r.Count(apptest.IsAnswer) == 8 })
	if got := testutil.ToFloat64(r.Metrics.Busy); got != n-8 {
		t.Errorf("%v refused, want %d", got, n-8)
	}
	if err := r.Stop(t); err != nil { // drains the notes too
		t.Fatal(err)
	}
	busy := r.Count(apptest.HasBlock("busy"))
	if busy == 0 || busy > n-8 {
		t.Errorf("%d busy notes, want 1..%d", busy, n-8)
	}
	for _, info := range infos {
		if c := r.Count(apptest.InThread(info)); c > 1 {
			t.Errorf("event %s got %d replies", info.EventID, c)
		}
	}
}

// TestShutdownWithRepliesInFlight: SIGTERM while replies are on their way
// to a slow Slack: they still arrive, and Run returns nil.
func TestShutdownWithRepliesInFlight(t *testing.T) {
	t.Parallel()
	g := apptest.NewGate(t, 3, apptest.AnAnswer())
	r := apptest.Start(t, apptest.Options{Search: g})
	for range 3 {
		r.Emu.FailNext("chat.postMessage", slacktest.Fault{Delay: 300 * time.Millisecond})
	}
	var infos []slacktest.EventInfo
	for i := range 3 {
		infos = append(infos, r.Mention(t, fmt.Sprintf("U0TERM%03d", i), "q"))
	}
	for range 3 {
		<-g.Started
	}
	g.Release()
	if err := r.Stop(t); err != nil {
		t.Fatalf("Run = %v", err)
	}
	for _, info := range infos {
		if c := r.Count(apptest.InThread(info)); c != 1 {
			t.Errorf("event %s: %d replies after shutdown, want 1", info.EventID, c)
		}
	}
	if r.Emu.Connected() != 0 {
		t.Error("the socket is still open after Run returned")
	}
}

// TestUserRateLimit: a flood from one user gets the first answers and one
// polite note, however long the flood; each refusal is counted.
func TestUserRateLimit(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.AnAnswer(), Config: func(c *config.Config) { c.UserRate = 3 }})
	for range 6 {
		r.Mention(t, "U0FLOODER", "again")
	}
	apptest.WaitUntil(t, "3 answers and a note", func() bool { return r.Count(apptest.IsAnswer) == 3 && r.Count(apptest.HasBlock("rate_limited")) == 1 })
	// Commands too: limited per user, the note rides in the ack once.
	var notes int
	for range 5 {
		ack, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: "U0CMDFLOOD", Text: "help"})
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
	apptest.WaitUntil(t, "5 refusals counted", func() bool { return testutil.ToFloat64(r.Metrics.RateLimited) == 5 })
	if r.Count(apptest.HasBlock("rate_limited")) != 1 {
		t.Errorf("more than one note for the mention flood")
	}
	// The Home tab costs a views.publish each time it is opened: limited
	// too, silently.
	for range 5 {
		if _, _, err := r.Emu.OpenHome(apptest.Ctx(t), "U0HOMEFLD"); err != nil {
			t.Fatal(err)
		}
	}
	apptest.WaitUntil(t, "the home flood to be limited", func() bool { return testutil.ToFloat64(r.Metrics.RateLimited) == 7 })
	apptest.WaitUntil(t, "3 Home tabs", func() bool { return len(r.Emu.CallsTo("views.publish")) == 3 })
}

// TestRecommendationOutlivesItsResponseURL: a user who takes longer over
// the assessment than its response_url lives still gets the
// recommendation, in their DM.
func TestRecommendationOutlivesItsResponseURL(t *testing.T) {
	t.Parallel()
	const ttl = 300 * time.Millisecond
	r := apptest.Start(t, apptest.Options{Emulator: slacktest.Config{ResponseURLTTL: ttl}})
	const user = "U0SLOW0001"
	if _, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: user, Text: ""}); err != nil {
		t.Fatal(err)
	}
	var view slacktest.View
	apptest.WaitUntil(t, "the modal to open", func() bool {
		var ok bool
		view, ok = r.Emu.LatestView(user)
		return ok
	})
	time.Sleep(ttl + 100*time.Millisecond)
	answers := map[string]string{}
	for _, q := range advisor.Questions() {
		answers[string(q.Field)] = q.Options[0].Value
	}
	if _, err := r.Emu.SubmitView(apptest.Ctx(t), user, view.ID, answers); err != nil {
		t.Fatal(err)
	}
	p := r.WaitPost(t, "the recommendation in the DM", func(p slacktest.Posted) bool {
		return p.Kind == "message" && p.Channel == r.Emu.DMChannel(user) && strings.Contains(string(p.Blocks), blockkit.RecommendationBlockPrefix)
	})
	if p.UserID != user {
		t.Errorf("posted for %q, want %q", p.UserID, user)
	}
	if c := r.Emu.CallsTo("response_url"); len(c) != 1 || c[0].Error != "expired_url" {
		t.Errorf("response_url calls %+v: want one, refused as expired", c)
	}
}

// TestPanicInDispatch: a panic while routing (here in the search that
// answers a command in its ack) is recovered, logged once with the
// request's kind, counted, apologised for in the ack, and the next
// command is answered.
func TestPanicInDispatch(t *testing.T) {
	t.Parallel()
	r := apptest.Start(t, apptest.Options{Search: apptest.Panicky{Word: "boom", Next: apptest.AnAnswer()}})
	ack, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: "U0PANIC02", Text: "ask boom"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "something went wrong") {
		t.Errorf("the ack after a panic: %s, want an apology", ack.Payload)
	}
	if got := testutil.ToFloat64(r.Metrics.Panics); got != 1 {
		t.Errorf("panics counted %v, want 1", got)
	}
	if n := r.LoggedWith("handler panicked", "type", "command"); n != 1 {
		t.Errorf("%d panic log lines of type command, want 1", n)
	}
	// panic("boom") carried a string: the log names its type, not what
	// it says (a panic's value can hold a user's words).
	if n := r.LoggedWith("handler panicked", "panic", "a string"); n != 1 {
		t.Error("the panic's log line does not describe the value by its type alone")
	}
	ack, _, err = r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: "U0PANIC02", Text: "ask what does it cost"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), "faq:cost") {
		t.Errorf("the next command was not answered: %s", ack.Payload)
	}
}

// TestModalDoesNotWaitForAnswers: with every worker busy and the queue
// full, /fractional-advisor still opens the modal, whose trigger_id lasts
// only 3 s.
func TestModalDoesNotWaitForAnswers(t *testing.T) {
	t.Parallel()
	g := apptest.NewGate(t, 4, apptest.AnAnswer())
	r := apptest.Start(t, apptest.Options{Search: g, Config: func(c *config.Config) { c.Workers, c.Queue = 1, 1 }})
	r.Mention(t, "U0MODAL01", "first") // held at the gate
	<-g.Started
	r.Mention(t, "U0MODAL02", "second") // fills the queue
	if _, _, err := r.Emu.SlashCommand(apptest.Ctx(t), slacktest.SlashCommand{UserID: "U0MODAL03"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Emu.WaitCall(apptest.Ctx(t), "views.open", func(c slacktest.Call) bool { return c.Status == 200 }); err != nil {
		t.Fatalf("the modal did not open while the answers were held: %v", err)
	}
	g.Release()
}
