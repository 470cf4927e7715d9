package bot

import (
	"container/list"
	"sync"
	"time"
)

// limiter is a per-user token bucket: each user may make burst requests at
// once and then rate per window, refilled smoothly. A user over the limit
// is told so once per window, not once per request, so a flood of twenty
// questions earns one polite note rather than twenty.
//
// It holds at most maxUsers buckets (a fixed memory ceiling), in order of
// last use: a new user past the ceiling takes the bucket of the one seen
// longest ago, in constant time. That user, if still over the limit, is
// let through early: a flood of distinct users can cost a few extra
// answers, never memory.
type limiter struct {
	mu       sync.Mutex
	burst    float64
	perSec   float64
	window   time.Duration
	maxUsers int
	users    map[string]*list.Element // of *bucket, most recently used at the front
	order    *list.List
	now      func() time.Time
}

type bucket struct {
	user   string
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
		users:    make(map[string]*list.Element),
		order:    list.New(),
		now:      now,
	}
}

// allow takes a token for user. When there is none, ok is false and note
// says whether to tell the user (the first refusal in a window).
func (l *limiter) allow(user string) (ok, note bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	bk := l.bucket(user, now)
	if d := now.Sub(bk.last); d > 0 {
		bk.tokens = min(l.burst, bk.tokens+d.Seconds()*l.perSec)
		bk.last = now
	}
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

// bucket finds user's bucket, or makes one (reusing the oldest when full),
// and marks it the most recently used. The caller holds mu.
func (l *limiter) bucket(user string, now time.Time) *bucket {
	if e, ok := l.users[user]; ok {
		l.order.MoveToFront(e)
		return e.Value.(*bucket)
	}
	fresh := bucket{user: user, tokens: l.burst, last: now}
	if l.order.Len() >= l.maxUsers {
		e := l.order.Back()
		bk := e.Value.(*bucket)
		delete(l.users, bk.user)
		*bk = fresh
		l.order.MoveToFront(e)
		l.users[user] = e
		return bk
	}
	l.users[user] = l.order.PushFront(&fresh)
	return &fresh
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
