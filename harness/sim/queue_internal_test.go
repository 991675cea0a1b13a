package sim

import (
	"testing"
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
