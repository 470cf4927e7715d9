package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultyStore writes through to a real store, or fails at once (down), or
// hangs until its context ends (slow).
type faultyStore struct {
	Store
	mode    atomic.Int32
	written atomic.Int64 // records written
}

const (
	up = iota
	down
	slow
)

var errDown = errors.New("database down")

func (f *faultyStore) fault(ctx context.Context) error {
	switch f.mode.Load() {
	case down:
		return errDown
	case slow:
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func through[T any](f *faultyStore, ctx context.Context, rs []T, write func(context.Context, []T) error) error {
	if err := f.fault(ctx); err != nil {
		return err
	}
	err := write(ctx, rs)
	if err == nil {
		f.written.Add(int64(len(rs)))
	}
	return err
}

func (f *faultyStore) RecordQuestions(ctx context.Context, qs []Question) error {
	return through(f, ctx, qs, f.Store.RecordQuestions)
}

func (f *faultyStore) RecordVotes(ctx context.Context, vs []Vote) error {
	return through(f, ctx, vs, f.Store.RecordVotes)
}

func (f *faultyStore) RecordAssessments(ctx context.Context, as []Assessment) error {
	return through(f, ctx, as, f.Store.RecordAssessments)
}

func (f *faultyStore) DeleteQuestions(ctx context.Context, msgs []MessageRef) (int64, error) {
	var n int64
	err := through(f, ctx, msgs, func(ctx context.Context, msgs []MessageRef) error {
		var err error
		n, err = f.Store.DeleteQuestions(ctx, msgs)
		return err
	})
	return n, err
}

// reports sums what OnError was told.
type reports struct {
	mu    sync.Mutex
	calls int
	lost  int
	errs  []error
}

func (r *reports) onError(err error, lost int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.lost += lost
	r.errs = append(r.errs, err)
}

func (r *reports) sum() (calls, lost int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls, r.lost
}

func newFaulty(t *testing.T) *faultyStore {
	return &faultyStore{Store: openDSN(t, sqliteDSN(t))}
}

func question(i int) Question {
	return Question{At: now.Add(time.Duration(i) * time.Millisecond), Surface: "dm", UserID: "U1", Text: "why?"}
}

// eventually waits for cond, failing after a generous while.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// recordAll records n records of every kind from several goroutines, and
// fails the test if that does not end: Record must never block.
func recordAll(t *testing.T, r *Recorder, n int) (accepted int) {
	t.Helper()
	var ok atomic.Int64
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range n / 4 {
				var err error
				switch i % 4 {
				case 0:
					err = r.Question(question(g*n + i))
				case 1:
					err = r.Vote(Vote{At: now, UserID: "U1", ChannelID: "C1", MessageTS: "1.1", Subject: "faq:cost"})
				case 2:
					err = r.Assessment(Assessment{At: now, UserID: "U1", Recommendation: "cto"})
				case 3:
					err = r.DeleteQuestion("C1", fmt.Sprint(i))
				}
				switch {
				case err == nil:
					ok.Add(1)
				case !errors.Is(err, ErrQueueFull) && !errors.Is(err, ErrRecorderClosed):
					t.Error(err)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Record blocked")
	}
	return int(ok.Load())
}

func TestRecorderWritesFullBatchesAtOnce(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{Batch: 5, Interval: time.Hour})
	for i := range 7 {
		must(t, r.Question(question(i)))
	}
	eventually(t, "a full batch", func() bool { return f.written.Load() == 5 })
	must(t, r.Close(context.Background()))
	if n := count(t, f.Store, "questions"); n != 7 {
		t.Errorf("%d questions after Close, want 7", n)
	}
	if r.Dropped() != 0 {
		t.Errorf("Dropped = %d, want 0", r.Dropped())
	}
}

func TestRecorderWritesEveryInterval(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{Batch: 1000, Interval: 10 * time.Millisecond})
	defer r.Close(context.Background())
	must(t, r.Vote(Vote{At: now, UserID: "U1", ChannelID: "C1", MessageTS: "1.1", Subject: "faq:cost"}))
	must(t, r.Assessment(Assessment{At: now, UserID: "U1", Recommendation: "cto"}))
	eventually(t, "the interval's write", func() bool { return f.written.Load() == 2 })
}

// TestRecorderStoreDownThenBack: with the database down, records are
// dropped, every one counted and reported, and Record never blocks; when
// it is back, records flow again.
func TestRecorderStoreDownThenBack(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	f.mode.Store(down)
	var rep reports
	r := NewRecorder(f, RecorderConfig{Queue: 50, Batch: 10, Interval: time.Millisecond, ReportEvery: time.Hour, OnError: rep.onError})
	const n = 3000
	accepted := recordAll(t, r, n)
	eventually(t, "every accepted record to be dropped", func() bool { return r.Dropped() == n })
	if calls, lost := rep.sum(); lost == 0 || calls > 2 {
		// The first failed write and the first overflow are told at
		// once, the rest summed until ReportEvery or Close.
		t.Errorf("OnError called %d times for %d records, want 1 or 2 calls", calls, lost)
	}
	if !errors.Is(rep.errs[0], errDown) && !errors.Is(rep.errs[0], ErrQueueFull) {
		t.Errorf("OnError told %v", rep.errs[0])
	}
	t.Logf("accepted %d of %d while down; OnError: %v", accepted, n, rep.errs)

	f.mode.Store(up)
	must(t, r.Question(question(0)))
	eventually(t, "a record once the database is back", func() bool { return f.written.Load() == 1 })
	must(t, r.Close(context.Background()))
	if _, lost := rep.sum(); lost != n {
		t.Errorf("OnError told of %d lost records, Dropped says %d", lost, n)
	}
	if r.Dropped() != n {
		t.Errorf("Dropped = %d, want %d", r.Dropped(), n)
	}
}

// TestRecorderSlowStoreBoundsTheBacklog: a database that hangs holds at
// most Queue records waiting plus one batch in hand; the rest is dropped at
// once.
func TestRecorderSlowStoreBoundsTheBacklog(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	f.mode.Store(slow)
	var rep reports
	const queue, batch = 100, 10
	r := NewRecorder(f, RecorderConfig{Queue: queue, Batch: batch, Interval: time.Millisecond, Timeout: time.Hour, OnError: rep.onError})
	const n = 2000
	accepted := recordAll(t, r, n)
	if accepted > queue+batch {
		t.Errorf("%d records held with the database hanging, want at most %d", accepted, queue+batch)
	}
	if got := r.Dropped(); int(got) != n-accepted {
		t.Errorf("Dropped = %d, want %d", got, n-accepted)
	}
	// Close gives up on the hanging write when its context ends.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := r.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Close = %v, want DeadlineExceeded", err)
	}
	if r.Dropped() != n || f.written.Load() != 0 {
		t.Errorf("Dropped = %d, written %d; want %d, 0", r.Dropped(), f.written.Load(), n)
	}
	if _, lost := rep.sum(); lost != n {
		t.Errorf("OnError told of %d lost records, want %d", lost, n)
	}
}

