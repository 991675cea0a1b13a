package realrt

import (
	"errors"
	"sync"
	"sync/atomic"
)

// errStopped is returned by Runtime.Do once the endpoint's loop has stopped.
var errStopped = errors.New("realrt: the endpoint has stopped")

// loop runs an endpoint's callbacks one at a time on its own goroutine, in the order they
// were posted. Helper goroutines (timers, connection readers, the disk syncer) only post;
// node code runs here and nowhere else, which is the contract's "one callback at a time".
type loop struct {
	mu    sync.Mutex
	queue []task
	spare []task
	// msgs counts the datagram deliveries in queue; past msgLimit new ones are dropped, so a
	// flood of datagrams (which may be lost) cannot grow memory without bound, while timers
	// and sync completions (which must not be lost) always get in.
	msgs     int
	msgLimit int
	wake     chan struct{}
	quit     chan struct{}
	finished chan struct{}
	stopped  atomic.Bool
	once     sync.Once
	// droppedMsgs counts datagrams dropped because the queue was full.
	droppedMsgs atomic.Uint64
}

type task struct {
	fn  func()
	msg bool
}

func newLoop(msgLimit int) *loop {
	l := &loop{msgLimit: msgLimit, wake: make(chan struct{}, 1), quit: make(chan struct{}),
		finished: make(chan struct{})}
	go l.run()
	return l
}

// post queues fn; it reports false if the loop has stopped (fn will never run).
func (l *loop) post(fn func()) bool { return l.enqueue(task{fn: fn}) }

// postMessage queues a datagram delivery; it reports false if the loop has stopped or holds
// msgLimit deliveries already (the datagram is dropped).
func (l *loop) postMessage(fn func()) bool {
	ok := l.enqueue(task{fn: fn, msg: true})
	if !ok && !l.stopped.Load() {
		l.droppedMsgs.Add(1)
	}
	return ok
}

func (l *loop) enqueue(t task) bool {
	l.mu.Lock()
	if l.stopped.Load() || (t.msg && l.msgs >= l.msgLimit) {
		l.mu.Unlock()
		return false
	}
	if t.msg {
		l.msgs++
	}
	l.queue = append(l.queue, t)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default: // a wake-up is already pending; the loop will see this task too
	}
	return true
}

// do runs fn on the loop and waits for it. It must not be called from a callback (the loop
// would wait for itself).
func (l *loop) do(fn func()) error {
	done := make(chan struct{})
	if !l.post(func() { fn(); close(done) }) {
		return errStopped
	}
	select {
	case <-done:
		return nil
	case <-l.finished:
		select {
		case <-done: // fn was the last callback to run
			return nil
		default:
			return errStopped
		}
	}
}

// stop ends the loop: no callback starts after it returns, and queued ones are dropped. It
// does not wait for a running callback; wait does. Safe to call from a callback.
func (l *loop) stop() {
	l.once.Do(func() {
		l.mu.Lock()
		l.stopped.Store(true)
		l.queue = nil
		l.mu.Unlock()
		close(l.quit)
	})
}

// wait blocks until the loop goroutine has returned (after stop).
func (l *loop) wait() { <-l.finished }

func (l *loop) run() {
	defer close(l.finished)
	for {
		select {
		case <-l.wake:
		case <-l.quit:
			return
		}
		for l.runBatch() {
		}
		if l.stopped.Load() {
			return
		}
	}
}

// runBatch runs the tasks queued so far; it reports whether there were any.
func (l *loop) runBatch() bool {
	l.mu.Lock()
	batch := l.queue
	l.queue, l.spare = l.spare[:0], nil
	l.msgs = 0
	l.mu.Unlock()
	if len(batch) == 0 {
		return false
	}
	for i := range batch {
		if l.stopped.Load() {
			return false
		}
		fn := batch[i].fn
		batch[i] = task{} // let the closure go before it runs (it may run long)
		fn()
	}
	l.mu.Lock()
	if l.spare == nil {
		l.spare = batch[:0]
	}
	l.mu.Unlock()
	return true
}
