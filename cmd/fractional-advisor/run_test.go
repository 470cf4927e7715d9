package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fractional-advisor/fractional-advisor/internal/advisor"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
	"github.com/fractional-advisor/fractional-advisor/internal/store"
	"go.uber.org/goleak"
)

// runCLI runs the program as main would and returns its exit status,
// stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), args, &stdout, &stderr)
	code := exitCode(err, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestAskJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "ask", "--json", "how much does a part-time CTO cost?")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var got struct {
		Match *struct {
			ID       string  `json:"id"`
			Question string  `json:"question"`
			Answer   string  `json:"answer"`
			Score    float64 `json:"score"`
		} `json:"match"`
		Alternatives []struct {
			ID    string  `json:"id"`
			Score float64 `json:"score"`
		} `json:"alternatives"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if got.Match == nil || got.Match.ID != "cost" {
		t.Fatalf("match = %+v, want the cost entry", got.Match)
	}
	if got.Match.Answer == "" || got.Match.Question == "" || got.Match.Score <= 0 || got.Match.Score > 1 {
		t.Errorf("match is incomplete: %+v", got.Match)
	}
	if got.Alternatives == nil || len(got.Alternatives) > 3 {
		t.Errorf("alternatives = %v, want an array of at most 3", got.Alternatives)
	}
	for i, a := range got.Alternatives {
		if a.Score > got.Match.Score || (i > 0 && a.Score > got.Alternatives[i-1].Score) {
			t.Errorf("alternatives not best first: %+v", got.Alternatives)
		}
	}
}

func TestAskNoMatch(t *testing.T) {
	code, out, _ := runCLI(t, "ask", "--json", "what's the office wifi password?")
	if code != 0 {
		t.Fatalf("exit %d, want 0 when there is no answer", code)
	}
	if !strings.HasPrefix(out, `{"match":null,"alternatives":[`) {
		t.Errorf("got %s, want a null match and an alternatives array", out)
	}
	code, out, _ = runCLI(t, "ask", "what's the office wifi password?")
	if code != 0 || !strings.Contains(out, "don't have a confident answer") {
		t.Errorf("text output = %q (exit %d)", out, code)
	}
}

// TestAskLearned: with ADVISOR_DB set, ask answers from the answers
// experts taught the bot too; it reads the database and never creates
// one.
func TestAskLearned(t *testing.T) {
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "advisor.db")
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	const q = "Is the fractional CAIO allowed to sign NDAs on our behalf?"
	if _, err := st.Learn(context.Background(), store.Learned{Question: q, Answer: "Only with the board's say-so.", AuthorID: "U0EXPERT1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ADVISOR_DB", dsn)
	code, out, errOut := runCLI(t, "ask", "--json", q)
	if code != 0 || !strings.Contains(out, `"id":"learned-1"`) || !strings.Contains(out, "board's say-so") {
		t.Errorf("exit %d, stdout %s, stderr %q; want the learned answer", code, out, errOut)
	}

	missing := filepath.Join(dir, "none.db")
	for _, tt := range []struct {
		db   string
		code int
	}{{"sqlite:" + missing, 1}, {"mysql://db/x", 2}} {
		t.Setenv("ADVISOR_DB", tt.db)
		code, _, errOut = runCLI(t, "ask", q)
		if code != tt.code || !strings.HasPrefix(errOut, "fractional-advisor: ADVISOR_DB") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("ADVISOR_DB=%s: exit %d, stderr %q; want %d and one line naming ADVISOR_DB", tt.db, code, errOut, tt.code)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("ask created %s (%v)", missing, err)
	}
}

func TestRecommendJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "recommend", "--json", "--goal", "ai_transformation", "--infrastructure", "solid",
		"--ai-ambition", "targeted", "--engineering-team", "established", "--ai-governance", "high", "--budget", "10k_25k", "--months", "6")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got contractRecommendation
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Recommendation != "caio" || got.Confidence <= 0 || got.Confidence > 1 || len(got.Reasons) == 0 {
		t.Errorf("got %+v", got)
	}
	c := got.Cost
	if c.Months != 6 || c.Roles != 1 || c.Fractional.Min != 60000 || c.Fractional.Max != 150000 || c.FullTime.Min != 100000 || c.FullTime.Max != 200000 {
		t.Errorf("cost = %+v", c)
	}
}

func TestRecommendText(t *testing.T) {
	code, out, _ := runCLI(t, "recommend", "--goal", "tech_foundation", "--infrastructure", "weak",
		"--ai-ambition", "exploring", "--engineering-team", "none", "--ai-governance", "low", "--budget", "under_10k")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Recommendation: A fractional CTO", "Why:", "Budget:", "$120,000", "Next steps:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	all := []string{"--goal", "both", "--infrastructure", "solid", "--ai-ambition", "aggressive",
		"--engineering-team", "small", "--ai-governance", "low", "--budget", "over_25k"}
	tests := []struct {
		name string
		args []string
		want string // in the one line on stderr
	}{
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"ask without question", []string{"ask"}, "QUESTION is missing"},
		{"ask unknown flag", []string{"ask", "--jsn", "x"}, "jsn"},
		{"missing field", []string{"recommend", "--goal", "both"}, "--infrastructure is required"},
		{"bad budget", append([]string{"recommend"}, replace(all, "over_25k", "lots")...), `--budget: unknown value "lots"`},
		{"months not a number", append([]string{"recommend", "--months", "ten"}, all...), "--months must be a whole number"},
		{"months out of range", append([]string{"recommend", "--months", "0"}, all...), "--months must be between 1 and 60"},
		{"stray argument", append([]string{"recommend"}, append(all, "extra")...), `unexpected argument "extra"`},
		{"unknown flag", append([]string{"recommend", "--colour", "red"}, all...), "colour"},
		{"argument to demo", []string{"demo", "--bogus"}, `demo: unexpected argument "--bogus"`},
		{"argument to serve", []string{"serve", "now"}, `serve: unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr = %q, want one line with %q", errOut, tt.want)
			}
		})
	}
}

