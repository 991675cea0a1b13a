package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

func TestTimerTableReusesSlots(t *testing.T) {
	var tt timerTable
	a := tt.alloc()
	if !tt.stop(a) || tt.stop(a) {
		t.Fatal("a timer stops exactly once")
	}
	tt.release(a)
	b := tt.alloc()
	if b>>32 != a>>32 || b == a {
		t.Fatalf("slot not reused with a new generation: %x then %x", a, b)
	}
	if tt.live(a) || !tt.live(b) {
		t.Fatal("an old handle must not see the new timer")
	}
}

func TestQueueOrder(t *testing.T) {
	var q eventQueue
	ats := []int64{5, 1, 3, 1, 9, 0, 3, 7, 2, 2}
	for i, at := range ats {
		q.push(event{at: at, id: uint64(i)})
	}
	var prev event
	popped := 0
	defer func() {
		if popped != len(ats) {
			t.Fatalf("popped %d events, pushed %d", popped, len(ats))
		}
	}()
	for i := 0; q.len() > 0; i++ {
		popped++
		var e event
		q.pop(&e)
		if i > 0 && before(&e, &prev) {
			t.Fatalf("popped (%d,%d) after (%d,%d)", e.at, e.seq, prev.at, prev.seq)
		}
		if i > 0 && e.at == prev.at && e.id < prev.id {
			t.Fatalf("equal times must keep push order: %d after %d", e.id, prev.id)
		}
		prev = e
	}
}

// At its limit the queue drops the event and says so, instead of growing.
func TestQueueLimit(t *testing.T) {
	q := eventQueue{limit: 2}
	for i := range 3 {
		q.push(event{at: int64(i)})
	}
	if q.len() != 2 || !q.full {
		t.Fatalf("len %d full %v, want 2 true", q.len(), q.full)
	}
}

// Pushes and pops interleaved at random, with retimes, pop in (time, sequence) order: the
// order of a sorted list of the same events.
func TestQueueOrderAtRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var q eventQueue
	var want []event // what is queued, kept sorted by before
	for step := range 5000 {
		switch r := rng.IntN(10); {
		case r < 6 || len(want) == 0:
			e := event{at: rng.Int64N(500), id: uint64(step)}
			q.push(e)
			e.seq = q.seq - 1
			i, _ := slices.BinarySearchFunc(want, e, func(a, b event) int {
				if before(&a, &b) {
					return -1
				}
				return 1
			})
			want = slices.Insert(want, i, e)
		case r < 9:
			var e event
			q.pop(&e)
			if e.at != want[0].at || e.seq != want[0].seq {
				t.Fatalf("step %d: popped (%d,%d), want (%d,%d)", step, e.at, e.seq,
					want[0].at, want[0].seq)
			}
			want = want[1:]
		default:
			at := rng.Int64N(500)
			odd := func(e *event) bool { return e.id%2 == 1 }
			q.retime(at, odd)
			for i := range want {
				if want[i].at > at && odd(&want[i]) {
					want[i].at = at
				}
			}
			slices.SortFunc(want, func(a, b event) int {
				if before(&a, &b) {
					return -1
				}
				return 1
			})
		}
		if q.len() != len(want) {
			t.Fatalf("step %d: %d queued, want %d", step, q.len(), len(want))
		}
	}
}

