package faq

import (
	"fmt"
	"io"
	"slices"
	"sync"
)

// This file is the tuning harness behind the tune command
// (internal/tune): it measures the ranking on the tuning half of
// testdata/eval.yaml and on the content's own phrasings, each left out of
// its entry in turn (leave-one-out, the classifier retrained without it).
// It is given only the tuning half: the held-out files are for reporting,
// never for tuning. The linker leaves it out of the bot.

// TuneCase is a question of the tuning set and the id of the entry it
// wants, or "none" for a question the search must not answer.
type TuneCase struct {
	Q    string `yaml:"q"`
	Want string `yaml:"want"`
}

// TuneOptions says what Tune measures.
type TuneOptions struct {
	// Report is one of
	//   loo:        for variations of the ranking weights, leave-one-out
	//               rank-1 accuracy; tune rank-1 accuracy; tune accuracy and
	//               off-topic rejection at Threshold; and the threshold that
	//               maximises the least of tune accuracy, tune rejection and
	//               leave-one-out accuracy, with the three at it;
	//   curve:      tune accuracy, tune rejection and leave-one-out accuracy
	//               against the threshold, for choosing it;
	//   misses:     the tuning questions the search gets wrong;
	//   loo-misses: the left-out phrasings ranked wrong or under Threshold.
	Report string
	// Step leaves out every Step-th phrasing of each entry; 0 is 3 for loo
	// and loo-misses, and 1 (all of them, slow) for curve.
	Step int
	// Only, if set, is the one variant loo measures ("default").
	Only string
}

// Tune prints the measurements opt asks for of kb's ranking to w. It is
// for tuning the ranking's weights; the bot never calls it.
func Tune(w io.Writer, kb *KB, cases []TuneCase, opt TuneOptions) error {
	step := func(def int) int {
		if opt.Step > 0 {
			return opt.Step
		}
		return def
	}
	switch opt.Report {
	case "loo":
		return tuneLOO(w, kb, cases, step(3), opt.Only)
	case "curve":
		tune := tuneOutcomes(NewIndex(kb), cases)
		loo := looOutcomes(looProbes(kb, step(1)), defaultTuning())
		for th := 0.10; th < 0.305; th += 0.01 {
			a, r := rates(tune, th)
			l, _ := rates(loo, th)
			fmt.Fprintf(w, "threshold %.2f: tune acc %.3f rej %.3f, LOO acc %.3f\n", th, a, r, l)
		}
	case "misses":
		ix := NewIndex(kb)
		for _, c := range cases {
			res := ix.Search(c.Q)
			got := "none"
			if res.Match != nil {
				got = res.Match.Entry.ID
			}
			if got != c.Want {
				top := ix.rank(c.Q)[0]
				fmt.Fprintf(w, "want %-24s got %-24s (top %s %.3f) %q\n", c.Want, got, top.Entry.ID, top.Score, c.Q)
			}
		}
	case "loo-misses":
		for _, p := range looProbes(kb, step(3)) {
			h := newIndex(p.kb, defaultTuning()).rank(p.q)
			if h[0].Entry.ID != p.want || h[0].Score < Threshold {
				fmt.Fprintf(w, "want %-24s got %-24s %.3f (2nd %s %.3f) %q\n", p.want, h[0].Entry.ID, h[0].Score, h[1].Entry.ID, h[1].Score, p.q)
			}
		}
	default:
		return fmt.Errorf("unknown report %q (want loo, curve, misses or loo-misses)", opt.Report)
	}
	return nil
}

func tuneLOO(w io.Writer, kb *KB, cases []TuneCase, step int, only string) error {
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
	if only != "" {
		variants = slices.DeleteFunc(variants, func(v variant) bool { return v.name != only })
		if len(variants) == 0 {
			return fmt.Errorf("no variant %q", only)
		}
	}
	probes := looProbes(kb, step)
	fmt.Fprintf(w, "%d leave-one-out probes\n", len(probes))
	for _, v := range variants {
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
		fmt.Fprintf(w, "%-16s LOO rank-1 %.3f | tune rank-1 %.3f | at %.2f: tune acc %.3f rej %.3f, LOO acc %.3f | best th %.3f: %.3f %.3f %.3f\n",
			v.name, rank1(loo), rank1(tune), Threshold, acc, rej, la, bestTh, ba, br, bl)
	}
	return nil
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

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func tuneOutcomes(ix *Index, cases []TuneCase) []outcome {
	var out []outcome
	for _, c := range cases {
		h := ix.rank(c.Q)[0]
		if ix.topics[h.Entry] != nil {
			h.Score = 0 // an uncovered topic first: the search answers nothing
		}
		out = append(out, outcome{h.Score, c.Want != "none" && h.Entry.ID == c.Want, c.Want == "none"})
	}
	return out
}

type looProbe struct {
	q, want string
	kb      *KB // the knowledge base without q
}

// looProbes leaves out every step-th phrasing of each entry. The probes'
// knowledge bases have no off-topic examples, as in every measurement so
// far (so the offTopicWeight variants differ only in the tune columns).
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
			probes = append(probes, looProbe{e.Phrasings[i], e.ID, &KB{entries: entries, concepts: kb.concepts, topics: kb.topics}})
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
