package sim

import (
	"sync"

	"github.com/simfuzz/simfuzz/netfault"
)

// evKind says what an event does when it falls due.
type evKind uint8

const (
	evAction       evKind = iota + 1 // harness code: fn
	evTimer                          // node timer: node, inc, id (timer handle), fn
	evDeliver                        // datagram or stream chunk: msg (node = receiver)
	evSync                           // disk sync completion: node, inc
	evStreamClosed                   // tell a stream end it closed: node, inc, id = stream end
)

// Event flags. evArrived marks a delivery the network already judged (Arrive said Deliver)
// and that was held by a pause: it must not be judged twice. evHeld and evReplayed mark a
// delivery a message-age fault made (a held datagram, a late copy): the network counts it
// until it arrives, and the liveness phase brings it forward (World.ReleaseAged).
const (
	evArrived  uint8 = 1
	evHeld     uint8 = 2
	evReplayed uint8 = 4
	evAged           = evHeld | evReplayed
	// evSummed marks a datagram delivery whose id holds the trace hash of its payload,
	// computed when it was sent (see World.transmit).
	evSummed uint8 = 8
)

// event is one entry of the queue, stored by value in the queue's slab, so scheduling an
// event allocates nothing beyond the message and the user's closure. A datagram delivery
// with evSummed uses id for its payload's trace hash.
type event struct {
	at    int64
	seq   uint64
	fn    func()
	msg   netfault.Message
	id    uint64
	node  int32
	inc   uint32
	kind  evKind
	flags uint8
}

// before is the total order of the world: virtual time, then scheduling order.
func before(a, b *event) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

// eventKey is what the heap orders: an event's time and sequence number, and the slot of
// the event in the queue's slab. It holds no pointers, so sifting it up and down moves 24
// bytes and no write barrier, where moving whole events (closures, payloads) made the
// collector's barriers a tenth of the world's time.
type eventKey struct {
	at   int64
	seq  uint64
	slot int32
}