// worldOfOneIdleNode returns a world with one node, n1, that does nothing by itself, and
// that node's Env, for tests that queue timers through it.
func worldOfOneIdleNode(t *testing.T) (*World, *env) {
	t.Helper()
	w, err := NewWorld(idleSys{}, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddNode("n1", nodeapi.Boot{}); err != nil {
		t.Fatal(err)
	}
	return w, w.nodes[0].env
}

// Stopped timers leave the queue in a sweep once they are half of it, without changing
// which events run or in what order, and each counts as stale as if it had been popped.
func TestStoppedTimersAreSwept(t *testing.T) {
	w, env := worldOfOneIdleNode(t)
	const n = 100
	var fired []int
	var queued []int // the queue's length as each live timer fires
	var want []int
	for i := range n {
		tm := env.After(time.Duration(i+1)*time.Millisecond, func() {
			fired = append(fired, i)
			queued = append(queued, w.q.len())
		})
		if i%7 == 3 {
			want = append(want, i)
		} else if !tm.Stop() {
			t.Fatalf("timer %d did not stop", i)
		}
	}
	if err := w.RunFor(time.Second); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	// The first event (timer 0, stopped) is popped; the sweep after it drops the other
	// stopped timers, so timer 3 fires with only the live timers after it queued.
	if queued[0] != len(want)-1 {
		t.Fatalf("%d events queued when the first live timer fired, want %d (stopped "+
			"timers swept)", queued[0], len(want)-1)
	}
	if st := w.Stats(); st.Stale != n-uint64(len(want)) || st.Timers != uint64(len(want)) {
		t.Fatalf("stale %d, timers %d; want %d and %d", st.Stale, st.Timers,
			n-len(want), len(want))
	}
	if len(w.timers.free) != n {
		t.Fatalf("%d timer slots free after the run, want all %d", len(w.timers.free), n)
	}
}

// A sweep may leave nothing queued: when every timer was stopped, the run goes on past
// them with an empty queue (a heap rebuilt from no keys must not read its first).
func TestSweepOfOnlyStoppedTimers(t *testing.T) {
	w, env := worldOfOneIdleNode(t)
	const n = 100
	for i := range n {
		tm := env.After(time.Duration(i+1)*time.Millisecond, func() {
			t.Errorf("stopped timer %d fired", i)
		})
		if !tm.Stop() {
			t.Fatalf("timer %d did not stop", i)
		}
	}
	if err := w.RunFor(time.Second); err != nil {
		t.Fatal(err)
	}
	if q := w.q.len(); q != 0 {
		t.Fatalf("%d events queued after the run, want none", q)
	}
	if st := w.Stats(); st.Stale != n {
		t.Fatalf("stale %d, want %d", st.Stale, n)
	}
}

// The heap is rebuilt correctly whatever its size, the empty and one-key heaps included.
func TestHeapifyAnySize(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 40 {
		var q eventQueue
		for i := range n {
			q.push(event{at: rng.Int64N(50), id: uint64(i)})
		}
		rng.Shuffle(len(q.h), func(i, j int) { q.h[i], q.h[j] = q.h[j], q.h[i] })
		q.heapify()
		var last event
		for i := range n {
			var e event
			q.pop(&e)
			if i > 0 && before(&e, &last) {
				t.Fatalf("size %d: popped (%d,%d) after (%d,%d)", n, e.at, e.seq, last.at,
					last.seq)
			}
			last = e
		}
	}
}

// An event taken from the queue stays where it is, neither queued nor free, while it runs:
// pushes meanwhile (enough to move the slab) neither reuse its slot nor change what it
// reads, and done frees the slot, zeroed, for the next push.
func TestTakenEventRunsInPlace(t *testing.T) {
	var q eventQueue
	q.push(event{at: 1, id: 42, kind: evAction, fn: func() {}})
	slot := q.take()
	e := &q.ev[slot]
	for i := range 200 { // grows the slab several times
		q.push(event{at: int64(10 + i), id: uint64(i)})
	}
	if e.at != 1 || e.id != 42 || e.fn == nil {
		t.Fatalf("the running event changed: %+v", *e)
	}
	for _, f := range q.free {
		if f == slot {
			t.Fatal("the running event's slot is free")
		}
	}
	q.done(slot)
	if got := q.ev[slot]; got.fn != nil || got.id != 0 || got.at != 0 {
		t.Fatalf("a done slot keeps its event: %+v", got)
	}
	q.push(event{at: 5, id: 7})
	if q.ev[slot].id != 7 {
		t.Fatal("the freed slot was not reused")
	}
	var x event
	q.pop(&x)
	if x.id != 7 || x.at != 5 {
		t.Fatalf("popped %+v, want the event at 5", x)
	}
}
