package apptest

import (
	"strings"
	"sync"
	"testing"

	"github.com/fractional-advisor/fractional-advisor/internal/bot"
	"github.com/fractional-advisor/fractional-advisor/internal/faq"
)

// Searchers for Options.Search: the ordinary constructor argument through
// which a test slows, stops or breaks the work the bot does after an ack.

// Answer answers every question with one entry, so tests can tell an
// answer from a note without the real ranking.
type Answer struct{ Entry *faq.Entry }

// AnAnswer answers everything with the cost entry.
func AnAnswer() Answer {
	return Answer{&faq.Entry{ID: "cost", Question: "What does it cost?", Answer: "It depends."}}
}

// Search implements bot.Searcher.
func (a Answer) Search(string) faq.Result {
	return faq.Result{Match: &faq.Hit{Entry: a.Entry, Score: 1}}
}

// Gate holds every search until Release; Started receives the questions
// that reached it (up to its buffer).
type Gate struct {
	Started chan string
	next    bot.Searcher
	open    chan struct{}
	once    sync.Once
}

// NewGate returns a closed gate in front of next. The rig opens it when it
// stops, so the bot can drain; so does the end of the test.
func NewGate(t *testing.T, buffer int, next bot.Searcher) *Gate {
	g := &Gate{Started: make(chan string, buffer), next: next, open: make(chan struct{})}
	t.Cleanup(g.Release)
	return g
}

// Search implements bot.Searcher.
func (g *Gate) Search(q string) faq.Result {
	select {
	case g.Started <- q:
	default:
	}
	<-g.open
	return g.next.Search(q)
}

// Release opens the gate.
func (g *Gate) Release() { g.once.Do(func() { close(g.open) }) }

// Panicky panics on any question that contains Word: a handler's bug.
type Panicky struct {
	Word string
	Next bot.Searcher
}

// Search implements bot.Searcher.
func (p Panicky) Search(q string) faq.Result {
	if strings.Contains(q, p.Word) {
		panic(p.Word)
	}
	return p.Next.Search(q)
}