func keyBefore(a, b *eventKey) bool {
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

// eventQueue is a 4-ary min-heap of event keys ordered by time and sequence number (the
// order of before), over a slab of the events themselves whose free slots are reused. It
// is written by hand rather than with container/heap, whose interface boxing would
// allocate per event. Four children per key halve the heap's height, which matters most to
// push: a new delivery is due sooner than the timers queued far ahead, and rose more than
// two levels of a binary heap on average. The heap's shape does not change the order in
// which events run: (time, sequence number) is a total order, and the heap yields its
// least key.
type eventQueue struct {
	h    []eventKey
	ev   []event
	free []int32
	seq  uint64
	// limit bounds len(h) (0: no bound); full is set when a push found limit events
	// queued and dropped its event, and the world then stops the run with a
	// *QueueLimitError.
	limit int
	full  bool
	// stopped counts the timers stopped since the last sweep (see World.sweepTimers), an
	// upper bound of the stopped timers' events still queued.
	stopped int
	// box carries the three arrays back to queuePool when the world is released.
	box *queueArrays
}

func (q *eventQueue) len() int { return len(q.h) }

// queueStart is the room a new world's queue starts with: a small cluster keeps some
// dozens of events queued, and starting there spares the first doublings of three slices.
const queueStart = 64

// reserve gives the empty queue room for n events: the arrays of a released queue if the
// pool has some, else new ones.
func (q *eventQueue) reserve(n int) {
	if a, _ := queuePool.Get().(*queueArrays); a != nil {
		q.h, q.ev, q.free, q.box = a.h, a.ev, a.free, a
		a.h, a.ev, a.free = nil, nil, nil
		return
	}
	q.h = make([]eventKey, 0, n)
	q.ev = make([]event, 0, n)
	q.free = make([]int32, 0, n)
}

// queueArrays are an empty queue's three arrays, handed from a released world to the next
// new one. A campaign makes a world per seed, and growing each queue's arrays anew was
// about 5 % of the bytes a seed allocates. The pool is safe for worlds running on several
// goroutines at once: a set of arrays belongs to one queue or to the pool, never both.
type queueArrays struct {
	h    []eventKey
	ev   []event
	free []int32
}

var queuePool sync.Pool // of *queueArrays, empty and zeroed

// queuePoolMax bounds the events a pooled queue holds room for: a run that grew its queue
// far beyond a campaign seed's few hundred events gives its arrays to the collector rather
// than have the pool keep them.
const queuePoolMax = 1 << 12

// release empties the queue and gives its arrays to the pool; the queue then starts again
// from nil arrays if it is used anyway. Events still queued are dropped, their references
// cleared first so that the pool keeps no closure or payload alive.
func (q *eventQueue) release() {
	if q.ev == nil || cap(q.ev) > queuePoolMax {
		q.h, q.ev, q.free, q.box = nil, nil, nil, nil
		return
	}
	clear(q.ev) // popped slots are zero already; queued ones are not
	a := q.box
	if a == nil {
		a = &queueArrays{}
	}
	a.h, a.ev, a.free = q.h[:0], q.ev[:0], q.free[:0]
	q.h, q.ev, q.free, q.box = nil, nil, nil, nil
	queuePool.Put(a)
}

// peekAt is the time of the next event; the queue must not be empty.
func (q *eventQueue) peekAt() int64 { return q.h[0].at }

// push adds e, stamping it with the next sequence number. At the limit it drops e and
// sets full instead: memory stays bounded and the run stops after the current event.
func (q *eventQueue) push(e event) {
	if p := q.add(e.at); p != nil {
		e.seq = p.seq
		*p = e
	}
}

// add queues an event due at at, stamped with the next sequence number, and returns it
// for the caller to fill in before it queues another: zero but for at and seq (free slots
// are zero), in its place in the slab, so that a hot caller builds it there instead of
// building it once and copying it in. At the limit it returns nil and sets full, as push
// drops its event.
func (q *eventQueue) add(at int64) *event {
	if q.limit > 0 && len(q.h) >= q.limit {
		q.full = true
		return nil
	}
	seq := q.seq
	q.seq++
	var slot int32
	if n := len(q.free); n > 0 {
		slot = q.free[n-1]
		q.free = q.free[:n-1]
	} else {
		slot = int32(len(q.ev))
		q.ev = append(q.ev, event{})
	}
	e := &q.ev[slot]
	e.at, e.seq = at, seq
	k := eventKey{at: at, seq: seq, slot: slot}
	if n := len(q.h); n < cap(q.h) {
		q.h = q.h[:n+1] // only the length is stored, as in take
	} else {
		q.h = append(q.h, k)
	}
	h := q.h
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / heapArity
		if !keyBefore(&k, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = k
	return e
}

// pop moves the earliest event into out; the queue must not be empty.
func (q *eventQueue) pop(out *event) {
	slot := q.take()
	*out = q.ev[slot]
	q.done(slot)
}

// take removes the earliest event from the heap and returns its slot, where the event
// stays, neither queued nor free, until done(slot): the world runs it in place rather than
// copying its hundred bytes out (a pointer to it stays readable even if a push during the
// event moves the slab, since it then points into the old array). The queue must not be
// empty.
func (q *eventQueue) take() int32 {
	h := q.h
	n := len(h) - 1
	top := h[0]
	last := h[n]
	q.h = q.h[:n] // only the length is stored: no write barrier for the array pointer
	if n == 0 {
		return top.slot
	}
	siftDown(h[:n], 0, last)
	return top.slot
}

// siftDown places k, which is to fill position i of h, at i or below it: it moves the
// least child of each key up while that child is before k. The least of four children is
// found by a two-round tournament, written out here rather than called, since a function
// that does it is too large to inline and this loop runs at every pop.
func siftDown(h []eventKey, i int, k eventKey) {
	n := len(h)
	for {
		c := heapArity*i + 1
		if c+heapArity > n {
			// Fewer than four children: they are leaves, so k goes here or there.
			if c < n {
				if c = minChildTail(h, c); keyBefore(&h[c], &k) {
					h[i] = h[c]
					i = c
				}
			}
			break
		}
		g := h[c : c+heapArity : c+heapArity]
		a, b := 0, 2
		if keyBefore(&g[1], &g[0]) {
			a = 1
		}
		if keyBefore(&g[3], &g[2]) {
			b = 3
		}
		if keyBefore(&g[b], &g[a]) {
			a = b
		}
		if !keyBefore(&g[a], &k) {
			break
		}
		c += a
		h[i] = h[c]
		i = c
	}
	h[i] = k
}

// heapArity is the number of children of a key in the heap.
const heapArity = 4

// minChildTail returns the index of the least of the keys from c to the end of h: the
// children of a key that has fewer than heapArity.
func minChildTail(h []eventKey, c int) int {
	m := c
	for j := c + 1; j < len(h); j++ {
		if keyBefore(&h[j], &h[m]) {
			m = j
		}
	}
	return m
}

// done frees the slot of an event that take returned, once it has run, dropping its
// references so that the garbage collector can reclaim them.
func (q *eventQueue) done(slot int32) {
	q.ev[slot] = event{}
	q.free = append(q.free, slot)
}

// retime moves every queued event that match selects and that falls due after at to at,
// keeping its sequence number (so those events run before anything queued at at later, in
// the order they were queued), and restores the heap. It returns how many moved.
func (q *eventQueue) retime(at int64, match func(*event) bool) int {
	moved := 0
	for i := range q.h {
		k := &q.h[i]
		if e := &q.ev[k.slot]; k.at > at && match(e) {
			e.at, k.at = at, at
			moved++
		}
	}
	if moved > 0 {
		q.heapify()
	}
	return moved
}

// heapify restores the heap order of all of q.h, from the last key that has children up.
// A heap of fewer than two keys is in order (and (len-2)/heapArity would be 0 for it).
func (q *eventQueue) heapify() {
	if len(q.h) < 2 {
		return
	}
	for i := (len(q.h) - 2) / heapArity; i >= 0; i-- {
		q.down(i)
	}
}

// down sifts the key at i towards the leaves until the heap order holds below it.
func (q *eventQueue) down(i int) { siftDown(q.h, i, q.h[i]) }

// timerTable hands out timer handles without allocation. A handle is slot<<32 | generation;
// exactly one queued event refers to a slot until that event is popped, when the slot is
// released. Stopping a timer bumps the slot's generation, so its event is skipped lazily.
type timerTable struct {
	gen  []uint32
	free []uint32
}

func (t *timerTable) alloc() uint64 {
	var slot uint32
	if n := len(t.free); n > 0 {
		slot = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		slot = uint32(len(t.gen))
		t.gen = append(t.gen, 0)
	}
	return uint64(slot)<<32 | uint64(t.gen[slot])
}

// live reports whether the timer id has neither fired nor been stopped.
func (t *timerTable) live(id uint64) bool {
	slot := id >> 32
	return slot < uint64(len(t.gen)) && t.gen[slot] == uint32(id)
}

// stop cancels id and reports whether it was pending.
func (t *timerTable) stop(id uint64) bool {
	if !t.live(id) {
		return false
	}
	t.gen[id>>32]++
	return true
}

// release frees the slot of id once its event has left the queue.
func (t *timerTable) release(id uint64) {
	slot := uint32(id >> 32)
	t.gen[slot]++
	t.free = append(t.free, slot)
}

// StopTimer implements TimerStopper for the Timers that Env.After hands out: it cancels the
// timer and reports whether it had not fired yet. Systems call Timer.Stop instead.
func (w *World) StopTimer(id uint64) bool {
	if !w.timers.stop(id) {
		return false
	}
	w.q.stopped++
	return true
}

// sweepMin is the fewest stopped timers that make a sweep worth its pass over the queue.
const sweepMin = 16

// maybeSweepTimers sweeps the queue once the timers stopped since the last sweep are at
// least half of it. Clients stop most of their timers (an operation's 5 s timeout, an
// attempt's 500 ms one, once the answer comes): left queued until they fall due they were
// four fifths of a standard seed's queue, every push and pop sifted through them, and each
// cost a pop of its own. A sweep costs a pass over the queue per half-queue of stops.
func (w *World) maybeSweepTimers() {
	if q := &w.q; q.stopped >= sweepMin && 2*q.stopped >= len(q.h) {
		w.sweepTimers()
	}
}

// sweepTimers drops the events of stopped timers from the queue, as popping them would
// (their slots released, each counted as stale), and rebuilds the heap. The order in which
// the remaining events run does not change: it is the total order of (time, sequence
// number), whatever the heap's shape.
func (w *World) sweepTimers() {
	q := &w.q
	keep := q.h[:0]
	for _, k := range q.h {
		e := &q.ev[k.slot]
		if e.kind == evTimer && !w.timers.live(e.id) {
			w.timers.release(e.id)
			*e = event{}
			q.free = append(q.free, k.slot)
			w.stats.Stale++
			continue
		}
		keep = append(keep, k)
	}
	q.h = keep
	q.heapify()
	q.stopped = 0
}
