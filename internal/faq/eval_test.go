package faq

import (
	"flag"
	"os"
	"testing"

	"go.yaml.in/yaml/v3"
)

// -eval.verbose lists the tuning questions the search gets wrong. Held-out
// failures are never listed: that half is for reporting, not for tuning.
var evalVerbose = flag.Bool("eval.verbose", false, "list the tuning questions the search gets wrong")

type evalCase = TuneCase

type evalSet struct {
	Tune    []evalCase `yaml:"tune"`
	Heldout []evalCase `yaml:"heldout"`
}

func loadEvalSet(t testing.TB) evalSet {
	t.Helper()
	var set evalSet
	readYAML(t, "testdata/eval.yaml", &set)
	// The held-out questions live in files of their own, each written after
	// tuning by an author who had seen nothing of the knowledge base but
	// its questions.
	for _, path := range heldoutFiles() {
		set.Heldout = append(set.Heldout, loadHeldout(t, path)...)
	}
	return set
}

// heldoutFiles are the held-out questions, one file per author.
func heldoutFiles() []string {
	return []string{"testdata/fresh.yaml", "testdata/fresh2.yaml", "testdata/fresh3.yaml", "testdata/fresh4.yaml"}
}

func loadHeldout(t testing.TB, path string) []evalCase {
	t.Helper()
	var fresh struct {
		Fresh []evalCase `yaml:"fresh"`
	}
	readYAML(t, path, &fresh)
	return fresh.Fresh
}

func readYAML(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestEvalSetShape keeps the evaluation set honest: enough phrasings per
// entry, none copied from the entry, enough off-topic questions, and a
// held-out quarter.
func TestEvalSetShape(t *testing.T) {
	t.Parallel()
	kb := defaultKB(t)
	set := loadEvalSet(t)
	perEntry := map[string]int{}
	offTopic := 0
	all := append(append([]evalCase(nil), set.Tune...), set.Heldout...)
	for _, c := range all {
		if c.Want == "none" {
			offTopic++
			continue
		}
		e, ok := kb.Entry(c.Want)
		if !ok {
			t.Errorf("%q wants unknown entry %q", c.Q, c.Want)
			continue
		}
		perEntry[c.Want]++
		q := normalize(c.Q)
		for _, own := range append([]string{e.Question}, e.Phrasings...) {
			if normalize(own) == q {
				t.Errorf("%q repeats the wording of entry %q", c.Q, e.ID)
			}
		}
	}
	// Entries added after these sets were written are measured by the
	// blind set alone (cmd/advisor-eval), whose questions for them were
	// written blind, with the entries.
	blindOnly := map[string]bool{"ai-use-cases": true, "scaling-engagement": true, "skills-to-look-for": true}
	for _, e := range kb.Entries() {
		if perEntry[e.ID] < 8 && !blindOnly[e.ID] {
			t.Errorf("entry %q has %d evaluation questions, want at least 8", e.ID, perEntry[e.ID])
		}
	}
	if offTopic < 40 {
		t.Errorf("%d off-topic questions, want at least 40", offTopic)
	}
	if share := float64(len(set.Heldout)) / float64(len(all)); share < 0.25 {
		t.Errorf("held-out share is %.2f, want at least a quarter", share)
	}
}

type evalScore struct {
	onTopic, correct   int
	offTopic, rejected int
}

func (s evalScore) accuracy() float64  { return ratio(s.correct, s.onTopic) }
func (s evalScore) rejection() float64 { return ratio(s.rejected, s.offTopic) }

func score(ix *Index, cases []evalCase, report func(c evalCase, got Result)) evalScore {
	var s evalScore
	for _, c := range cases {
		res := ix.Search(c.Q)
		ok := false
		if c.Want == "none" {
			s.offTopic++
			ok = res.Match == nil
			if ok {
				s.rejected++
			}
		} else {
			s.onTopic++
			ok = res.Match != nil && res.Match.Entry.ID == c.Want
			if ok {
				s.correct++
			}
		}
		if !ok && report != nil {
			report(c, res)
		}
	}
	return s
}

// TestSearchAccuracy measures the ranking on the tuning set and on the
// held-out files, and fails below 90% top-1 accuracy or 90% off-topic
// rejection on either. Held-out failures are never listed.
func TestSearchAccuracy(t *testing.T) {
	t.Parallel()
	ix := NewIndex(defaultKB(t))
	set := loadEvalSet(t)
	var report func(evalCase, Result)
	if *evalVerbose {
		report = func(c evalCase, got Result) {
			id, sc := "none", 0.0
			if got.Match != nil {
				id, sc = got.Match.Entry.ID, got.Match.Score
			}
			alts := ""
			for _, a := range got.Alternatives {
				alts += a.Entry.ID + " "
			}
			t.Logf("MISS want=%s got=%s (%.3f) alts=[%s] q=%q", c.Want, id, sc, alts, c.Q)
		}
	}
	for _, half := range []struct {
		name   string
		cases  []evalCase
		report func(evalCase, Result)
		floor  float64
	}{
		{"tune", set.Tune, report, 0.90},
		{"heldout", set.Heldout, nil, heldoutFloor},
	} {
		s := score(ix, half.cases, half.report)
		t.Logf("%-8s top-1 accuracy %5.1f%% (%d/%d)   off-topic rejection %5.1f%% (%d/%d)",
			half.name, 100*s.accuracy(), s.correct, s.onTopic, 100*s.rejection(), s.rejected, s.offTopic)
		if s.accuracy() < half.floor || s.rejection() < half.floor {
			t.Errorf("%s: accuracy %.3f, rejection %.3f; both must be at least %.2f", half.name, s.accuracy(), s.rejection(), half.floor)
		}
	}
	for _, path := range heldoutFiles() {
		s := score(ix, loadHeldout(t, path), nil)
		t.Logf("  %-22s top-1 accuracy %5.1f%% (%d/%d)   off-topic rejection %5.1f%% (%d/%d)",
			path, 100*s.accuracy(), s.correct, s.onTopic, 100*s.rejection(), s.rejected, s.offTopic)
	}
}

// heldoutFloor is the goal on questions the ranking was not tuned on: 90%
// top-1 accuracy and 90% off-topic rejection.
const heldoutFloor = 0.90
