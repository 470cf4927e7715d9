package slacktest

import (
	"errors"
	"fmt"
	"slices"
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

// TestLoadModeConcurrent: in load mode (no records, ForgetAfter) moves and
// posts from many goroutines reach the hooks, every post once and in Seq
// order, while the server keeps only what was stored last.
func TestLoadModeConcurrent(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{MaxRecords: -1, ForgetAfter: time.Nanosecond})
	b := connected(t, s, nil)
	var mu sync.Mutex
	var seqs []int
	calls := 0
	s.OnPost(func(p Posted) {
		mu.Lock()
		defer mu.Unlock()
		seqs = append(seqs, p.Seq)
	})
	s.OnCall(func(Call) {
		mu.Lock()
		defer mu.Unlock()
		calls++
	})
	ctx := testCtx(t)
	const users, rounds = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, users*rounds)
	for u := range users {
		wg.Go(func() {
			user := fmt.Sprintf("U%d", u+1)
			for range rounds {
				if _, _, err := s.SlashCommand(ctx, SlashCommand{UserID: user}); err != nil {
					errs <- err
				}
				if _, _, err := s.DirectMessage(ctx, Message{UserID: user, Text: "hi"}); err != nil {
					errs <- err
				}
				if _, _, err := b.api.PostMessageContext(ctx, user, slack.MsgOptionText("answer", false)); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seqs) != users*rounds || !slices.IsSorted(seqs) || seqs[0] != 1 || seqs[len(seqs)-1] != users*rounds {
		t.Errorf("OnPost saw %d posts, Seq %v…; want %d in order", len(seqs), seqs[:min(5, len(seqs))], users*rounds)
	}
	// Each round: an ack for the command, one for the DM, a post (and the
	// client's apps.connections.open and websocket dial).
	if calls < 3*users*rounds {
		t.Errorf("OnCall saw %d calls, want at least %d", calls, 3*users*rounds)
	}
	if n := len(s.Posts()) + len(s.Calls()); n != 0 {
		t.Errorf("load mode recorded %d posts and calls", n)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, n := range map[string]int{"triggers": len(s.triggers.m), "response_urls": len(s.responses.m),
		"events": len(s.events.m), "dms": len(s.dms.m), "dm users": len(s.dmUsers)} {
		if n > users { // a few stored at the same instant may be kept
			t.Errorf("%d %s kept after ForgetAfter", n, name)
		}
	}
}
