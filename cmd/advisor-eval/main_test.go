package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

// TestHalf: the split is fixed (the same question, the same half, in any
// run) and close to even.
func TestHalf(t *testing.T) {
	t.Parallel()
	// The split must never move: these halves are the committed set's.
	for q, want := range map[string]string{
		"how much does a fractional CTO cost?": "test", "caio vs cto": "tune",
		"what's the wifi password?": "tune", "do we need both roles": "test",
	} {
		if got := Half(q); got != want {
			t.Errorf("Half(%q) = %s, want %s", q, got, want)
		}
	}
	n := 0
	for i := range 1000 {
		if Half(fmt.Sprintf("question %d about a CAIO", i)) == "test" {
			n++
		}
	}
	if n < 450 || n > 550 {
		t.Errorf("%d of 1000 in the test half", n)
	}
}

// writeSet writes cases to a set file, each question made to land in the
// test half by appending spaces (the hash sees them; the search does not).
func writeSet(t *testing.T, cases []Case) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("cases:\n")
	for _, c := range cases {
		q := c.Q
		for Half(q) != "test" {
			q += " "
		}
		fmt.Fprintf(&b, "  - {q: %q, want: %s, kind: %q}\n", q, c.Want, c.Kind)
	}
	path := filepath.Join(t.TempDir(), "set.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEvaluate: the figures, the confusions and the baseline check, on a
// small set whose answers are known.
func TestEvaluate(t *testing.T) {
	t.Parallel()
	set := writeSet(t, []Case{
		{Q: "How much does a fractional CTO cost compared with hiring one full time?", Want: "cost"},
		{Q: "How much does a fractional CTO cost compared with hiring one full time?!", Want: "when-caio"}, // mislabelled on purpose: a confusion
		{Q: "what's the wifi password in the office?", Want: "none", Kind: "offtopic"},
		{Q: "who won the football match last night?", Want: "none", Kind: "hard"},
		{Q: "How many hours a week does a fractional CTO work?", Want: "none", Kind: "uncovered"},
	})
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"-set", set, "-json", report}, &out); err != nil {
		t.Fatal(err)
	}
	var r Report
	data, _ := os.ReadFile(report)
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if r.InDomain != 2 || r.Top1 != 50 || r.OffTopic != 1 || r.OffTopicRej != 100 || r.Hard != 1 || r.HardRej != 100 ||
		r.Uncovered != 1 || r.UncoveredRej != 100 || r.UncoveredNamed != 100 {
		t.Errorf("report %+v", r)
	}
	if len(r.Confusions) != 1 || r.Confusions[0] != (Pair{Want: "when-caio", Got: "cost", N: 1}) {
		t.Errorf("confusions %+v", r.Confusions)
	}
	if !strings.Contains(out.String(), "top-1 50.0%") {
		t.Errorf("table:\n%s", out.String())
	}
	// A baseline a point and a half better fails the check; its own passes.
	better := r
	better.Top1 += 1.5
	b, _ := json.Marshal(better)
	basePath := filepath.Join(dir, "base.json")
	if err := os.WriteFile(basePath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-set", set, "-check", basePath}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "top-1") {
		t.Errorf("check against a better baseline: %v", err)
	}
	if err := run(context.Background(), []string{"-set", set, "-check", report}, &bytes.Buffer{}); err != nil {
		t.Errorf("check against itself: %v", err)
	}
	// -half all reads every case of a tuning set, and lists its misses.
	var all bytes.Buffer
	if err := run(context.Background(), []string{"-set", set, "-half", "all", "-misses"}, &all); err != nil || !strings.Contains(all.String(), "when-caio") {
		t.Errorf("-half all -misses: %v\n%s", err, all.String())
	}
}