func replace(args []string, old, new string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		if a == old {
			out[i] = new
		}
	}
	return out
}

func TestContentDirOverride(t *testing.T) {
	dir := t.TempDir()
	entry := "id: wifi\nquestion: What is the wifi password?\nanswer: Ask the office manager.\nphrasings: [office wifi password]\n"
	if err := os.WriteFile(filepath.Join(dir, "wifi.yaml"), []byte(entry), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ADVISOR_CONTENT_DIR", dir)
	// Replaced content is a whole knowledge base: its concepts too.
	code, _, errOut := runCLI(t, "ask", "anything")
	if code != 1 || !strings.Contains(errOut, "ADVISOR_CONTENT_DIR") || !strings.Contains(errOut, faq.ConceptsFile+": file does not exist") {
		t.Errorf("without %s: exit %d, stderr %q: want it named", faq.ConceptsFile, code, errOut)
	}
	concepts := "concepts:\n  - term: wifi\n    words: [wifi, wireless]\nanchors: [wifi]\nstopwords: [the, what, is]\n"
	if err := os.WriteFile(filepath.Join(dir, faq.ConceptsFile), []byte(concepts), 0o600); err != nil {
		t.Fatal(err)
	}
	// One entry is not a knowledge base: it would answer every question.
	code, _, errOut = runCLI(t, "ask", "how much does a fractional cto cost")
	if code != 1 || !strings.Contains(errOut, "ADVISOR_CONTENT_DIR") || !strings.Contains(errOut, "lacks 18 of 18: caio-vs-cto") ||
		strings.Count(errOut, "\n") != 1 {
		t.Errorf("a one-entry replacement: exit %d, stderr %q: want it refused in one line naming what is missing", code, errOut)
	}
	// A complete replacement: the built-in content and one more entry.
	// Without the asked questions (examples.yaml is optional): replaced
	// content trains its classifier at start, on every example, which
	// takes a minute under the race detector.
	builtin := faq.DefaultContent()
	names, err := fs.Glob(builtin, "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if name == faq.ExamplesFile {
			continue
		}
		data, err := fs.ReadFile(builtin, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == faq.ConceptsFile {
			data = bytes.Replace(data, []byte("anchors: ["), []byte("anchors: [wifi, "), 1)
			data = bytes.Replace(data, []byte("concepts:\n"), []byte("concepts:\n  - term: wifi\n    words: [wifi, wireless]\n"), 1)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runCLI(t, "ask", "--json", "office wireless password")
	if code != 0 || !strings.Contains(out, `"id":"wifi"`) {
		t.Fatalf("a complete replacement: exit %d, out %s, err %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "ask", "--json", "how much does a fractional cto cost"); code != 0 || !strings.Contains(out, `"id":"cost"`) {
		t.Errorf("a complete replacement lost the built-in answers: %s", out)
	}

	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: bad\nquestion: Q?\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runCLI(t, "ask", "anything")
	if code != 1 || !strings.Contains(errOut, "bad.yaml") || !strings.Contains(errOut, "answer is empty") {
		t.Errorf("exit %d, stderr %q: want the file and the problem named", code, errOut)
	}
}

func TestServeNeedsTokens(t *testing.T) {
	t.Setenv("SLACK_APP_TOKEN", "")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-secret-value-123")
	code, out, errOut := runCLI(t, "serve")
	if code == 0 || !strings.Contains(errOut, "SLACK_APP_TOKEN is required") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out+errOut, "secret-value") {
		t.Error("a token reached the output")
	}
	t.Setenv("SLACK_APP_TOKEN", "not-a-token")
	code, out, errOut = runCLI(t, "serve")
	if code == 0 || !strings.Contains(errOut, "SLACK_APP_TOKEN is malformed") || strings.Contains(out+errOut, "not-a-token") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestOfflineCommandsIgnoreServeSettings: ask and recommend are offline, so
// a setting only serve reads must not stop them.
func TestOfflineCommandsIgnoreServeSettings(t *testing.T) {
	t.Setenv("ADVISOR_WORKERS", "0")
	t.Setenv("SLACK_API_URL", "not a url")
	if code, _, errOut := runCLI(t, "ask", "how much does a fractional CTO cost?"); code != 0 {
		t.Errorf("ask exited %d: %s", code, errOut)
	}
	code, _, errOut := runCLI(t, "recommend", "--goal", "both", "--infrastructure", "solid", "--ai-ambition", "aggressive",
		"--engineering-team", "small", "--ai-governance", "low", "--budget", "over_25k")
	if code != 0 {
		t.Errorf("recommend exited %d: %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "serve"); code != 2 {
		t.Errorf("serve with bad settings exited %d, want 2", code)
	}
}

// TestRecommendJSONEveryCombination runs `recommend --json` for all 486
// answer sets and checks each against the contract's JSON.
func TestRecommendJSONEveryCombination(t *testing.T) {
	valid := map[string]bool{"caio": true, "cto": true, "both": true, "cto_then_caio": true}
	for _, a := range advisor.AllAnswers() {
		args := []string{"recommend", "--json"}
		for _, q := range advisor.Questions() {
			args = append(args, "--"+flagName(q.Field), a.Get(q.Field))
		}
		code, out, errOut := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		var got contractRecommendation
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		c := got.Cost
		if !valid[got.Recommendation] || got.Confidence < 0 || got.Confidence > 1 || len(got.Reasons) == 0 ||
			c.Months != 12 || c.Roles < 1 || c.Fractional.Min != 120000*c.Roles || c.FullTime.Max != 400000*c.Roles {
			t.Errorf("%v: %s", args, out)
		}
	}
}

// contractRecommendation is the part of `recommend --json` CONTRACT.md fixes.
type contractRecommendation struct {
	Recommendation string   `json:"recommendation"`
	Confidence     float64  `json:"confidence"`
	Reasons        []string `json:"reasons"`
	Cost           struct {
		Months, Roles int
		Fractional    struct{ Min, Max int } `json:"fractional_usd"`
		FullTime      struct{ Min, Max int } `json:"full_time_usd"`
	} `json:"cost"`
}

// Nothing the bot starts may outlive the tests: no worker, no socket.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestFlagsAfterTheQuestion: people type flags where they like.
func TestFlagsAfterTheQuestion(t *testing.T) {
	for _, args := range [][]string{
		{"ask", "what is a caio", "--json"},
		{"ask", "what", "--json", "is a caio"},
		{"ask", "--json", "what is a caio"},
	} {
		code, out, errOut := runCLI(t, args...)
		if code != 0 || !strings.HasPrefix(out, `{"match":`) {
			t.Errorf("%q: exit %d, out %q, err %q; want JSON", args, code, out, errOut)
		}
		if strings.Contains(out, "--json") {
			t.Errorf("%q: the flag was read as part of the question: %s", args, out)
		}
	}
	// After "--", everything is the question.
	code, out, _ := runCLI(t, "ask", "--", "what", "is", "--json")
	if code != 0 || strings.HasPrefix(out, "{") {
		t.Errorf(`ask -- what is --json: exit %d, out %q; want text`, code, out)
	}
}

// TestHelpEverywhere: every command answers -h and --help with its usage
// and exit 0.
func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}, {"serve", "--help"}, {"demo", "--help"}, {"demo", "-h"},
		{"ask", "--help"}, {"recommend", "--help"}} {
		code, out, errOut := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") || errOut != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want usage and 0", args, code, clip(out), errOut)
		}
	}
}

