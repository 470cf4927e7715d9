package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/apptest"
	"github.com/fractional-advisor/fractional-advisor/internal/slacktest"
)

// TestServeRefusedToken: a token Slack refuses makes serve exit 1 with one
// line that names the variable and never shows the token.
func TestServeRefusedToken(t *testing.T) {
	emu, err := slacktest.Start(slacktest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	app, _ := emu.Tokens()
	const wrong = "xoxb-999-999-notthetoken"
	t.Setenv("SLACK_APP_TOKEN", app)
	t.Setenv("SLACK_BOT_TOKEN", wrong)
	t.Setenv("SLACK_API_URL", emu.APIURL())
	t.Setenv("ADVISOR_HTTP_ADDR", "127.0.0.1:0")
	t.Setenv("ADVISOR_CONTENT_DIR", "")
	t.Setenv("ADVISOR_DB", "sqlite:"+filepath.Join(t.TempDir(), "advisor.db"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stdout, stderr apptest.Buffer
	runErr := run(ctx, []string{"serve"}, &stdout, &stderr)
	if ctx.Err() != nil {
		t.Fatal("run returned only when its context ended: a refused token must stop serve at once (the HTTP listener kept it alive)")
	}
	var out apptest.Buffer
	if code := exitCode(runErr, &out); code != 1 {
		t.Fatalf("exit %d (%v), want 1", code, runErr)
	}
	line := out.String()
	if strings.Count(line, "\n") != 1 || !strings.Contains(line, "SLACK_BOT_TOKEN") || !strings.Contains(line, "invalid_auth") {
		t.Errorf("exit message %q: want one line naming SLACK_BOT_TOKEN and invalid_auth", line)
	}
	if all := line + stdout.String() + stderr.String(); strings.Contains(all, "notthetoken") {
		t.Errorf("the token appears in the output:\n%s", all)
	}
}