func TestRecorderCloseWritesWhatIsQueued(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{Batch: 3, Interval: time.Hour})
	for i := range 10 {
		must(t, r.Question(question(i)))
	}
	must(t, r.Close(context.Background()))
	if n := f.written.Load(); n != 10 {
		t.Errorf("%d written by Close, want 10", n)
	}
	if err := r.Question(question(11)); !errors.Is(err, ErrRecorderClosed) {
		t.Errorf("Question after Close = %v, want ErrRecorderClosed", err)
	}
	if err := r.Close(context.Background()); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if r.Dropped() != 1 {
		t.Errorf("Dropped = %d, want 1 (the record after Close)", r.Dropped())
	}
}

func TestRecorderRefusesInvalidRecords(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{})
	defer r.Close(context.Background())
	for _, err := range []error{
		r.Question(Question{Text: "no time or user"}),
		r.Vote(Vote{At: now}),
		r.Assessment(Assessment{At: now, UserID: "U1"}),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	}
	if r.Dropped() != 3 {
		t.Errorf("Dropped = %d, want 3", r.Dropped())
	}
}

// TestRecorderAccountsForEveryRecord: records from many goroutines, a
// database that comes and goes, and Close in the middle: each record is
// written or counted as dropped, never both, never neither.
func TestRecorderAccountsForEveryRecord(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{Queue: 20, Batch: 7, Interval: time.Millisecond, Timeout: 20 * time.Millisecond})
	stop := make(chan struct{})
	var flip sync.WaitGroup
	flip.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				f.mode.Store(int32(i % 3))
			}
		}
	})
	const n = 2000
	closed := make(chan struct{})
	go func() {
		time.Sleep(5 * time.Millisecond)
		r.Close(context.Background())
		close(closed)
	}()
	recordAll(t, r, n)
	<-closed
	close(stop)
	flip.Wait()
	if got := int64(r.Dropped()) + f.written.Load(); got != n {
		t.Errorf("dropped %d + written %d = %d, want %d", r.Dropped(), f.written.Load(), got, n)
	}
	if r.Offered() != uint64(n) {
		t.Errorf("Offered = %d, want %d", r.Offered(), n)
	}
	if int64(r.Written()) != f.written.Load() {
		t.Errorf("Written = %d, the store wrote %d", r.Written(), f.written.Load())
	}
}

