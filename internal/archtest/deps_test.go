// Package archtest holds tests of the module's shape rather than its
// behaviour.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainIsPure keeps Slack and logging out of the domain packages: they
// return values and errors, and the edge decides what to log and show.
func TestDomainIsPure(t *testing.T) {
	t.Parallel()
	forbidden := []string{"github.com/slack-go/", "go.uber.org/zap", "net/http", "log"}
	for _, pkg := range []string{"../faq", "../advisor"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f) && (strings.HasSuffix(f, "/") || dep[len(f)] == '/') {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// TestFakeSharesNoCode keeps the Slack fake apart from the bot: a fake that
// used the bot's JSON writer or Block Kit code could not catch their bugs.
func TestFakeSharesNoCode(t *testing.T) {
	t.Parallel()
	const module = "github.com/fractional-advisor/fractional-advisor/"
	out, err := exec.Command("go", "list", "-deps", "../slacktest").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ../slacktest: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, module) && dep != module+"internal/slacktest" {
			t.Errorf("internal/slacktest depends on %s", dep)
		}
	}
}
