package faq

import (
	"os"
	"strconv"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The tuning tests measure the ranking on the tuning half of
// testdata/eval.yaml and on the content's own phrasings, each left out of
// its entry in turn (leave-one-out, the classifier retrained without it).
// They never read the held-out half. Run with TUNE=1; TUNE_STEP=n leaves out
// every n-th phrasing only (default 3; 1 is all of them, slow).

// loadTune reads only the tuning half of testdata/eval.yaml.
func loadTune(t testing.TB) []evalCase {
	t.Helper()
	data, err := os.ReadFile("testdata/eval.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Tune []evalCase `yaml:"tune"`
	}
	if err := yaml.Unmarshal(data, &set); err != nil {
		t.Fatalf("testdata/eval.yaml: %v", err)
	}
	return set.Tune
}

// outcome is the top hit's score for one question, and whether the
// question is off-topic or else whether the hit is the wanted entry.
type outcome struct {
	score     float64
	good, off bool
}

// rates returns the share of on-topic outcomes answered correctly at
// threshold th, and the share of off-topic ones rejected.
func rates(xs []outcome, th float64) (acc, rej float64) {
	var on, ok, off, rj int
	for _, x := range xs {
		switch {
		case x.off:
			off++
			if x.score < th {
				rj++
			}
		default:
			on++
			if x.good && x.score >= th {
				ok++
			}
		}
	}
	return ratio(ok, on), ratio(rj, off)
}

func rank1(xs []outcome) float64 {
	var on, ok int
	for _, x := range xs {
		if !x.off {
			on++
			if x.good {
				ok++
			}
		}
	}
	return ratio(ok, on)
}

func tuneOutcomes(ix *Index, cases []evalCase) []outcome {
	var out []outcome
	for _, c := range cases {
		h := ix.rank(c.Q)[0]
		out = append(out, outcome{h.Score, c.Want != "none" && h.Entry.ID == c.Want, c.Want == "none"})
	}
	return out
}

type looProbe struct {
	q, want string
	kb      *KB // the knowledge base without q
}

// looProbes leaves out every step-th phrasing of each entry.
func looProbes(kb *KB, step int) []looProbe {
	var probes []looProbe
	for _, e := range kb.entries {
		for i := range e.Phrasings {
			if i%step != 0 {
				continue
			}
			entries := make([]*Entry, len(kb.entries))
			for j, o := range kb.entries {
				entries[j] = o
				if o == e {
					c := *o
					c.Phrasings = append(append([]string(nil), o.Phrasings[:i]...), o.Phrasings[i+1:]...)
					entries[j] = &c
				}
			}
			probes = append(probes, looProbe{e.Phrasings[i], e.ID, &KB{entries: entries, concepts: kb.concepts}})
		}
	}
	return probes
}

// looOutcomes ranks each probe with an index built (and trained) without it.
func looOutcomes(probes []looProbe, tu tuning) []outcome {
	out := make([]outcome, len(probes))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, p := range probes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			h := newIndex(p.kb, tu).rank(p.q)[0]
			out[i] = outcome{h.Score, h.Entry.ID == p.want, false}
		}()
	}
	wg.Wait()
	return out
}

