package slacktest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// The hooks a load tool uses: Ack.Sent to time replies, OnCall to count
// every call over a run longer than MaxRecords keeps.

func TestAckSent(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	connected(t, s, nil)
	before := time.Now()
	ack, _, err := s.SlashCommand(testCtx(t), SlashCommand{Text: "help"})
	after := time.Now()
	if err != nil {
		t.Fatalf("SlashCommand: %v", err)
	}
	if ack.Sent.Before(before) || ack.Sent.After(after) {
		t.Errorf("Sent = %v, want between %v and %v", ack.Sent, before, after)
	}
	if read := ack.Sent.Add(ack.Latency); read.After(after) || ack.Latency <= 0 {
		t.Errorf("Sent + Latency = %v, after the call returned (%v)", read, after)
	}
}

func TestAckSentOnTimeout(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{AckTimeout: 100 * time.Millisecond})
	connected(t, s, func(*bot, socketmode.Event) {}) // never acks
	ack, _, err := s.SlashCommand(testCtx(t), SlashCommand{Text: "help"})
	if !errors.Is(err, ErrAckTimeout) {
		t.Fatalf("err = %v, want ErrAckTimeout", err)
	}
	if ack.Sent.IsZero() || ack.EnvelopeID == "" {
		t.Errorf("ack = %+v, want the envelope id and when it was written", ack)
	}
}

func TestOnCallSeesEveryCall(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{MaxRecords: 2})
	var mu sync.Mutex
	var got []Call
	s.OnCall(func(c Call) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, c)
	})
	app, tok := s.Tokens()
	api := newAPI(t, s, tok, app)
	ctx := testCtx(t)
	const n = 7
	for range n {
		if _, _, err := api.PostMessageContext(ctx, "C0EMUGEN1", slack.MsgOptionText("hi", false)); err != nil {
			t.Fatalf("PostMessage: %v", err)
		}
	}
	_, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionText("hi", false))
	if err == nil {
		t.Fatal("PostMessage to no channel succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n+1 {
		t.Fatalf("OnCall saw %d calls, want %d", len(got), n+1)
	}
	if last := got[n]; last.Method != "chat.postMessage" || last.Error != "channel_not_found" || last.Status != 200 {
		t.Errorf("last call = %+v, want chat.postMessage answered channel_not_found", last)
	}
	if kept := len(s.Calls()); kept > 4 {
		t.Errorf("Calls() kept %d, MaxRecords 2 allows at most 4", kept)
	}
}