// TestBadSet: a set that is not one fails with its path.
func TestBadSet(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	for _, body := range []string{"cases: [", "cases:\n  - {q: \"\", want: cost}\n", "cases:\n  - {q: \"x\", want: none}\n", "cases:\n  - {q: \"x\", want: cost, kind: hard}\n"} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := run(context.Background(), []string{"-set", path}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: %v", body, err)
		}
	}
	for _, args := range [][]string{{"-half", "both"}, {"-half", "tune"}, {"-misses"}, {"-curve"},
		{"-cv", "-check", "internal/faq/testdata/blind-baseline.json"}, {"-cv", "-set", path}, {"-cv", "-half", "all"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	// The whole of a set is for tuning sets only: the blind set's test
	// half is read by the report alone.
	for _, args := range [][]string{{"-half", "all"}, {"-half", "all", "-set", "internal/faq/testdata/../testdata/blind.yaml"}} {
		if err := run(context.Background(), args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "never the blind set") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestCrossValidation: -cv measures the content's examples, each ranked by
// an index trained without it.
func TestCrossValidation(t *testing.T) {
	t.Parallel()
	// The built-in content with its first 600 examples: five trainings
	// on all of them take minutes under the race detector.
	content := fstest.MapFS{}
	builtin := faq.DefaultContent()
	names, err := fs.Glob(builtin, "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(builtin, name)
		if err != nil {
			t.Fatal(err)
		}
		if name == faq.ExamplesFile {
			lines := strings.SplitAfter(string(data), "\n")
			data = []byte(strings.Join(lines[:min(len(lines), 600)], ""))
		}
		content[name] = &fstest.MapFile{Data: data}
	}
	var out bytes.Buffer
	if err := measure([]string{"-cv"}, &out, content); err != nil {
		t.Fatal(err)
	}
	kb, err := faq.Load(content)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(kb.Examples()); n < 400 {
		t.Fatalf("%d examples: the test measures too few", n)
	}
	in := 0
	for _, ex := range kb.Examples() {
		if ex.Want != "none" && ex.Kind == "" {
			in++
		}
	}
	if want := fmt.Sprintf("%d questions: top-1 ", in); !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "5-fold cross-validation") {
		t.Errorf("report lacks %q:\n%s", want, out.String())
	}

	// One question, labelled against its own entry: learnt from, it
	// weakens the entry's answer; left out of its fold's training, as
	// cross-validation must, it does not.
	small, err := faq.Load(fstest.MapFS{
		faq.ConceptsFile: {Data: []byte("concepts:\n  - term: cost\n    words: [price]\nanchors: [cost]\nstopwords: [the]\n")},
		"a.yaml":         {Data: []byte("id: a\nquestion: What does setup cost?\nanswer: A.\n")},
		"b.yaml":         {Data: []byte("id: b\nquestion: What does support cost?\nanswer: B.\n")},
		faq.ExamplesFile: {Data: []byte("examples:\n  - {q: setup cost, want: none, kind: hard}\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	q := "setup cost"
	full, cv := faq.NewIndex(small).Search(q), crossValidated(small, cvFolds)(q)
	if cv.Match == nil || cv.Match.Entry.ID != "a" {
		t.Fatalf("cross-validated: %+v, want a", cv.Match)
	}
	if full.Match != nil && full.Match.Score >= cv.Match.Score {
		t.Errorf("trained with the example, %q scores %.3f; without, %.3f: want lower with", q, full.Match.Score, cv.Match.Score)
	}
}

// TestLearntQuestion: a set question the classifier learnt from (it is in
// examples.yaml) measures nothing, and the report refuses it.
func TestLearntQuestion(t *testing.T) {
	t.Parallel()
	kb, err := faq.Load(faq.DefaultContent())
	if err != nil {
		t.Fatal(err)
	}
	ex := kb.Examples()[0]
	set := writeSet(t, []Case{{Q: strings.ToUpper(ex.Q) + "!", Want: "cost"}})
	if err := run(context.Background(), []string{"-set", set}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), faq.ExamplesFile) {
		t.Errorf("a learnt question: %v, want an error naming %s", err, faq.ExamplesFile)
	}
}

// TestTopicNamed: a question on a known topic counts as named only when
// the search names that topic.
func TestTopicNamed(t *testing.T) {
	t.Parallel()
	hours := func(string) faq.Result { return faq.Result{Uncovered: &faq.Topic{ID: "hours"}} }
	for topic, want := range map[string]float64{faq.TopicPrefix + "hours": 100, faq.TopicPrefix + "ip": 0, "": 100} {
		r := evaluate(hours, []Case{{Q: "q", Want: "none", Kind: "uncovered", Topic: topic}}, "cv", faq.Threshold)
		if r.UncoveredRej != 100 || r.UncoveredNamed != want {
			t.Errorf("topic %q: refused %.0f%%, named %.0f%%; want 100%%, %.0f%%", topic, r.UncoveredRej, r.UncoveredNamed, want)
		}
	}
}
