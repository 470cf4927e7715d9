package faq

import (
	"math"
	"sort"
	"strings"
)

// Ranking parameters, chosen by measuring the tuning half of
// testdata/eval.yaml (see README "FAQ search").
const (
	bm25K1 = 1.2
	bm25B  = 0.5
	// Threshold is the score at or above which the best entry is a confident
	// answer.
	Threshold = 0.20
	// altFloor is the least score an alternative needs to be worth offering.
	altFloor = 0.12
	// maxAlternatives is the contract's limit on alternatives.
	maxAlternatives = 3
	// minTypoLen is the shortest word the typo matcher corrects; shorter
	// words are too often other real words one letter away ("date", "rate").
	minTypoLen = 4
	// answerWeight scales terms that only the answer text contains: the
	// answer widens the vocabulary, but the question and phrasings say what
	// the entry is about.
	answerWeight = 0.25
	// roleMismatch scales the score of an entry about one role when the
	// question names only the other.
	roleMismatch = 0.5
	roleNarrow   = 0.75
	// unknownWeight scales the weight of words no entry uses: they show the
	// question is partly about something else, but paraphrases bring new
	// words too.
	unknownWeight = 1.0
	// unanchored scales every score of a question that names none of the
	// subjects the knowledge base is about (the roles, AI, the fractional
	// model, this bot): "what's the budget for the offsite" shares words
	// with the cost entry but is not about it.
	unanchored = 0.5
	bagShare   = 1
)

// Index ranks entries of a knowledge base against free-text questions. It is
// read-only after NewIndex and safe for concurrent use.
type Index struct {
	kb      *KB
	an      *analyzer
	terms   map[string]int32 // canonical term → id
	idf     []float64        // by term id
	unknown float64          // idf of a term no entry has
	// postings[t] lists, for term t, each entry holding it and its weighted
	// term frequency.
	postings [][]posting
	docLen   []float64 // weighted length of each entry's text
	avgLen   float64
	// roles[i] says which of the two roles entry i's question names; a
	// question about one role must not be answered by the other's entry.
	roles []roleSet
	// docs and docPostings index each question and phrasing on its own,
	// for the nearest-phrasing half of the score.
	docs        []phraseDoc
	docPostings [][]phrasePosting
	// tuning holds the weights a tuning run may vary; NewIndex sets the
	// constants above.
	tuning tuning
}

type tuning struct {
	unknownWeight, unanchored float64
	// bagShare is the weight of the whole-entry score against the best
	// single-phrasing score.
	bagShare            float64
	answerWeight, k1, b float64
}

// phraseDoc is one question or phrasing of an entry, as a TF-IDF vector.
type phraseDoc struct {
	entry int32
	norm  float64
}

type phrasePosting struct {
	doc    int32
	weight float64
}

// roleSet records which roles a text names.
type roleSet uint8

const (
	roleCAIO roleSet = 1 << iota
	roleCTO
)

func rolesOf(terms []string) roleSet {
	var r roleSet
	for _, t := range terms {
		switch t {
		case "caio":
			r |= roleCAIO
		case "cto":
			r |= roleCTO
		}
	}
	return r
}

type posting struct {
	entry int32
	tf    float64
}

// NewIndex builds the search index of kb.
func NewIndex(kb *KB) *Index {
	return newIndex(kb, tuning{unknownWeight, unanchored, bagShare, answerWeight, bm25K1, bm25B})
}

