package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// TestSIGTERMLosesNothingAcked runs the real binary, sends it a burst of
// mentions, and SIGTERM in the middle of it: every mention the bot
// acknowledged is answered before it exits (0), and one it did not is left
// for Slack to deliver again.
func TestSIGTERMLosesNothingAcked(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: skipped with -short")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "fractional-advisor")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	app, bot := emu.Tokens()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "SLACK_APP_TOKEN="+app, "SLACK_BOT_TOKEN="+bot, "SLACK_API_URL="+emu.APIURL(),
		"ADVISOR_HTTP_ADDR=", "ADVISOR_CONTENT_DIR=", "ADVISOR_USER_RATE=0", "ADVISOR_LOG_LEVEL=warn",
		"ADVISOR_DB=sqlite:"+filepath.Join(t.TempDir(), "advisor.db"))
	var log apptest.Buffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("the bot's log:\n%s", log.String())
		}
	}()
	if err := emu.WaitConnected(apptest.Ctx(t)); err != nil {
		t.Fatal(err)
	}

	// Eight users ask in turn until the connection goes; SIGTERM after the
	// first 60 acks.
	const burst = 200
	var (
		mu    sync.Mutex
		acked []slacktest.EventInfo
		sent  atomic.Int32
		wg    sync.WaitGroup
		term  sync.Once
	)
	for u := range 8 {
		wg.Go(func() {
			for sent.Add(1) <= burst {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_, info, err := emu.Mention(ctx, slacktest.Message{UserID: fmt.Sprintf("U0TERM%03d", u), Text: "<@U0EMUBOT1> what does a fractional CTO cost?"})
				cancel()
				if err != nil {
					return // not acked: the connection is going
				}
				mu.Lock()
				acked = append(acked, info)
				if len(acked) == 60 {
					term.Do(func() { _ = cmd.Process.Signal(syscall.SIGTERM) })
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	term.Do(func() { _ = cmd.Process.Signal(syscall.SIGTERM) }) // in case all were acked first
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the bot exited with %v after SIGTERM, want 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not exit within 30s of SIGTERM")
	}
	if len(acked) < 60 || len(acked) == burst {
		t.Fatalf("%d of %d mentions acked: SIGTERM must fall in the middle of the burst", len(acked), burst)
	}
	for _, info := range acked {
		n := 0
		for _, p := range emu.Posts() {
			if apptest.InThread(info)(p) && apptest.IsAnswer(p) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("mention %s was acked, and answered %d times before the bot exited", info.EventID, n)
		}
	}
	t.Logf("%d of %d mentions acked before the connection closed; all answered", len(acked), burst)
}
