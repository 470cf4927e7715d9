package faq

// TEMPORARY: the ranking of learned entries replaces this (issue 13).

import "sync/atomic"

// Live is the knowledge base the bot answers from: the built-in entries,
// ranked by the Index, and the entries experts taught it, swapped in
// whole by SetLearned while searches go on. Safe for concurrent use.
type Live struct {
	ix      *Index
	kb      *KB
	learned atomic.Pointer[[]*Entry]
}

// NewLive serves ix's knowledge base with no learned entries.
func NewLive(ix *Index) *Live {
	return &Live{ix: ix, kb: ix.kb}
}

// Search ranks the built-in and learned entries against question.
func (l *Live) Search(question string) Result { return l.ix.Search(question) }

// Entry looks an entry up, built-in or learned.
func (l *Live) Entry(id string) (*Entry, bool) {
	if p := l.learned.Load(); p != nil {
		for _, e := range *p {
			if e.ID == id {
				return e, true
			}
		}
	}
	return l.kb.Entry(id)
}

// Entries lists the built-in entries.
func (l *Live) Entries() []*Entry { return l.kb.Entries() }

// SetLearned replaces the learned entries.
func (l *Live) SetLearned(entries []*Entry) { l.learned.Store(&entries) }