func newIndex(kb *KB, tu tuning) *Index {
	ix := &Index{kb: kb, terms: make(map[string]int32), tuning: tu}
	ix.an = newAnalyzer(kb)
	n := len(kb.entries)
	tfs := make([]map[int32]float64, n)
	// IDF counts only the entries whose own wording has the term: that a
	// term turns up in many answers says little about what they are about.
	ownDF := make(map[int32]int)
	ix.docLen = make([]float64, n)
	var buf []string
	type phraseTerms struct {
		entry int32
		terms []int32
	}
	var phrases []phraseTerms
	for i, e := range kb.entries {
		tf := make(map[int32]float64)
		for _, text := range append([]string{e.Question}, e.Phrasings...) {
			var ids []int32
			for _, t := range ix.an.terms(text, len(text), nil) {
				ids = append(ids, ix.termID(t))
			}
			phrases = append(phrases, phraseTerms{int32(i), ids})
		}
		add := func(text string, w float64) {
			buf = ix.an.terms(text, len(text), buf[:0])
			for _, t := range buf {
				tf[ix.termID(t)] += w
				ix.docLen[i] += w
			}
		}
		add(e.Question, 1)
		ix.roles = append(ix.roles, rolesOf(buf))
		for _, p := range e.Phrasings {
			add(p, 1)
		}
		for _, k := range e.Keywords {
			add(k, 1)
		}
		// Answer terms count only where the entry's own wording lacks them.
		own := make(map[int32]bool, len(tf))
		for t := range tf {
			own[t] = true
			ownDF[t]++
		}
		buf = ix.an.terms(e.Answer, len(e.Answer), buf[:0])
		for _, t := range buf {
			if id := ix.termID(t); !own[id] {
				tf[id] += tu.answerWeight
				ix.docLen[i] += tu.answerWeight
			}
		}
		tfs[i] = tf
	}
	ix.postings = make([][]posting, len(ix.terms))
	for i, tf := range tfs {
		ix.avgLen += ix.docLen[i]
		ids := make([]int32, 0, len(tf))
		for t := range tf {
			ids = append(ids, t)
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		for _, t := range ids {
			ix.postings[t] = append(ix.postings[t], posting{entry: int32(i), tf: tf[t]})
		}
	}
	if n > 0 {
		ix.avgLen /= float64(n)
	}
	ix.idf = make([]float64, len(ix.terms))
	for t := range ix.postings {
		ix.idf[t] = bm25IDF(n, ownDF[int32(t)])
	}
	ix.unknown = bm25IDF(n, 0)

	ix.docPostings = make([][]phrasePosting, len(ix.terms))
	for d, p := range phrases {
		tf := make(map[int32]float64, len(p.terms))
		for _, t := range p.terms {
			tf[t]++
		}
		var norm float64
		for _, t := range p.terms {
			if tf[t] == 0 {
				continue // already added
			}
			w := tf[t] * ix.idf[t]
			norm += w * w
			ix.docPostings[t] = append(ix.docPostings[t], phrasePosting{doc: int32(d), weight: w})
			tf[t] = 0
		}
		ix.docs = append(ix.docs, phraseDoc{entry: p.entry, norm: math.Sqrt(norm)})
	}
	return ix
}

func bm25IDF(n, df int) float64 {
	return math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
}

func (ix *Index) termID(t string) int32 {
	id, ok := ix.terms[t]
	if !ok {
		id = int32(len(ix.terms))
		ix.terms[t] = id
	}
	return id
}

// Search ranks the entries against question. The score of an entry is the
// share of the question's weight (each distinct term weighted by its IDF,
// unknown words weighing most) that the entry explains, with BM25's
// saturation and length normalisation; so a question about the coffee
// machine's cost scores low on the cost entry, because "coffee" and
// "machine" are unexplained.
func (ix *Index) Search(question string) Result {
	ranked := ix.rank(question)
	res := Result{Alternatives: make([]Hit, 0, maxAlternatives)}
	for i, h := range ranked {
		if i == 0 && h.Score >= Threshold {
			res.Match = &ranked[0]
			continue
		}
		if h.Score < altFloor || len(res.Alternatives) == maxAlternatives {
			break
		}
		res.Alternatives = append(res.Alternatives, h)
	}
	return res
}

// rank scores every entry against question, best first.
func (ix *Index) rank(question string) []Hit {
	var buf [64]string
	qterms := ix.an.terms(question, MaxQueryRunes, buf[:0])
	scores := make([]float64, len(ix.kb.entries))
	dots := make([]float64, len(ix.docs))
	var total, qnorm float64
	seen := make(map[string]bool, len(qterms))
	for _, t := range qterms {
		if seen[t] {
			continue
		}
		seen[t] = true
		id, ok := ix.terms[t]
		if !ok {
			w := ix.unknown * ix.tuning.unknownWeight
			total += w
			qnorm += w * w
			continue
		}
		idf := ix.idf[id]
		total += idf
		qnorm += idf * idf
		for _, p := range ix.docPostings[id] {
			dots[p.doc] += idf * p.weight
		}
		for _, p := range ix.postings[id] {
			k1, b := ix.tuning.k1, ix.tuning.b
			norm := 1 - b + b*ix.docLen[p.entry]/ix.avgLen
			scores[p.entry] += idf * p.tf * (k1 + 1) / (p.tf + k1*norm) / (k1 + 1)
		}
	}
	nearest := make([]float64, len(scores))
	if qnorm > 0 {
		qnorm = math.Sqrt(qnorm)
		for d, dot := range dots {
			if dot == 0 {
				continue
			}
			doc := ix.docs[d]
			if c := dot / (qnorm * doc.norm); c > nearest[doc.entry] {
				nearest[doc.entry] = c
			}
		}
	}
	qroles := rolesOf(qterms)
	anchored := false
	for _, t := range qterms {
		if ix.an.anchors[t] {
			anchored = true
			break
		}
	}
	hits := make([]Hit, len(scores))
	for i, s := range scores {
		if total > 0 {
			s /= total
		}
		s = ix.tuning.bagShare*s + (1-ix.tuning.bagShare)*nearest[i]
		// An entry about one role answers a question about the other
		// role poorly, however many other words they share.
		if er := ix.roles[i]; er == roleCAIO || er == roleCTO {
			switch {
			case qroles != 0 && qroles&er == 0:
				s *= roleMismatch
			case qroles == roleCAIO|roleCTO:
				s *= roleNarrow // a question about both roles wants an answer about both
			}
		}
		if !anchored {
			s *= ix.tuning.unanchored
		}
		hits[i] = Hit{Entry: ix.kb.entries[i], Score: clamp01(s)}
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].Score > hits[b].Score })
	return hits
}

