package faq

import (
	"cmp"
	"slices"
	"strings"
	"sync/atomic"
)

// Learned entries are the answers experts taught the bot, each to one
// user's question. They are ranked lexically, apart from the built-in
// entries, and not by retraining the classifier:
//
//   - no training on the answering path: SetLearned builds a small index
//     in milliseconds, where retraining takes about 2 s of CPU per
//     change and a replica would answer from a stale model meanwhile;
//   - every replica loads the learned entries from the store within
//     seconds of a change, and each builds the same index from them;
//   - an expert's answer to one question is a single example: a
//     classifier learns nothing dependable from it, and it would shift
//     the built-in entries' tuned scores. Matching the words of the
//     question it answered says plainly why it was chosen.
//
// The learned question and the query go through the built-in Index's
// analyzer (stems, concepts, typo correction), so "chief AI officer" and
// "CAIO" are one term on both sides.

const (
	// LearnedThreshold is the score at or above which a learned entry is
	// a confident answer (the score is rank's weighted F1, 0..1). 0.7
	// takes the same question asked again (1) and paraphrases that keep
	// most of its distinctive words, typos and synonyms included (0.8 to
	// 0.9 in TestLearnedScoreExamples), and leaves out questions that
	// share its domain words only: "should our fractional CTO own the
	// budget" against "What equity do fractional CTOs usually ask for on
	// top of the retainer?" scores 0.64 (budget and retainer are both
	// cost), the highest of the examples that must not match. A learned
	// answer was written for one question; a looser paraphrase (0.5 to
	// 0.7) is offered as an alternative instead, as wrong answers cost
	// more than "I don't know". With very few learned entries the idf has
	// little to go on and scores of paraphrases run lower: cautious, not
	// loose.
	LearnedThreshold = 0.7
	// learnedAltFloor is the least score a learned entry needs to be
	// offered as an alternative: under it, the questions share one or two
	// domain words ("CAIO", "cost"), which is no reason to suggest the
	// answer.
	learnedAltFloor = 0.4
)

// Live is the knowledge base the bot answers from: the built-in entries,
// ranked by the Index, and the entries experts taught it, swapped in
// whole by SetLearned while searches go on. Safe for concurrent use;
// Search never waits for SetLearned.
type Live struct {
	ix      *Index
	kb      *KB
	learned atomic.Pointer[learnedIndex]
}

// NewLive serves ix's knowledge base with no learned entries.
func NewLive(ix *Index) *Live {
	return &Live{ix: ix, kb: ix.kb}
}

// Search ranks the built-in and learned entries against question.
//
// The built-in result is the Index's. The best learned entry takes the
// Match when its score reaches LearnedThreshold and is higher than the
// built-in match's, if any; the entry that loses the Match becomes an
// alternative. Otherwise learned entries scoring at least
// learnedAltFloor are alternatives only: a learned entry never displaces a
// built-in answer that fits the question better. Alternatives are best
// first, at most 3. The two scores are on different scales (a learned
// score is a share of shared words), so with learned entries an
// alternative may score higher than the match.
func (l *Live) Search(question string) Result {
	res := l.ix.Search(question)
	li := l.learned.Load()
	if li == nil || len(li.terms) == 0 {
		return res
	}
	var buf [64]string
	hits := li.rank(l.ix.an.plainTerms(question, MaxQueryRunes, buf[:0]), maxAlternatives+1)
	if len(hits) == 0 {
		return res
	}
	return mergeLearned(res, hits)
}

// mergeLearned merges the learned hits (best first) into the built-in
// result res.
func mergeLearned(res Result, hits []Hit) Result {
	alts := make([]Hit, 0, len(res.Alternatives)+len(hits)+1)
	alts = append(alts, res.Alternatives...)
	match := res.Match
	if best := hits[0]; best.Score >= LearnedThreshold && (match == nil || best.Score > match.Score) {
		if match != nil {
			alts = append(alts, *match)
		}
		match = &best
		hits = hits[1:]
	}
	for _, h := range hits {
		if h.Score >= learnedAltFloor {
			alts = append(alts, h)
		}
	}
	slices.SortStableFunc(alts, func(x, y Hit) int { return cmp.Compare(y.Score, x.Score) })
	n := 0
	for _, h := range alts {
		if n == maxAlternatives {
			break
		}
		if h.Score >= altFloor {
			alts[n] = h
			n++
		}
	}
	out := Result{Match: match, Alternatives: alts[:n]}
	if match == nil {
		out.Uncovered = res.Uncovered // an expert's answer covers it
	}
	return out
}

// Entry looks an entry up, learned or built-in.
func (l *Live) Entry(id string) (*Entry, bool) {
	if li := l.learned.Load(); li != nil {
		if e, ok := li.byID[id]; ok {
			return e, true
		}
	}
	return l.kb.Entry(id)
}

// Entries lists the built-in entries, sorted by id.
func (l *Live) Entries() []*Entry { return l.kb.Entries() }

