package bot

import (
	"sync"
	"time"
)

// dedupe remembers event ids for a while so a retried event is answered at
// most once. It holds at most size ids (a fixed memory ceiling); the oldest
// goes first. ttl should cover Slack's retry window.
type dedupe struct {
	mu   sync.Mutex
	ttl  time.Duration
	seen map[string]time.Time
	ring []stamp // insertion order, for eviction
	next int
	now  func() time.Time
}

func newDedupe(size int, ttl time.Duration, now func() time.Time) *dedupe {
	return &dedupe{ttl: ttl, seen: make(map[string]time.Time, size), ring: make([]stamp, size), now: now}
}

type stamp struct {
	id string
	at time.Time
}

// first reports whether id has not been seen within ttl, and records it.
func (d *dedupe) first(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	if at, ok := d.seen[id]; ok && now.Sub(at) < d.ttl {
		return false
	}
	// Evict the oldest record unless its id was seen again since.
	if old := d.ring[d.next]; old.id != "" && d.seen[old.id].Equal(old.at) {
		delete(d.seen, old.id)
	}
	d.ring[d.next] = stamp{id, now}
	d.next = (d.next + 1) % len(d.ring)
	d.seen[id] = now
	return true
}

// forget drops id, so a retry of an event that could not be handled is.
func (d *dedupe) forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.seen, id)
}

// has reports whether id was seen within ttl, without recording it.
func (d *dedupe) has(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.seen[id]
	return ok && d.now().Sub(at) < d.ttl
}