func clamp01(x float64) float64 {
	switch {
	case x < 0 || math.IsNaN(x):
		return 0
	case x > 1:
		return 1
	}
	return math.Round(x*1000) / 1000
}

// analyzer turns text into canonical, stemmed terms. Its tables are built
// per index, so nothing is shared between indexes.
type analyzer struct {
	phrases  []phrase
	synonyms map[string]string
	stop     map[string]bool
	salutees map[string]bool
	anchors  map[string]bool     // terms that put a question in the domain
	vocab    map[string]int      // known words → how often the content uses them
	deletes  map[string][]string // a known word with one letter deleted → the words
}

func newAnalyzer(kb *KB) *analyzer {
	a := &analyzer{
		phrases:  defaultPhrases(),
		synonyms: defaultSynonyms(),
		stop:     defaultStopWords(),
		salutees: toSet("team all everyone folks guys there y'all"),
		anchors:  toSet("caio cto fractional fulltime ai ml thisbot consultant exec executive leader leadership"),
		vocab:    make(map[string]int),
		deletes:  make(map[string][]string),
	}
	var buf []string
	// Answers are left out: they use many everyday words ("staff", "basic")
	// that a real word in a question ("stuff", "basis") must not turn into.
	for _, e := range kb.entries {
		for _, text := range append(append([]string{e.Question}, e.Phrasings...), e.Keywords...) {
			for _, w := range words(text, len(text), buf[:0]) {
				a.vocab[w]++
			}
		}
	}
	for w := range a.synonyms {
		a.vocab[w]++
	}
	for _, p := range a.phrases {
		for _, w := range p.words {
			a.vocab[w]++
		}
	}
	for w := range a.vocab {
		if len(w) < minTypoLen || a.stop[w] {
			continue
		}
		for i := range len(w) {
			d := w[:i] + w[i+1:]
			a.deletes[d] = append(a.deletes[d], w)
		}
	}
	for d, ws := range a.deletes {
		sort.Strings(ws) // deterministic choice between equally good fixes
		a.deletes[d] = ws
	}
	return a
}

// terms appends the canonical terms of the first limit runes of text to dst.
func (a *analyzer) terms(text string, limit int, dst []string) []string {
	var wbuf [64]string
	ws := words(text, limit, wbuf[:0])
	for i, w := range ws {
		if _, ok := a.vocab[w]; !ok && !a.stop[w] {
			ws[i] = a.correct(w)
		}
	}
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		if (w == "hey" || w == "hi" || w == "hello") && i+1 < len(ws) && a.salutees[ws[i+1]] {
			i++
			continue
		}
		// "the first 30 days" is about starting, "which comes first" is
		// about order.
		if w == "first" && i+1 < len(ws) && isNumber(ws[i+1]) {
			dst = append(dst, "start")
			i++
			continue
		}
		if t, n := a.phrase(ws[i:]); n > 0 {
			dst = append(dst, t)
			i += n - 1
			continue
		}
		if s, ok := a.synonyms[w]; ok {
			dst = append(dst, s)
			continue
		}
		if a.stop[w] {
			continue
		}
		dst = append(dst, stem(w))
	}
	return dst
}

func (a *analyzer) phrase(ws []string) (string, int) {
next:
	for _, p := range a.phrases {
		if len(p.words) > len(ws) {
			continue
		}
		for j, w := range p.words {
			if ws[j] != w {
				continue next
			}
		}
		return p.term, len(p.words)
	}
	return "", 0
}

// correct returns the known word one edit (insertion, deletion, substitution
// or adjacent transposition) away from w that the content uses most, or w
// itself when there is none.
func (a *analyzer) correct(w string) string {
	if len(w) < minTypoLen || len(w) > 30 {
		return w
	}
	best, bestN := w, 0
	try := func(key string) {
		for _, c := range a.deletes[key] {
			if n := a.vocab[c]; n > bestN && len(c) > minTypoLen && oneEdit(w, c) {
				best, bestN = c, n
			}
		}
		if n, ok := a.vocab[key]; ok && n > bestN && len(key) > minTypoLen {
			best, bestN = key, n // w has one extra letter
		}
	}
	try(w)
	for i := range len(w) {
		try(w[:i] + w[i+1:])
	}
	return best
}

// oneEdit reports whether a and b differ by exactly one insertion, deletion,
// substitution or transposition of adjacent bytes.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	switch len(b) - len(a) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		return a[i:] == b[i+1:]
	}
	return false
}

func isNumber(w string) bool {
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return w != ""
}

// normalize is used by tests to compare wordings.
func normalize(s string) string { return strings.Join(words(s, len(s), nil), " ") }
