package realrt

import (
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// timerTable hands out the endpoint's timers. A timer fires on a helper goroutine (the
// runtime's time.AfterFunc), which only posts the callback to the loop; the posted callback
// runs f only if the timer is still in the table, so a Stop made on the loop before the
// callback runs wins even when the wall-clock timer has already fired.
type timerTable struct {
	l    *loop
	mu   sync.Mutex
	next uint64
	live map[uint64]*time.Timer
	done bool
}

var _ nodeapi.TimerStopper = (*timerTable)(nil)

func newTimerTable(l *loop) *timerTable {
	return &timerTable{l: l, live: map[uint64]*time.Timer{}}
}

// after arms a timer that runs f on the loop once d has passed.
func (t *timerTable) after(d time.Duration, f func()) nodeapi.Timer {
	if f == nil {
		return nodeapi.Timer{}
	}
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return nodeapi.Timer{}
	}
	t.next++
	id := t.next
	t.live[id] = nil // reserved: a Stop before AfterFunc returns still finds it
	t.mu.Unlock()
	fire := func() {
		t.l.post(func() {
			if t.take(id) {
				f()
			}
		})
	}
	wt := time.AfterFunc(max(d, 0), fire)
	t.mu.Lock()
	if _, ok := t.live[id]; ok {
		t.live[id] = wt
	} else {
		wt.Stop() // stopped meanwhile
	}
	t.mu.Unlock()
	return nodeapi.NewTimer(t, id)
}

// take removes timer id and reports whether it was still pending.
func (t *timerTable) take(id uint64) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.live[id]
	delete(t.live, id)
	return ok
}

// StopTimer implements nodeapi.TimerStopper.
func (t *timerTable) StopTimer(id uint64) bool {
	t.mu.Lock()
	wt, ok := t.live[id]
	delete(t.live, id)
	t.mu.Unlock()
	if wt != nil {
		wt.Stop()
	}
	return ok
}

// pending counts the armed timers (for tests and stats).
func (t *timerTable) pending() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.live)
}

// stopAll cancels every timer and refuses new ones: the endpoint is going away.
func (t *timerTable) stopAll() { t.cancel(true) }

// cancelAll cancels every armed timer (an incarnation ended) and keeps taking new ones.
func (t *timerTable) cancelAll() { t.cancel(false) }

func (t *timerTable) cancel(refuse bool) {
	t.mu.Lock()
	live := t.live
	t.live = map[uint64]*time.Timer{}
	t.done = t.done || refuse
	t.mu.Unlock()
	for _, wt := range live {
		if wt != nil {
			wt.Stop()
		}
	}
}