// Learned lists the learned entries SetLearned kept, in the order given.
// The slice is a copy; the entries must not be modified.
func (l *Live) Learned() []*Entry {
	if li := l.learned.Load(); li != nil {
		return slices.Clone(li.entries)
	}
	return nil
}

// SetLearned replaces the learned entries. It builds their index whole
// and swaps it in at once: a search sees the old entries or the new,
// never a mix. Entries are copied (shallowly); the caller may reuse its
// own.
//
// Entries that cannot be served are skipped: nil ones, those with an
// empty id, a blank question or a blank answer, those whose id is a
// built-in entry's (it would hide that entry from Entry), and any but the
// first of several with the same id. An entry whose question has no
// searchable word ("what is it?") is kept for Entry but never matches.
func (l *Live) SetLearned(entries []*Entry) {
	l.learned.Store(newLearnedIndex(l.ix.an, l.kb, entries))
}

// learnedIndex is an immutable index of learned entries' questions.
type learnedIndex struct {
	entries []*Entry // kept entries, in the order given
	byID    map[string]*Entry
	terms   map[string]int32 // canonical term → id
	idf     []float64        // by term id
	unseen  float64          // weight of a query term no learned question has
	// postings[t] lists the entries (indices into entries) whose question
	// has term t, ascending.
	postings [][]int32
	weight   []float64 // the summed idf of each entry's distinct terms
}

func newLearnedIndex(an *analyzer, kb *KB, entries []*Entry) *learnedIndex {
	li := &learnedIndex{
		byID:  make(map[string]*Entry, len(entries)),
		terms: make(map[string]int32),
	}
	var buf []string
	var ids []int32
	for _, e := range entries {
		if e == nil || e.ID == "" || strings.TrimSpace(e.Question) == "" || strings.TrimSpace(e.Answer) == "" {
			continue
		}
		if _, dup := li.byID[e.ID]; dup {
			continue
		}
		if _, builtin := kb.Entry(e.ID); builtin {
			continue
		}
		c := *e
		i := int32(len(li.entries))
		li.entries = append(li.entries, &c)
		li.byID[c.ID] = &c
		buf = an.plainTerms(c.Question, MaxQueryRunes, buf[:0])
		ids = ids[:0]
		for _, t := range buf {
			id, ok := li.terms[t]
			if !ok {
				id = int32(len(li.terms))
				li.terms[t] = id
				li.postings = append(li.postings, nil)
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
				li.postings[id] = append(li.postings[id], i)
			}
		}
	}
	n := len(li.entries)
	li.idf = make([]float64, len(li.terms))
	for t, p := range li.postings {
		li.idf[t] = bm25IDF(n, len(p))
	}
	li.unseen = bm25IDF(n, 0)
	li.weight = make([]float64, n)
	for t, p := range li.postings {
		for _, i := range p {
			li.weight[i] += li.idf[t]
		}
	}
	return li
}

// rank returns at most k learned entries with a score above 0 against the
// query's terms, best first; on equal scores the later entry (the newer
// answer, as the store lists them oldest first) comes first.
//
// The score is learnedScore: an IDF-weighted F1 of the terms the query
// and the learned question share. Each distinct term weighs its BM25 idf
// over the learned questions; a query term none of them has weighs as an
// unseen term, the most. With S the weight of the shared terms, Q the
// query's and D the learned question's:
//
//	precision = S/Q  (how much of the query the question covers)
//	recall    = S/D  (how much of the question the query covers)
//	F1        = 2·precision·recall/(precision+recall) = 2S/(Q+D)
//
// The same question asked again scores 1; a query sharing only common
// words (low idf) scores little however long either text is.
func (li *learnedIndex) rank(qterms []string, k int) []Hit {
	var shared []float64 // by entry; allocated on the first shared term
	var q float64
	for i, t := range qterms {
		if slices.Contains(qterms[:i], t) {
			continue
		}
		id, ok := li.terms[t]
		if !ok {
			q += li.unseen
			continue
		}
		q += li.idf[id]
		if shared == nil {
			shared = make([]float64, len(li.entries))
		}
		for _, e := range li.postings[id] {
			shared[e] += li.idf[id]
		}
	}
	hits := make([]Hit, 0, k+1)
	for e, s := range shared {
		if s == 0 {
			continue
		}
		score := clamp01(2 * s / (q + li.weight[e]))
		if score == 0 || len(hits) == k && score < hits[k-1].Score {
			continue
		}
		// Insert before the first hit scoring no more: later entries win ties.
		at := len(hits)
		for at > 0 && hits[at-1].Score <= score {
			at--
		}
		hits = slices.Insert(hits, at, Hit{Entry: li.entries[e], Score: score})
		if len(hits) > k {
			hits = hits[:k]
		}
	}
	return hits
}

// Explain answers as Search does and explains the built-in ranking (a
// learned entry's score is its share of shared words, with nothing more
// to say).
func (l *Live) Explain(question string) (Result, Explanation) {
	_, ex := l.ix.Explain(question)
	return l.Search(question), ex
}