// TestMissingContentDir: a folder that is not there is named, with the
// variable, in one line.
func TestMissingContentDir(t *testing.T) {
	t.Setenv("ADVISOR_CONTENT_DIR", filepath.Join(t.TempDir(), "nowhere"))
	code, _, errOut := runCLI(t, "ask", "what is a caio")
	if code != 2 || !strings.Contains(errOut, "ADVISOR_CONTENT_DIR") || !strings.Contains(errOut, "nowhere: no such folder") ||
		strings.Contains(errOut, "open .") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestRecommendTextCounts: counts read as English, one or many.
func TestRecommendTextCounts(t *testing.T) {
	code, out, _ := runCLI(t, "recommend", "--months", "1", "--goal", "tech_foundation", "--infrastructure", "weak",
		"--ai-ambition", "exploring", "--engineering-team", "none", "--ai-governance", "low", "--budget", "under_10k")
	if code != 0 || !strings.Contains(out, "Cost over 1 month (1 leader)") || strings.Contains(out, "(s)") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	_, out, _ = runCLI(t, "recommend", "--goal", "both", "--infrastructure", "solid", "--ai-ambition", "aggressive",
		"--engineering-team", "small", "--ai-governance", "high", "--budget", "over_25k")
	if !strings.Contains(out, "Cost over 12 months (2 leaders)") {
		t.Errorf("output:\n%s", out)
	}
}

// TestServeStoreErrors: a malformed ADVISOR_DB is bad input (exit 2); a
// database that cannot be reached or read stops serve with one line that
// names it (exit 1), with no fallback, and a damaged file is left as it is.
func TestServeStoreErrors(t *testing.T) {
	t.Setenv("SLACK_APP_TOKEN", "xapp-1-A111-222-abcdef")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-111-222-abcdef")
	t.Setenv("ADVISOR_HTTP_ADDR", "")
	damaged := filepath.Join(t.TempDir(), "advisor.db")
	garbage := bytes.Repeat([]byte("not a database "), 1000)
	if err := os.WriteFile(damaged, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		db   string
		code int
		want []string
	}{
		{"mysql://db/advisor", 2, []string{"ADVISOR_DB"}},
		{"advisor.db", 2, []string{"ADVISOR_DB"}},
		{"postgres://advisor:hunter2@127.0.0.1:1/advisor?connect_timeout=2", 1, []string{"ADVISOR_DB", "127.0.0.1:1"}},
		{"sqlite:" + damaged, 1, []string{"ADVISOR_DB", damaged}},
	} {
		t.Setenv("ADVISOR_DB", tt.db)
		code, out, errOut := runCLI(t, "serve")
		if code != tt.code || strings.Count(errOut, "\n") != 1 || strings.Contains(out+errOut, "hunter2") {
			t.Errorf("ADVISOR_DB=%s: exit %d, stderr %q; want %d and one line without the password", tt.db, code, errOut, tt.code)
		}
		for _, w := range tt.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("ADVISOR_DB=%s: stderr %q does not name %q", tt.db, errOut, w)
			}
		}
	}
	if data, err := os.ReadFile(damaged); err != nil || !bytes.Equal(data, garbage) {
		t.Error("the damaged database file was changed")
	}
}

