package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Recorder writes questions, votes and assessments after the reply, so a
// slow or absent database never slows one; and, as records too, question
// deletions and event completions. Records wait in a bounded queue
// and are written in batches, when a batch is full or every Interval. What
// cannot be written is dropped, never retried: counted in Dropped and told
// to OnError, so the backlog, and the memory it holds, stays bounded
// whatever the database does.
type Recorder struct {
	store Store
	cfg   RecorderConfig
	queue chan any // Question, Vote, Assessment, deletion, completion or forget

	mu     sync.RWMutex // Close holds it to stop puts; puts share it
	closed bool

	dropped  atomic.Uint64 // every record lost, for any reason
	written  atomic.Uint64 // every record written
	offered  atomic.Uint64 // every record given to Question, Vote, …
	overflow atomic.Int64  // records refused for a full queue, not yet reported

	base   context.Context // every write's; Close cancels it when its ctx ends
	cancel context.CancelFunc
	stop   chan struct{}
	done   chan struct{}
}

// RecorderConfig sets a Recorder's bounds. Zero values take the defaults.
type RecorderConfig struct {
	// Queue is how many records may wait; more are dropped. Default 10000.
	Queue int
	// Batch is the most records one write carries; a full batch is written
	// at once. Default 200.
	Batch int
	// Interval is the longest a record waits to be written. Default 1s.
	Interval time.Duration
	// Timeout bounds one write of a batch. Default 5s.
	Timeout time.Duration
	// ReportEvery is the least time between two OnError calls: during an
	// outage losses are summed, not told one batch at a time. The first
	// loss after a quiet spell is told at once. Default 1m.
	ReportEvery time.Duration
	// OnError is told what was lost and why: the error of the last failed
	// write, or ErrQueueFull, and the number of records lost with it. It is
	// called from the recorder's goroutine, one call at a time. Optional.
	OnError func(err error, lost int)
}

var (
	// ErrQueueFull: a record was dropped because the queue was full.
	ErrQueueFull = errors.New("store: recorder queue full")
	// ErrRecorderClosed: a record came after Close.
	ErrRecorderClosed = errors.New("store: recorder closed")
)

