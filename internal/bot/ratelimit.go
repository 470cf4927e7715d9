package bot

import (
	"sync"
	"time"
)

// limiter is a per-user token bucket: each user may make burst requests at
// once and then rate per window, refilled smoothly. A user over the limit
// is told so once per window, not once per request, so a flood of twenty
// questions earns one polite note rather than twenty.
//
// It holds at most maxUsers buckets (a fixed memory ceiling): when full,
// the buckets of users who are back to a full bucket are dropped, for they
// would be rebuilt the same; if none is, an arbitrary one goes, which at
// worst lets that user through early.
type limiter struct {
	mu       sync.Mutex
	burst    float64
	perSec   float64
	window   time.Duration
	maxUsers int
	users    map[string]*bucket
	now      func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time // of the last refill
	noted  time.Time // when the user was last told to slow down
}

func newLimiter(rate int, window time.Duration, maxUsers int, now func() time.Time) *limiter {
	return &limiter{
		burst:    float64(rate),
		perSec:   float64(rate) / window.Seconds(),
		window:   window,
		maxUsers: maxUsers,
		users:    make(map[string]*bucket),
		now:      now,
	}
}

// allow takes a token for user. When there is none, ok is false and note
// says whether to tell the user (the first refusal in a window).
func (l *limiter) allow(user string) (ok, note bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	bk := l.users[user]
	if bk == nil {
		if len(l.users) >= l.maxUsers {
			l.evict(now)
		}
		bk = &bucket{tokens: l.burst, last: now}
		l.users[user] = bk
	}
	l.refill(bk, now)
	if bk.tokens >= 1 {
		bk.tokens--
		return true, false
	}
	if bk.noted.IsZero() || now.Sub(bk.noted) >= l.window {
		bk.noted = now
		return false, true
	}
	return false, false
}

func (l *limiter) refill(bk *bucket, now time.Time) {
	if d := now.Sub(bk.last); d > 0 {
		bk.tokens = min(l.burst, bk.tokens+d.Seconds()*l.perSec)
		bk.last = now
	}
}

// evict makes room for one more user; the caller holds mu.
func (l *limiter) evict(now time.Time) {
	for u, bk := range l.users {
		l.refill(bk, now)
		if bk.tokens >= l.burst {
			delete(l.users, u)
		}
	}
	for u := range l.users {
		if len(l.users) < l.maxUsers {
			return
		}
		delete(l.users, u)
	}
}

// limited applies the per-user limit to a request; when it refuses, it
// counts the refusal and reports whether to send the note.
func (b *Bot) limited(user string) (refused, note bool) {
	if b.limit == nil || user == "" {
		return false, false
	}
	ok, note := b.limit.allow(user)
	if !ok {
		b.metrics.Limited()
	}
	return !ok, note
}