// TestServeHTTPModeSettings: in HTTP mode the signing secret is required
// (exit 2 naming it, never printing it) and the app token is not.
func TestServeHTTPModeSettings(t *testing.T) {
	t.Setenv("SLACK_MODE", "http")
	t.Setenv("SLACK_APP_TOKEN", "")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-111-222-abcdef")
	for _, tt := range []struct{ secret, want string }{
		{"", "SLACK_SIGNING_SECRET is required"},
		{"short-hunter2", "SLACK_SIGNING_SECRET is malformed"},
	} {
		t.Setenv("SLACK_SIGNING_SECRET", tt.secret)
		code, out, errOut := runCLI(t, "serve")
		if code != 2 || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 || strings.Contains(out+errOut, "hunter2") {
			t.Errorf("secret %q: exit %d, stderr %q; want 2 and %q", tt.secret, code, errOut, tt.want)
		}
	}
	t.Setenv("SLACK_MODE", "webhooks")
	if code, _, errOut := runCLI(t, "serve"); code != 2 || !strings.Contains(errOut, "SLACK_MODE") {
		t.Errorf("SLACK_MODE=webhooks: exit %d, stderr %q", code, errOut)
	}
}

// TestAskExplain: --explain says why: the terms read, the pairs of terms
// side by side the classifier knows, the focus of a long message and its
// readings' scores, and the parts of the best scores, the winner first.
func TestAskExplain(t *testing.T) {
	code, out, errOut := runCLI(t, "ask", "--json", "--explain",
		"We are a 30-person insurer with a weak data platform and our board keeps asking about AI every single month. Who should own the AI governance and security work?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Match   struct{ ID string } `json:"match"`
		Explain struct {
			Terms []string `json:"terms"`
			Focus string   `json:"focus"`
			Fused bool     `json:"fused"`
			Top   []struct {
				ID             string
				Score, Lexical float64
				Model          float64
				Whole, Focus   *float64
				Lead           *float64
				Shared         []string `json:"shared_terms"`
			} `json:"top"`
		} `json:"explain"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ex := got.Explain
	if len(ex.Terms) == 0 || !strings.HasPrefix(ex.Focus, "Who should own") || len(ex.Top) == 0 || ex.Top[0].ID != got.Match.ID ||
		ex.Top[0].Lexical+ex.Top[0].Model < ex.Top[0].Score-0.01 || len(ex.Top[0].Shared) == 0 {
		t.Errorf("explain = %+v for match %s", ex, got.Match.ID)
	}
	// The message was read whole, by its question, and by the question
	// with the sentence before it: each entry's score is its best
	// reading's.
	if top := ex.Top[0]; !ex.Fused || top.Whole == nil || top.Focus == nil || top.Lead == nil ||
		top.Score != max(*top.Whole, *top.Focus, *top.Lead) {
		t.Errorf("fused %v, top %+v", ex.Fused, top)
	}
	// The intent: the shape of the wording, stop words and all.
	code, out, errOut = runCLI(t, "ask", "--json", "--explain", "what does a CAIO do that a CTO doesn't?")
	var cmp struct {
		Match   struct{ ID string } `json:"match"`
		Explain struct {
			Intents []string `json:"intents"`
			Pairs   []string `json:"pairs"`
		} `json:"explain"`
	}
	if err := json.Unmarshal([]byte(out), &cmp); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s%s", code, err, out, errOut)
	}
	// The pair: the two roles side by side, which the classifier learnt.
	if cmp.Match.ID != "caio-vs-cto" || !slices.Contains(cmp.Explain.Intents, "differ") || !slices.Contains(cmp.Explain.Pairs, "caio cto") {
		t.Errorf("comparison: match %s, intents %v, pairs %v", cmp.Match.ID, cmp.Explain.Intents, cmp.Explain.Pairs)
	}
	if code, _, errOut := runCLI(t, "ask", "--explain", "what is a caio"); code != 2 || !strings.Contains(errOut, "--json") {
		t.Errorf("--explain without --json: exit %d, %q", code, errOut)
	}
}

// TestAskUncovered: a question on a topic the knowledge base lists as
// uncovered gets no match, and the JSON names the topic (an added field).
func TestAskUncovered(t *testing.T) {
	code, out, errOut := runCLI(t, "ask", "--json", "how many hours a week does a fractional CTO work?")
	var got struct {
		Match     *struct{ ID string }       `json:"match"`
		Uncovered *struct{ ID, Name string } `json:"uncovered"`
	}
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("exit %d, %v: %s%s", code, err, out, errOut)
	}
	if got.Match != nil || got.Uncovered == nil || got.Uncovered.ID != "hours" || got.Uncovered.Name == "" {
		t.Errorf("ask = %s, want no match and the topic hours", out)
	}
	code, out, _ = runCLI(t, "ask", "how many hours a week does a fractional CTO work?")
	if code != 0 || !strings.Contains(out, "hours and availability") {
		t.Errorf("text: exit %d, %q", code, out)
	}
}
