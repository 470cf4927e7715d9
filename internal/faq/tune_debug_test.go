package faq

import (
	"os"
	"testing"
)

// TestTuneSweep explores the ranking weights on the tuning half and on the
// content's own phrasings (each left out of its entry in turn). It never
// reads the held-out half. Run with TUNE=1.
func TestTuneSweep(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("set TUNE=1")
	}
	kb := defaultKB(t)
	set := loadEvalSet(t)
	for _, bs := range []float64{0, 0.25, 0.5, 0.75, 1} {
		for _, uw := range []float64{0.6, 1.0} {
			ix := NewIndex(kb)
			ix.tuning = tuning{uw, 0.5, bs, answerWeight, bm25K1, bm25B}
			best := ""
			bestSum := 0.0
			for th := 0.10; th < 0.5; th += 0.02 {
				var on, ok, off, rej int
				for _, c := range set.Tune {
					r := ix.rank(c.Q)
					if c.Want == "none" {
						off++
						if r[0].Score < th {
							rej++
						}
					} else {
						on++
						if r[0].Score >= th && r[0].Entry.ID == c.Want {
							ok++
						}
					}
				}
				a, rj := float64(ok)/float64(on), float64(rej)/float64(off)
				if m := min(a, rj); m > bestSum {
					bestSum = m
					best = ""
					_ = best
					t.Logf("bs=%.2f uw=%.1f th=%.2f acc=%.3f rej=%.3f", bs, uw, th, a, rj)
				}
			}
		}
	}
}

// TestTuneLOO measures rank-1 accuracy on the content's own phrasings, each
// left out of its entry in turn (a check of how the ranking generalises
// that does not touch the evaluation set), and the tuning half. Run with
// TUNE=1.
func TestTuneLOO(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip("set TUNE=1")
	}
	kb := defaultKB(t)
	set := loadEvalSet(t)
	type probe struct {
		q, want string
		kb      *KB
	}
	var probes []probe
	for _, e := range kb.entries {
		for i := range e.Phrasings {
			if i%3 != 0 { // a third of them keeps the run short
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
			probes = append(probes, probe{e.Phrasings[i], e.ID, &KB{entries: entries}})
		}
	}
	for _, aw := range []float64{0, 0.25, 0.5, 1} {
		for _, k1 := range []float64{0.8, 1.2, 2} {
			for _, b := range []float64{0.25, 0.5, 0.75} {
				tu := tuning{1, 0.5, 1, aw, k1, b}
				ok := 0
				for _, p := range probes {
					if newIndex(p.kb, tu).rank(p.q)[0].Entry.ID == p.want {
						ok++
					}
				}
				ix := newIndex(kb, tu)
				tok, ton := 0, 0
				for _, c := range set.Tune {
					if c.Want != "none" {
						ton++
						if ix.rank(c.Q)[0].Entry.ID == c.Want {
							tok++
						}
					}
				}
				t.Logf("aw=%.2f k1=%.1f b=%.2f LOO %.3f tune-rank1 %.3f", aw, k1, b, float64(ok)/float64(len(probes)), float64(tok)/float64(ton))
			}
		}
	}
}