// TestTuneLOO reports, for variations of the ranking weights: leave-one-out
// rank-1 accuracy; tune rank-1 accuracy; tune accuracy and off-topic
// rejection at Threshold; and the threshold that maximises the least of
// tune accuracy, tune rejection and leave-one-out accuracy at it.
func TestTuneLOO(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("set TUNE=1")
	}
	kb := defaultKB(t)
	cases := loadTune(t)
	step := 3
	if v, err := strconv.Atoi(os.Getenv("TUNE_STEP")); err == nil && v > 0 {
		step = v
	}
	probes := looProbes(kb, step)
	t.Logf("%d leave-one-out probes", len(probes))
	type variant struct {
		name string
		set  func(*tuning)
	}
	variants := []variant{
		{"default", func(*tuning) {}},
		{"offTopicWeight 0", func(tu *tuning) { tu.offTopicWeight = 0 }},
		{"offTopicWeight 0.5", func(tu *tuning) { tu.offTopicWeight = 0.5 }},
		{"offTopicWeight 2", func(tu *tuning) { tu.offTopicWeight = 2 }},
		{"modelL2 0.1", func(tu *tuning) { tu.modelL2 = 0.1 }},
		{"modelL2 0.3", func(tu *tuning) { tu.modelL2 = 0.3 }},
		{"unknownWeight 1.5", func(tu *tuning) { tu.unknownWeight = 1.5 }},
		{"unknownWeight 2", func(tu *tuning) { tu.unknownWeight = 2 }},
		{"k1 1.5", func(tu *tuning) { tu.k1 = 1.5 }},
		{"b 0.3", func(tu *tuning) { tu.b = 0.3 }},
		{"b 0.75", func(tu *tuning) { tu.b = 0.75 }},
	}
	for _, v := range variants {
		if only := os.Getenv("TUNE_ONLY"); only != "" && only != v.name {
			continue // TUNE_ONLY=default measures one variant
		}
		tu := defaultTuning()
		v.set(&tu)
		loo := looOutcomes(probes, tu)
		tune := tuneOutcomes(newIndex(kb, tu), cases)
		acc, rej := rates(tune, Threshold)
		la, _ := rates(loo, Threshold)
		bestTh, best := 0.0, -1.0
		for th := 0.0; th <= 0.5; th += 0.005 {
			a, r := rates(tune, th)
			l, _ := rates(loo, th)
			if m := min(a, r, l); m > best {
				best, bestTh = m, th
			}
		}
		ba, br := rates(tune, bestTh)
		bl, _ := rates(loo, bestTh)
		t.Logf("%-16s LOO rank-1 %.3f | tune rank-1 %.3f | at %.2f: tune acc %.3f rej %.3f, LOO acc %.3f | best th %.3f: %.3f %.3f %.3f",
			v.name, rank1(loo), rank1(tune), Threshold, acc, rej, la, bestTh, ba, br, bl)
	}
}

// TestTuneCurve prints tune accuracy, tune rejection and leave-one-out
// accuracy against the threshold, for choosing it.
func TestTuneCurve(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("set TUNE=1")
	}
	kb := defaultKB(t)
	tune := tuneOutcomes(NewIndex(kb), loadTune(t))
	loo := looOutcomes(looProbes(kb, 1), defaultTuning())
	for th := 0.10; th < 0.305; th += 0.01 {
		a, r := rates(tune, th)
		l, _ := rates(loo, th)
		t.Logf("threshold %.2f: tune acc %.3f rej %.3f, LOO acc %.3f", th, a, r, l)
	}
}

// TestTuneMisses lists the tuning questions the search gets wrong.
func TestTuneMisses(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("set TUNE=1")
	}
	ix := NewIndex(defaultKB(t))
	for _, c := range loadTune(t) {
		res := ix.Search(c.Q)
		got := "none"
		if res.Match != nil {
			got = res.Match.Entry.ID
		}
		if got != c.Want {
			top := ix.rank(c.Q)[0]
			t.Logf("want %-24s got %-24s (top %s %.3f) %q", c.Want, got, top.Entry.ID, top.Score, c.Q)
		}
	}
}

// TestTuneLOOMisses lists the leave-one-out phrasings ranked wrong or
// scored under Threshold.
func TestTuneLOOMisses(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("set TUNE=1")
	}
	step := 3
	if v, err := strconv.Atoi(os.Getenv("TUNE_STEP")); err == nil && v > 0 {
		step = v
	}
	probes := looProbes(defaultKB(t), step)
	for _, p := range probes {
		h := newIndex(p.kb, defaultTuning()).rank(p.q)
		if h[0].Entry.ID != p.want || h[0].Score < Threshold {
			t.Logf("want %-24s got %-24s %.3f (2nd %s %.3f) %q", p.want, h[0].Entry.ID, h[0].Score, h[1].Entry.ID, h[1].Score, p.q)
		}
	}
}
