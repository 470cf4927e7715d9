package faq

import (
	"slices"
	"testing"
)

// TestExamples: an asked question teaches the classifier its label (an
// entry, or "none"), so a question in its words finds what it wanted. The
// same knowledge base without the examples ranks otherwise, which is what
// makes the examples, not the entries, the cause.
func TestExamples(t *testing.T) {
	t.Parallel()
	kb, err := Load(contentFS(map[string]string{
		"a.yaml": "id: a\nquestion: What does setup cost?\nanswer: A.\nphrasings: [setup price, installation cost]\n",
		"b.yaml": "id: b\nquestion: What does support cost?\nanswer: B.\nphrasings: [support price, maintenance cost]\n",
		ExamplesFile: "examples:\n" +
			"  - {q: what will the zorblat cost us, want: b}\n" +
			"  - {q: the zorblat price, want: b}\n" +
			"  - {q: cost of the office party, want: none, kind: offtopic}\n" +
			"  - {q: price of the party balloons, want: none, kind: offtopic}\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(kb.Examples()); got != 4 {
		t.Fatalf("%d examples loaded, want 4", got)
	}
	// Terms only: word vectors learnt from a dozen texts would say as much
	// as the terms (TestVectorsGeneralise tests them).
	terms := defaultTuning()
	terms.vectorWeight = 0
	with, without := newIndex(kb, terms), newIndex(kb.WithExamples(nil), terms)
	// Both entries speak of cost and price alike: only the examples say
	// that a zorblat is a matter of support.
	q := "zorblat price?"
	if h := with.rank(q); h[0].Entry.ID != "b" || h[0].Score <= h[1].Score {
		t.Errorf("%q with the examples: %s %.3f first, %s %.3f second; want b ahead", q, h[0].Entry.ID, h[0].Score, h[1].Entry.ID, h[1].Score)
	}
	if h := without.rank(q); h[0].Entry.ID == "b" && h[0].Score > h[1].Score {
		t.Errorf("%q without the examples: b ahead (%.3f, %.3f): the test proves nothing", q, h[0].Score, h[1].Score)
	}
	// A word only examples that want an entry use ("zorblat") describes
	// the asker's situation: it dilutes the score less than a word nobody
	// used. A word only off-topic examples use ("party") does not.
	plain := terms
	plain.contextWeight = 1
	unweighted := newIndex(kb, plain)
	for q, lifted := range map[string]bool{"what does support cost for the zorblat": true, "what does support cost for the party": false} {
		w, u := with.rank(q)[0].Score, unweighted.rank(q)[0].Score
		if lifted && w <= u || !lifted && w != u {
			t.Errorf("%q: best score %.3f, %.3f with every unknown word weighed alike; want higher: %v", q, w, u, lifted)
		}
	}
	// Questions labelled none make the off-topic class, and teach it: a
	// party's price is something else.
	if with.nclass != len(with.docs)+1 || without.nclass != len(without.docs) {
		t.Fatalf("classes: %d with the examples, %d without, for %d entries", with.nclass, without.nclass, len(with.docs))
	}
	if p := offTopicProb(with, "the party balloons cost"); p < 0.5 {
		t.Errorf("off-topic probability %.3f, want at least 0.5", p)
	}
}

// offTopicProb is the classifier's probability that q is about something
// else.
func offTopicProb(ix *Index, q string) float64 {
	return classProb(ix, q, len(ix.docs))
}

// TestExamplesFocus: a long asked question is learnt whole and by its
// asking sentences alone, the way the search reads a long message, so the
// question, asked alone, is surer of its entry than when only the whole
// message was learnt.
func TestExamplesFocus(t *testing.T) {
	t.Parallel()
	kb := bakeryKB(t)
	tu := defaultTuning()
	focused, set := buildIndex(kb, tu)
	tu.focusWeight = 0
	whole, wholeSet := buildIndex(kb, tu)
	if len(set.exs) != len(wholeSet.exs)+1 {
		t.Fatalf("%d training examples with the focus, %d without; want one more", len(set.exs), len(wholeSet.exs))
	}
	focused.model, whole.model = set.train(), wholeSet.train()
	q := "who pays for the zorblat?"
	if f, w := classProb(focused, q, 1), classProb(whole, q, 1); f <= w {
		t.Errorf("%q: p(b) = %.6g learning the focus, %.6g the whole message only; want higher", q, f, w)
	}
}

// classProb is the classifier's probability that q is about class c.
func classProb(ix *Index, q string, c int) float64 {
	var ids []int32
	terms, nw, vec := ix.read(q, MaxQueryRunes, nil, nil)
	for _, t := range terms {
		if id, ok := ix.terms[t]; ok && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	ids = ix.pairFeatures(ids, terms[:nw], nil)
	p := make([]float64, ix.nclass)
	ix.model.predict(ids, vec, p)
	return p[c]
}

// bakeryLong is a long asked question whose asking sentence is its last.
const bakeryLong = "Our bakery has three shops, old ovens and a setup we installed last spring with a lot of care and money. Who pays for the zorblat?"

// bakeryKB is a tiny knowledge base of two entries worded alike, and one
// asked question, bakeryLong, that wants the second.
func bakeryKB(t *testing.T) *KB {
	t.Helper()
	if questionFocus(bakeryLong) == "" {
		t.Fatalf("%q has no focus: the tests need one", bakeryLong)
	}
	kb, err := Load(contentFS(map[string]string{
		"a.yaml":     "id: a\nquestion: What does setup cost?\nanswer: A.\nphrasings: [setup price, installation cost]\n",
		"b.yaml":     "id: b\nquestion: What does support cost?\nanswer: B.\nphrasings: [support price, maintenance cost]\n",
		ExamplesFile: "examples:\n  - {q: \"" + bakeryLong + "\", want: b}\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	return kb
}
