package faq

import (
	"maps"
	"slices"
	"testing"
)

func TestAddPairs(t *testing.T) {
	t.Parallel()
	const nterms = 10
	exs := []example{
		{terms: []int32{0, 1, 2}, seq: []int32{0, 1, 2}},
		{terms: []int32{0, 1}, seq: []int32{0, 1, 0, 1}}, // (0 1) twice counts once
		{terms: []int32{1, 0}, seq: []int32{1, 0}},
		{terms: []int32{0, 1, 3}, seq: []int32{0, 1}}, // 3: an intent, no word
	}
	pairs := addPairs(exs, nterms, 2)
	// (0 1) is in three examples, (1 0) in two, (1 2) in one: too few.
	want := map[uint64]int32{pairKey(0, 1): nterms, pairKey(1, 0): nterms + 1}
	if len(pairs) != len(want) {
		t.Fatalf("pairs = %v, want %v", pairs, want)
	}
	for k, id := range want {
		if pairs[k] != id {
			t.Errorf("pair %x has id %d, want %d", k, pairs[k], id)
		}
	}
	for i, terms := range [][]int32{{0, 1, 2, 10}, {0, 1, 10, 11}, {1, 0, 11}, {0, 1, 3, 10}} {
		if !slices.Equal(exs[i].terms, terms) {
			t.Errorf("example %d has terms %v, want %v", i, exs[i].terms, terms)
		}
	}
	if got := addPairs(exs[:1], nterms, 2); len(got) != 0 {
		t.Errorf("one example gave pairs %v, want none", got)
	}
}

// TestPairsReadOrder: two entries with the same words in another order
// differ only by their pairs. Without pairs, a question ranks the same
// whatever its word order; with them, each question goes to the entry of
// its word order.
func TestPairsReadOrder(t *testing.T) {
	t.Parallel()
	kb, err := Load(contentFS(map[string]string{
		"x.yaml": "id: x\nquestion: Data then models?\nanswer: X.\nphrasings: [data then models, first data then models, data then models please]\n",
		"y.yaml": "id: y\nquestion: Models then data?\nanswer: Y.\nphrasings: [models then data, first models then data, models then data please]\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(kb)
	for q, want := range map[string]string{"data then models": "x", "so, models then data?": "y"} {
		if got := ix.rank(q); got[0].Entry.ID != want || got[0].Score <= got[1].Score {
			t.Errorf("%q: best %s (%.3f, next %.3f), want %s ahead", q, got[0].Entry.ID, got[0].Score, got[1].Score, want)
		}
	}
	tu := defaultTuning()
	tu.minPairCount = 0
	plain := newIndex(kb, tu)
	score := func(hits []Hit) map[string]float64 {
		m := make(map[string]float64)
		for _, h := range hits {
			m[h.Entry.ID] = h.Score
		}
		return m
	}
	if a, b := score(plain.rank("data then models")), score(plain.rank("models then data")); !maps.Equal(a, b) {
		t.Errorf("without pairs, the word order moved the scores: %v, %v", a, b)
	}
	_, why := ix.Explain("so, models then data?")
	if want := []string{"model then", "then data"}; !slices.Equal(why.Pairs, want) {
		t.Errorf("Explain's pairs = %q, want %q", why.Pairs, want)
	}
}
