package bot

import (
	"context"
	"runtime/debug"
	"sync"
)

// job is one piece of work after an ack. It gets a context that outlives a
// shutdown request by the drain grace, so replies in flight still arrive.
type job struct {
	id, kind string // the envelope or event id and the request's kind, for logs
	run      func(ctx context.Context)
	// onPanic is told about a recovered panic so the user gets an apology.
	onPanic func(ctx context.Context)
}

// pool runs jobs on a fixed number of workers behind a bounded queue. A
// full queue is refused at once rather than stalling the socket reader.
type pool struct {
	jobs    chan job
	wg      sync.WaitGroup
	panicFn func(j job, v any, stack []byte)
	// closing guards jobs against a send after close: in HTTP mode a
	// request's handler may still run when a shutdown past its grace
	// closes the pools.
	closing sync.RWMutex
	closed  bool
}

func newPool(queue int, panicFn func(j job, v any, stack []byte)) *pool {
	return &pool{jobs: make(chan job, queue), panicFn: panicFn}
}

// start runs the workers until close; each job gets ctx.
func (p *pool) start(ctx context.Context, workers int) {
	for range workers {
		p.wg.Go(func() {
			for j := range p.jobs {
				p.runOne(ctx, j)
			}
		})
	}
}

func (p *pool) runOne(ctx context.Context, j job) {
	defer func() {
		if v := recover(); v != nil {
			p.panicFn(j, v, debug.Stack())
			if j.onPanic != nil {
				// The apology must not panic the worker in turn.
				func() {
					defer func() { _ = recover() }()
					j.onPanic(ctx)
				}()
			}
		}
	}()
	j.run(ctx)
}

// submit queues j; it reports false when the queue is full.
func (p *pool) submit(j job) bool {
	p.closing.RLock()
	defer p.closing.RUnlock()
	if p.closed {
		return false
	}
	select {
	case p.jobs <- j:
		return true
	default:
		return false
	}
}

// close stops taking jobs and waits for the queued ones to finish.
func (p *pool) close() {
	p.closing.Lock()
	p.closed = true
	close(p.jobs)
	p.closing.Unlock()
	p.wg.Wait()
}