// NewRecorder starts a Recorder writing to s. Close it to stop it.
func NewRecorder(s Store, cfg RecorderConfig) *Recorder {
	if cfg.Queue <= 0 {
		cfg.Queue = 10000
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 200
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.ReportEvery <= 0 {
		cfg.ReportEvery = time.Minute
	}
	if cfg.OnError == nil {
		cfg.OnError = func(error, int) {}
	}
	r := &Recorder{
		store: s,
		cfg:   cfg,
		queue: make(chan any, cfg.Queue),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	r.base, r.cancel = context.WithCancel(context.Background())
	go r.run()
	return r
}

// Question queues a question. It never blocks: a record that cannot be
// queued is dropped, counted, and its error returned (ErrQueueFull,
// ErrRecorderClosed, or one wrapping ErrInvalid) for callers that care.
func (r *Recorder) Question(q Question) error {
	q, err := checkQuestion(q)
	return r.put(q, err)
}

// Vote queues a vote, like Question.
func (r *Recorder) Vote(v Vote) error {
	v, err := checkVote(v)
	return r.put(v, err)
}

// Assessment queues an assessment, like Question.
func (r *Recorder) Assessment(a Assessment) error {
	a, err := checkAssessment(a)
	return r.put(a, err)
}

// deletion is a message deleted in Slack, whose question is to go.
type deletion MessageRef

// DeleteQuestion queues deleting the recorded question of a message
// deleted in Slack (Store.DeleteQuestions), like Question: it never
// blocks. A batch writes its deletions after its questions, so a
// deletion queued after its question's record deletes it, however close
// the two came.
func (r *Recorder) DeleteQuestion(channelID, ts string) error {
	m, err := checkMessageRef(MessageRef{ChannelID: channelID, TS: ts})
	return r.put(deletion(m), err)
}

// completion is an answered event id, to be marked complete.
type completion string

// Complete queues marking an answered event complete (Store.CompleteEvents),
// like Question: it never blocks, and a batch of them is one write.
func (r *Recorder) Complete(eventID string) error {
	return r.put(completion(eventID), checkID("event id", eventID))
}

// Offered is the number of records given to the recorder so far; once
// the queue is empty, Offered = Written + Dropped.
func (r *Recorder) Offered() uint64 { return r.offered.Load() }

// Written is the number of records written so far; with Dropped it
// accounts for every record queued and no longer waiting.
func (r *Recorder) Written() uint64 { return r.written.Load() }

// forget asks the writer to delete everything about a user, in order with
// the records queued before it.
type forget struct {
	user string
	done chan forgotten
}

type forgotten struct {
	n   int64
	err error
}

// Forget deletes everything stored about user (Store.ForgetUser) after
// writing the records queued before it, so none of them comes back after
// the deletion. Unlike the records it waits, for as long as ctx allows.
func (r *Recorder) Forget(ctx context.Context, user string) (int64, error) {
	f := forget{user: user, done: make(chan forgotten, 1)}
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return 0, ErrRecorderClosed
	}
	select {
	case r.queue <- f:
		r.mu.RUnlock()
	case <-ctx.Done():
		r.mu.RUnlock()
		return 0, ctx.Err()
	}
	select {
	case res := <-f.done:
		return res.n, res.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Dropped is the number of records lost so far: refused, or in a batch
// that could not be written. It only grows; the edge exports it as the
// metric advisor_store_dropped_total.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

func (r *Recorder) put(rec any, invalid error) error {
	r.offered.Add(1)
	if invalid != nil {
		r.dropped.Add(1)
		return invalid
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		r.dropped.Add(1)
		return ErrRecorderClosed
	}
	select {
	case r.queue <- rec:
		return nil
	default:
		r.dropped.Add(1)
		r.overflow.Add(1)
		return ErrQueueFull
	}
}

// Close stops taking records and writes what is queued, for as long as
// ctx allows; then it cancels the write in progress, and what is left is
// dropped and reported. It returns ctx's error if ctx ended first. Calls
// after the first return nil.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	was := r.closed
	r.closed = true
	r.mu.Unlock()
	if was {
		return nil
	}
	defer r.cancel()
	close(r.stop)
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		r.cancel() // every write honours it, so the wait below is short
		<-r.done
		return ctx.Err()
	}
}

// batch is what one write carries.
type batch struct {
	questions   []Question
	votes       []Vote
	assessments []Assessment
	deletions   []MessageRef
	completions []string
}

func (b *batch) add(rec any) {
	switch rec := rec.(type) {
	case Question:
		b.questions = append(b.questions, rec)
	case Vote:
		b.votes = append(b.votes, rec)
	case Assessment:
		b.assessments = append(b.assessments, rec)
	case deletion:
		b.deletions = append(b.deletions, MessageRef(rec))
	case completion:
		b.completions = append(b.completions, string(rec))
	}
}

func (b *batch) len() int {
	return len(b.questions) + len(b.votes) + len(b.assessments) + len(b.deletions) + len(b.completions)
}

func (b *batch) reset() {
	b.questions, b.votes, b.assessments = b.questions[:0], b.votes[:0], b.assessments[:0]
	b.deletions, b.completions = b.deletions[:0], b.completions[:0]
}

// losses sums what was lost between two reports.
type losses struct {
	err        error // the last failed write's, naming what it lost
	failed     int
	lastReport time.Time
}

func (r *Recorder) run() {
	defer close(r.done)
	var (
		b    batch
		lost losses
	)
	tick := time.NewTicker(r.cfg.Interval)
	defer tick.Stop()
	for {
		select {
		case rec := <-r.queue:
			if f, ok := rec.(forget); ok {
				r.forget(&b, &lost, f)
				continue
			}
			b.add(rec)
			if b.len() >= r.cfg.Batch {
				r.write(&b, &lost)
				r.report(&lost, false)
			}
		case <-tick.C:
			r.write(&b, &lost)
			r.report(&lost, false)
		case <-r.stop:
			// Close holds off every put, so what is queued now is all.
			for n := len(r.queue); n > 0; n-- {
				rec := <-r.queue
				if f, ok := rec.(forget); ok {
					r.forget(&b, &lost, f)
					continue
				}
				b.add(rec)
				if b.len() >= r.cfg.Batch {
					r.write(&b, &lost)
				}
			}
			r.write(&b, &lost)
			r.report(&lost, true)
			return
		}
	}
}

// forget writes what is batched, then deletes the user's rows.
func (r *Recorder) forget(b *batch, lost *losses, f forget) {
	r.write(b, lost)
	ctx, cancel := context.WithTimeout(r.base, r.cfg.Timeout)
	defer cancel()
	n, err := r.store.ForgetUser(ctx, f.user)
	f.done <- forgotten{n, err}
}

// write writes a batch, all kinds within one Timeout, and empties it.
// After a kind fails, the rest are dropped unwritten too: the database is
// down or slow, and each try would wait again.
func (r *Recorder) write(b *batch, lost *losses) {
	if b.len() == 0 {
		return
	}
	defer b.reset()
	ctx, cancel := context.WithTimeout(r.base, r.cfg.Timeout)
	defer cancel()
	steps := []struct {
		what  string
		n     int
		write func() error
	}{
		{"questions", len(b.questions), func() error { return r.store.RecordQuestions(ctx, b.questions) }},
		// After the questions: a deletion may be of one of them.
		{"question deletions", len(b.deletions), func() error {
			_, err := r.store.DeleteQuestions(ctx, b.deletions)
			return err
		}},
		{"votes", len(b.votes), func() error { return r.store.RecordVotes(ctx, b.votes) }},
		{"assessments", len(b.assessments), func() error { return r.store.RecordAssessments(ctx, b.assessments) }},
		{"event completions", len(b.completions), func() error { return r.store.CompleteEvents(ctx, b.completions...) }},
	}
	var cause error
	var what []string
	n := 0
	for _, s := range steps {
		if s.n == 0 {
			continue
		}
		if cause == nil {
			if cause = s.write(); cause == nil {
				r.written.Add(uint64(s.n))
			}
		}
		if cause != nil {
			what = append(what, fmt.Sprintf("%d %s", s.n, s.what))
			n += s.n
		}
	}
	if n > 0 {
		r.dropped.Add(uint64(n))
		lost.failed += n
		lost.err = fmt.Errorf("store: lost %s: %w", strings.Join(what, ", "), cause)
	}
}

// report tells OnError what was lost, at most once every ReportEvery
// unless final.
func (r *Recorder) report(lost *losses, final bool) {
	overflow := r.overflow.Load()
	if lost.failed == 0 && overflow == 0 {
		return
	}
	now := time.Now()
	if !final && now.Sub(lost.lastReport) < r.cfg.ReportEvery {
		return
	}
	lost.lastReport = now
	if lost.failed > 0 {
		r.cfg.OnError(lost.err, lost.failed)
		lost.failed, lost.err = 0, nil
	}
	if n := r.overflow.Swap(0); n > 0 {
		r.cfg.OnError(ErrQueueFull, int(n))
	}
}
