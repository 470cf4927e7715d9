package slacktest

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

func TestResponseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		wait time.Duration
		ok   int // posts that succeed before the 404
	}{
		{"five uses", Config{}, 0, 5},
		{"expired", Config{ResponseURLTTL: 50 * time.Millisecond}, 100 * time.Millisecond, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, tt.cfg)
			b := connected(t, s, nil)
			ctx := testCtx(t)
			_, info, err := s.SlashCommand(ctx, SlashCommand{UserID: "U5", ChannelID: "C9"})
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(tt.wait)
			for i := range tt.ok + 1 {
				_, _, err := b.api.PostMessageContext(ctx, "", slack.MsgOptionText("answer", false),
					slack.MsgOptionResponseURL(info.ResponseURL, slack.ResponseTypeEphemeral))
				var sc slack.StatusCodeError
				switch {
				case i < tt.ok && err != nil:
					t.Fatalf("post %d: %v", i+1, err)
				case i == tt.ok && (!errors.As(err, &sc) || sc.Code != 404):
					t.Fatalf("post %d: err = %v, want a 404", i+1, err)
				}
			}
			posts := s.Posts()
			if len(posts) != tt.ok {
				t.Fatalf("%d posts, want %d", len(posts), tt.ok)
			}
			for _, p := range posts {
				if p.Kind != "response_url" || p.Channel != "C9" || p.UserID != "U5" || p.ResponseType != "ephemeral" {
					t.Errorf("post = %+v", p)
				}
			}
		})
	}
}

func TestResponseURLPayloads(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	_, info, _ := s.SlashCommand(ctx, SlashCommand{UserID: "U5", ChannelID: "C9"})
	post := func(opts ...slack.MsgOption) error {
		_, _, err := b.api.PostMessageContext(ctx, "", opts...)
		return err
	}
	if err := post(slack.MsgOptionResponseURL(info.ResponseURL, slack.ResponseTypeInChannel)); err == nil {
		t.Errorf("an empty response was accepted")
	}
	if err := post(slack.MsgOptionText("for all", false), slack.MsgOptionResponseURL(info.ResponseURL, slack.ResponseTypeInChannel)); err != nil {
		t.Fatal(err)
	}
	if err := post(slack.MsgOptionText("new", false), slack.MsgOptionReplaceOriginal(info.ResponseURL)); err != nil {
		t.Fatal(err)
	}
	if err := post(slack.MsgOptionDeleteOriginal(info.ResponseURL)); err != nil {
		t.Fatal(err)
	}
	got := s.Posts()
	if len(got) != 3 || got[0].ResponseType != "in_channel" || !got[1].Replace || got[1].TS != got[0].TS || !got[2].Delete || got[2].TS != got[0].TS {
		t.Errorf("posts = %+v", got)
	}
	if calls := s.CallsTo("response_url"); len(calls) != 4 || calls[0].Status != 400 || calls[0].Error != "no_text" {
		t.Errorf("response_url calls = %+v", calls)
	}
}

func TestEvents(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	b := connected(t, s, nil)
	ctx := testCtx(t)
	botUser := s.Config().BotUserID
	inner := func() (socketmode.Event, any) {
		evt := b.next(t, ctx, socketmode.EventTypeEventsAPI)
		return evt, evt.Data.(slackevents.EventsAPIEvent).InnerEvent.Data
	}

	_, info, err := s.Mention(ctx, Message{UserID: "U5", ChannelID: "C9", Text: "what does a CAIO do?", ThreadTS: "1700000000.000001"})
	if err != nil {
		t.Fatal(err)
	}
	evt, data := inner()
	m := data.(*slackevents.AppMentionEvent)
	if m.Text != "<@"+botUser+"> what does a CAIO do?" || m.User != "U5" || m.Channel != "C9" || m.TimeStamp != info.TS ||
		m.ThreadTimeStamp != "1700000000.000001" || evt.Request.RetryAttempt != 0 {
		t.Errorf("app_mention = %+v", m)
	}
	cb := evt.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
	if cb.EventID != info.EventID {
		t.Errorf("event_id = %q, want %q", cb.EventID, info.EventID)
	}
	if _, err := s.RedeliverEvent(ctx, info.EventID, 1, "timeout"); err != nil {
		t.Fatal(err)
	}
	evt, _ = inner()
	cb = evt.Data.(slackevents.EventsAPIEvent).Data.(*slackevents.EventsAPICallbackEvent)
	if cb.EventID != info.EventID || evt.Request.RetryAttempt != 1 || evt.Request.RetryReason != "timeout" {
		t.Errorf("redelivery: event %q retry %d %q", cb.EventID, evt.Request.RetryAttempt, evt.Request.RetryReason)
	}
	if _, err := s.RedeliverEvent(ctx, "EvNOPE", 1, "timeout"); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("unknown event: %v", err)
	}

	if _, _, err := s.Mention(ctx, Message{Text: "<@" + botUser + "> already"}); err != nil {
		t.Fatal(err)
	}
	if _, data := inner(); data.(*slackevents.AppMentionEvent).Text != "<@"+botUser+"> already" {
		t.Errorf("mention prefixed twice: %q", data.(*slackevents.AppMentionEvent).Text)
	}

	if _, _, err := s.DirectMessage(ctx, Message{UserID: "U5", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	_, data = inner()
	if dm := data.(*slackevents.MessageEvent); dm.ChannelType != "im" || dm.Channel != s.DMChannel("U5") || dm.User != "U5" || dm.Text != "hi" || dm.BotID != "" || dm.SubType != "" {
		t.Errorf("message.im = %+v", dm)
	}

}

func TestWaitPostAndOnPost(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)
	var mu sync.Mutex
	var seen []string
	s.OnPost(func(p Posted) {
		mu.Lock()
		seen = append(seen, p.Text)
		mu.Unlock()
	})
	waited := make(chan Posted, 1)
	go func() {
		p, _ := s.WaitPost(ctx, func(p Posted) bool { return strings.HasPrefix(p.Text, "later") })
		waited <- p
	}()
	for _, text := range []string{"first", "later one", "last"} {
		if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(text, false)); err != nil {
			t.Fatal(err)
		}
	}
	if p := <-waited; p.Text != "later one" || p.Seq != 2 {
		t.Errorf("WaitPost = %+v", p)
	}
	if p, err := s.WaitPostAfter(ctx, 2, func(Posted) bool { return true }); err != nil || p.Text != "last" {
		t.Errorf("WaitPostAfter = %+v, %v", p, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, "|") != "first|later one|last" {
		t.Errorf("OnPost saw %q", seen)
	}
}

