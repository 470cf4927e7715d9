package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// botPackage is what the default bot command builds.
const botPackage = "github.com/fractional-advisor/fractional-advisor/cmd/fractional-advisor"

// buildBot builds the bot as the Dockerfile does (static, trimmed,
// stripped, so the memory measured is the shipped binary's) into dir.
func buildBot(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "fractional-advisor")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, botPackage)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s (run advisor-load inside the module, or pass -bot-cmd): %w", botPackage, err)
	}
	return bin, nil
}

// slackEnv is how the bot reaches the emulator: its Web API, and either
// Socket Mode (the app token) or HTTP (the signing secret and the
// address the emulator posts to).
type slackEnv struct {
	apiURL, appToken, botToken string
	signingSecret, slackAddr   string // HTTP mode
}

func (s slackEnv) vars() []string {
	vars := []string{"SLACK_BOT_TOKEN=" + s.botToken, "SLACK_API_URL=" + s.apiURL}
	if s.slackAddr != "" {
		return append(vars, "SLACK_MODE=http", "SLACK_SIGNING_SECRET="+s.signingSecret, "ADVISOR_SLACK_ADDR="+s.slackAddr)
	}
	return append(vars, "SLACK_APP_TOKEN="+s.appToken)
}

// botEnv is the bot's environment: ours, without Slack settings or the
// settings we choose, then ours, then -bot-env overrides.
func botEnv(base []string, slack slackEnv, db string, extra []string) []string {
	ours := append(slack.vars(),
		"ADVISOR_DB="+db,
		"ADVISOR_LOG_LEVEL=warn",
		"ADVISOR_HTTP_ADDR=127.0.0.1:0", // loopback only, any free port
	)
	env := make([]string, 0, len(base)+len(ours)+len(extra))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "SLACK_") || name == "ADVISOR_LOG_LEVEL" || name == "ADVISOR_HTTP_ADDR" || name == "ADVISOR_DB" ||
			name == "ADVISOR_SLACK_ADDR" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, ours...)
	return append(env, extra...) // os/exec keeps the last value of a name
}

// botProc is the running bot.
type botProc struct {
	cmd     *exec.Cmd
	started time.Time
	exited  chan struct{} // closed when the process has been waited for
	waitErr error
	stderr  *tailBuffer
}

// startBot starts argv with env; its stderr is kept (the last 64 KiB) and,
// with verbose, copied to stderr.
func startBot(argv, env []string, stderr io.Writer, verbose bool) (*botProc, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty bot command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.SysProcAttr = botSysProcAttr()
	tail := &tailBuffer{max: 64 << 10}
	cmd.Stdout = io.Discard
	cmd.Stderr = tail
	if verbose {
		cmd.Stdout = stderr
		cmd.Stderr = io.MultiWriter(tail, stderr)
	}
	b := &botProc{cmd: cmd, exited: make(chan struct{}), stderr: tail}
	b.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start bot %s: %w", argv[0], err)
	}
	go func() {
		b.waitErr = cmd.Wait()
		close(b.exited)
	}()
	return b, nil
}

func (b *botProc) pid() int { return b.cmd.Process.Pid }

// alive reports whether the process is still running.
func (b *botProc) alive() bool {
	select {
	case <-b.exited:
		return false
	default:
		return true
	}
}

// exitError describes how the bot ended, with the tail of its stderr.
func (b *botProc) exitError() error {
	return fmt.Errorf("bot exited early (%v); its stderr ends:\n%s", b.waitErr, b.stderr.tail(2048))
}

// stop asks the bot's process group to end (SIGTERM), and kills it after
// grace.
func (b *botProc) stop(grace time.Duration) {
	if !b.alive() {
		return
	}
	pgid := -b.pid()
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-b.exited:
	case <-t.C:
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-b.exited
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

// tail returns up to n of the last bytes written.
func (t *tailBuffer) tail(n int) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf[max(0, len(t.buf)-n):])
}
