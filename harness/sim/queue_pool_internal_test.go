package sim

import "testing"

// A released queue hands over arrays that hold no reference to its events, and goes on
// working from fresh arrays if used anyway.
func TestQueueReleaseClearsAndGoesOn(t *testing.T) {
	var q eventQueue
	q.reserve(4)
	ran := 0
	for i := range 6 {
		q.push(event{at: int64(i), fn: func() { ran++ }, kind: evAction})
	}
	var e event
	q.pop(&e)
	slab := q.ev[:cap(q.ev)]
	q.release()
	for i := range slab {
		if slab[i].fn != nil || slab[i].at != 0 {
			t.Fatalf("slot %d of the released slab still holds an event", i)
		}
	}
	if q.len() != 0 || q.h != nil || q.ev != nil || q.free != nil {
		t.Fatal("a released queue keeps no arrays")
	}
	q.release() // twice is harmless
	q.push(event{at: 7, kind: evAction})
	q.push(event{at: 3, kind: evAction})
	q.pop(&e)
	if e.at != 3 || q.len() != 1 {
		t.Fatalf("after release: popped at %d with %d left, want 3 and 1", e.at, q.len())
	}
}

// A queue made after a release starts empty whatever the pool gives it, and two queues
// never share arrays.
func TestQueueReserveAfterRelease(t *testing.T) {
	for range 20 {
		var a, b eventQueue
		a.reserve(queueStart)
		b.reserve(queueStart)
		for i := range 100 {
			a.push(event{at: int64(i)})
			b.push(event{at: int64(100 - i)})
		}
		if &a.ev[0] == &b.ev[0] || &a.h[0] == &b.h[0] {
			t.Fatal("two live queues share an array")
		}
		a.release()
		var c eventQueue
		c.reserve(queueStart)
		if c.len() != 0 || len(c.ev) != 0 || len(c.free) != 0 {
			t.Fatalf("a new queue starts with %d keys, %d events, %d free slots", c.len(),
				len(c.ev), len(c.free))
		}
		c.push(event{at: 5})
		var e event
		b.pop(&e)
		if e.at != 1 {
			t.Fatalf("the live queue popped %d, want 1: its arrays were reused", e.at)
		}
		b.release()
		c.release()
	}
}

// Oversized arrays go to the collector, not the pool.
func TestQueueReleaseDropsLargeArrays(t *testing.T) {
	var q eventQueue
	for i := range queuePoolMax + 1 {
		q.push(event{at: int64(i)})
	}
	q.release()
	if q.ev != nil || q.box != nil {
		t.Fatal("a released queue keeps its arrays")
	}
}
