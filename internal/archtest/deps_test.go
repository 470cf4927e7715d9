// Package archtest holds tests of the module's shape rather than its
// behaviour: which package may import what.
package archtest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/fractional-advisor/fractional-advisor/"

// goList runs go list with a format over patterns and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

// isUnder reports whether pkg is path or a package below it.
func isUnder(pkg, path string) bool {
	return pkg == path || strings.HasPrefix(pkg, path+"/")
}

// TestDomainIsPure keeps Slack, logging and the network out of the domain
// packages: they return values and errors, and the edge decides what to log
// and show.
func TestDomainIsPure(t *testing.T) {
	t.Parallel()
	forbidden := []string{"github.com/slack-go/slack", "github.com/gorilla/websocket", "go.uber.org/zap", "net/http", "log"}
	for _, pkg := range []string{"../faq", "../advisor", "../store"} {
		for _, dep := range goList(t, "-deps", pkg) {
			for _, f := range forbidden {
				if isUnder(dep, f) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}

// TestOnlyTheAdapterTalksToSlack: slack-go and websockets are imported by
// the adapter alone, besides blockkit (slack-go's block types) and the
// fake. Routing touches neither a websocket nor an HTTP request.
func TestOnlyTheAdapterTalksToSlack(t *testing.T) {
	t.Parallel()
	allowed := []string{module + "internal/slack", module + "internal/blockkit", module + "internal/slacktest"}
	for _, line := range goList(t, "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../../...") {
		pkg, imports, _ := strings.Cut(line, " ")
		for _, imp := range strings.Fields(imports) {
			talks := isUnder(imp, "github.com/slack-go/slack") || isUnder(imp, "github.com/gorilla/websocket")
			if talks && !slices.Contains(allowed, pkg) {
				t.Errorf("%s imports %s: only the adapter (internal/slack) talks to Slack", pkg, imp)
			}
			if pkg == module+"internal/bot" && (imp == "net/http" || isUnder(imp, "github.com/gorilla/websocket")) {
				t.Errorf("the routing imports %s: it works on the adapter's typed events", imp)
			}
		}
	}
}

// TestBinaryLinksNoTestCode: the shipped binary carries no test rig, no
// test helpers and not the testing package (the fake stays, for demo).
func TestBinaryLinksNoTestCode(t *testing.T) {
	t.Parallel()
	deps := goList(t, "-deps", "../../cmd/fractional-advisor")
	for _, dep := range deps {
		switch {
		case dep == "testing", isUnder(dep, "go.uber.org/goleak"), isUnder(dep, "go.uber.org/zap/zaptest"),
			isUnder(dep, "github.com/prometheus/client_golang/prometheus/testutil"),
			strings.HasPrefix(dep, module) && strings.HasSuffix(dep, "test") && dep != module+"internal/slacktest":
			t.Errorf("the binary links %s", dep)
		}
	}
	if !slices.Contains(deps, module+"internal/slack") {
		t.Error("go list found no adapter in the binary: the test looks in the wrong place")
	}
}

// TestFakeSharesNoCode keeps the Slack fake apart from the bot: a fake that
// used the bot's JSON writer or Block Kit code could not catch their bugs.
func TestFakeSharesNoCode(t *testing.T) {
	t.Parallel()
	for _, dep := range goList(t, "-deps", "../slacktest") {
		if strings.HasPrefix(dep, module) && dep != module+"internal/slacktest" {
			t.Errorf("internal/slacktest depends on %s", dep)
		}
	}
}