// TestRecorderForgetAfterQueued: a user's records queued before Forget are
// written first and deleted with the rest, so none comes back.
func TestRecorderForgetAfterQueued(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{Interval: time.Hour})
	defer r.Close(context.Background())
	for i := range 5 {
		must(t, r.Question(question(i))) // user U1, still queued: the interval is an hour
	}
	must(t, r.Assessment(Assessment{At: now, UserID: "U1", Recommendation: "cto"}))
	must(t, r.Question(Question{At: now, Surface: "dm", UserID: "U2", Text: "mine"}))
	n, err := r.Forget(context.Background(), "U1")
	if err != nil || n != 6 {
		t.Fatalf("Forget = %d, %v; want the 6 records queued before it", n, err)
	}
	must(t, r.Close(context.Background()))
	if got, err := f.RecentAssessments(context.Background(), "U1", 5); err != nil || len(got) != 0 {
		t.Errorf("U1's assessments after Forget: %v, %v", got, err)
	}
	in, err := f.Insights(context.Background(), now.Add(-time.Hour))
	if err != nil || in.Questions != 1 {
		t.Errorf("questions left: %+v, %v; want U2's one", in, err)
	}
	if _, err := r.Forget(context.Background(), "U2"); !errors.Is(err, ErrRecorderClosed) {
		t.Errorf("Forget after Close = %v", err)
	}
}

// TestRecorderCompletesEvents: completions queued through the recorder
// are written in a batch, and a completed event is never claimable again.
func TestRecorderCompletesEvents(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	ctx := context.Background()
	r := NewRecorder(f, RecorderConfig{Interval: time.Hour})
	for _, id := range []string{"Ev1", "Ev2"} {
		if ok, err := f.ClaimEvent(ctx, id, now); !ok || err != nil {
			t.Fatalf("first claim of %s: %v, %v", id, ok, err)
		}
		must(t, r.Complete(id))
	}
	if err := r.Complete(""); !errors.Is(err, ErrInvalid) {
		t.Errorf("Complete(\"\") = %v, want ErrInvalid", err)
	}
	must(t, r.Close(ctx))
	later := now.Add(2 * ClaimTimeout)
	for _, id := range []string{"Ev1", "Ev2"} {
		if ok, err := f.ClaimEvent(ctx, id, later); ok || err != nil {
			t.Errorf("%s claimed again after it was completed: %v, %v", id, ok, err)
		}
	}
	if r.Written() != 2 || r.Dropped() != 1 {
		t.Errorf("written %d, dropped %d; want 2 and 1", r.Written(), r.Dropped())
	}
}

// TestRecorderDeletesQuestionsAfterThem: a question's deletion queued
// right after its record, in the same batch, deletes it.
func TestRecorderDeletesQuestionsAfterThem(t *testing.T) {
	t.Parallel()
	f := newFaulty(t)
	r := NewRecorder(f, RecorderConfig{Interval: time.Hour})
	q := func(ts string) Question {
		return Question{At: now, Surface: "mention", UserID: "U1", ChannelID: "C1", MessageTS: ts, Text: "q?", Ref: "r" + ts}
	}
	must(t, r.Question(q("1.1")))
	must(t, r.DeleteQuestion("C1", "1.1"))
	must(t, r.Question(q("1.2")))
	must(t, r.DeleteQuestion("C1", "9.9")) // no such question: written, deletes nothing
	if err := r.DeleteQuestion("C1", ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("DeleteQuestion without a ts = %v, want ErrInvalid", err)
	}
	must(t, r.Close(context.Background()))
	ctx := context.Background()
	if _, err := f.QuestionByRef(ctx, "r1.1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("the deleted question: %v, want ErrNotFound", err)
	}
	if _, err := f.QuestionByRef(ctx, "r1.2"); err != nil {
		t.Errorf("the other question: %v", err)
	}
	if r.Offered() != 5 || r.Written() != 4 || r.Dropped() != 1 {
		t.Errorf("offered %d, written %d, dropped %d; want 5, 4, 1", r.Offered(), r.Written(), r.Dropped())
	}
}
