package slackbot

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
	"go.uber.org/zap/zaptest"
)

// noAnswers is a knowledge base that knows nothing.
type noAnswers struct{}

func (noAnswers) Search(string) faq.Result        { return faq.Result{} }
func (noAnswers) Entry(string) (*faq.Entry, bool) { return nil, false }
func (noAnswers) Entries() []*faq.Entry           { return nil }

// TestRunStopsSocketMode stops the bot again and again right after it
// connects: Run must not return while its Socket Mode client is still
// running, for that client may yet dial Slack after the bot has stopped.
// It is not parallel: it looks at every goroutine's stack.
func TestRunStopsSocketMode(t *testing.T) {
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	httpClient := &http.Client{Transport: transport, Timeout: 5 * time.Second}
	appToken, botToken := emu.Tokens()

	for i := range 20 {
		bot := New(Deps{BotToken: botToken, AppToken: appToken, HTTP: httpClient, APIURL: emu.APIURL(), Search: noAnswers{}, KB: noAnswers{}, Log: zaptest.NewLogger(t)}, Config{})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- bot.Run(ctx) }()
		wait, stop := context.WithTimeout(context.Background(), 5*time.Second)
		err := emu.WaitConnects(wait, i+1)
		stop()
		cancel()
		if err != nil {
			t.Fatalf("run %d: the bot did not connect: %v", i, err)
		}
		if err := <-done; err != nil {
			t.Fatalf("run %d: Run returned %v, want nil", i, err)
		}
		buf := make([]byte, 1<<20)
		if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "socketmode.(*Client).RunContext") {
			t.Fatalf("run %d: the Socket Mode client outlived Run:\n%s", i, stacks)
		}
	}
}