func TestCloseEndsWaits(t *testing.T) {
	t.Parallel()
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	connected(t, s, nil)
	errc := make(chan error, 1)
	go func() {
		_, err := s.WaitPost(testCtx(t), func(Posted) bool { return false })
		errc <- err
	}()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("WaitPost after Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestMaxRecordsBoundsMemory(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{MaxRecords: 3})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)
	var mu sync.Mutex
	delivered := 0
	s.OnPost(func(Posted) {
		mu.Lock()
		delivered++
		mu.Unlock()
	})
	for i := range 10 {
		if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(fmt.Sprint(i), false)); err != nil {
			t.Fatal(err)
		}
	}
	posts := s.Posts()
	if len(posts) > 6 || posts[len(posts)-1].Seq != 10 || posts[len(posts)-1].Text != "9" {
		t.Errorf("kept %d posts, last %+v", len(posts), posts[len(posts)-1])
	}
	if len(s.Calls()) > 6 {
		t.Errorf("kept %d calls", len(s.Calls()))
	}
	if p, err := s.WaitPostAfter(ctx, 8, func(Posted) bool { return true }); err != nil || p.Seq != 9 {
		t.Errorf("WaitPostAfter(8) = %+v, %v", p, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if delivered != 10 {
		t.Errorf("OnPost saw %d posts, want 10", delivered)
	}
}

// TestIssuedTriggerAndResponseURL: what a test builds its own payloads with
// works like what the moves hand out, and WaitCall sees the calls.
func TestIssuedTriggerAndResponseURL(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)

	trigger := s.IssueTrigger("U7")
	if _, err := api.OpenViewContext(ctx, trigger, modalRequest(t)); err != nil {
		t.Fatalf("views.open with an issued trigger: %v", err)
	}
	if v, ok := s.LatestView("U7"); !ok || v.CallbackID != "advisor_assessment" {
		t.Errorf("LatestView(U7) = %+v, %v", v, ok)
	}
	if _, err := api.OpenViewContext(ctx, trigger, modalRequest(t)); err == nil || !strings.Contains(err.Error(), "exchanged_trigger_id") {
		t.Errorf("second use of the trigger: %v, want exchanged_trigger_id", err)
	}
	c, err := s.WaitCall(ctx, "views.open", func(c Call) bool { return c.Error != "" })
	if err != nil || c.Params["trigger_id"] != trigger || c.Error != "exchanged_trigger_id" {
		t.Errorf("WaitCall = %+v, %v", c, err)
	}

	ru := s.IssueResponseURL("actions", "C9", "U7")
	if !strings.Contains(ru, "/hooks/actions/") {
		t.Errorf("response_url %s is not an actions hook", ru)
	}
	if err := slack.PostWebhookContext(ctx, ru, &slack.WebhookMessage{Text: "hello"}); err != nil {
		t.Fatalf("post to the issued response_url: %v", err)
	}
	p, err := s.WaitPost(ctx, func(p Posted) bool { return p.Kind == "response_url" })
	if err != nil || p.Channel != "C9" || p.UserID != "U7" || p.ResponseType != "ephemeral" || p.Text != "hello" {
		t.Errorf("post = %+v, %v", p, err)
	}
}

// TestCloseWithUnusedConnection: a client's transport often holds a
// connection it dialled but never used; Close must not wait for it.
func TestCloseWithUnusedConnection(t *testing.T) {
	t.Parallel()
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(s.APIURL(), "http://"), "/api/"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v with an unused connection open", d)
	}
}
