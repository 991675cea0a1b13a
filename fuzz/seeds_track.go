package fuzz

import (
	"fmt"
	"sync"
	"testing"

	"github.com/simfuzz/simfuzz/harness/sim"
)

// Track registers w as a world of the current seed's run. Under
// SIMFUZZ_CHECK_DETERMINISM=1 the seed loop runs each seed twice and compares the worlds
// tracked by the two runs, in order, by event count and trace hash (and, with
// Options.RecordTrace, names the first differing event). Elsewhere Track does nothing.
func Track(t testing.TB, w *sim.World) { tracker.add(t, w) }

// tracker holds the worlds of the seed runs being checked. It is the one piece of shared
// state in the package, touched only by test goroutines, so it has a lock.
var tracker = &trackRegistry{m: map[testing.TB][]*sim.World{}}

type trackRegistry struct {
	mu sync.Mutex
	m  map[testing.TB][]*sim.World
}

func (r *trackRegistry) start(t testing.TB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[t] = []*sim.World{}
}

func (r *trackRegistry) stop(t testing.TB) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, t)
}

func (r *trackRegistry) add(t testing.TB, w *sim.World) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ws, ok := r.m[t]; ok {
		r.m[t] = append(ws, w)
	}
}

// take returns and forgets the worlds tracked so far for t.
func (r *trackRegistry) take(t testing.TB) []*sim.World {
	r.mu.Lock()
	defer r.mu.Unlock()
	ws := r.m[t]
	r.m[t] = []*sim.World{}
	return ws
}

// compareTracked describes the first difference between two runs' worlds, or "".
func compareTracked(a, b []*sim.World) string {
	if len(a) != len(b) {
		return fmt.Sprintf("the runs tracked %d and %d worlds", len(a), len(b))
	}
	if len(a) == 0 {
		return "" // nothing tracked: the body does not call Track
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.TraceHash() == y.TraceHash() && x.Events() == y.Events() {
			continue
		}
		msg := fmt.Sprintf("world %d: trace hash %#x vs %#x, %d vs %d events", i,
			x.TraceHash(), y.TraceHash(), x.Events(), y.Events())
		if d := sim.DescribeTraceDiff(x.Trace(), y.Trace()); d != "" {
			msg += "\n" + d
		}
		return msg
	}
	return ""
}
