package sim

import (
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Limits of what the world keeps of reported events: a system that builds event names from
// indexes would otherwise grow the table without bound. Events past the limits are counted
// under EventOverflow.
// The length of one name is bounded by nodeapi.MaxEventName.
const (
	MaxEventNames = 256
	// EventOverflow counts the reports that broke the limits above.
	EventOverflow = "(overflow)"
)

var _ nodeapi.Reporter = (*env)(nil)

// Reached implements Reporter: the world counts the event and the node's step from its
// previous event to this one (coverage), and tells the runner, whose triggers may react
// once the current event is over.
func (e *env) Reached(event string) {
	if !e.live() || e.n.client {
		return
	}
	e.w.inWorld++
	e.w.reached(e.n, event)
	e.w.inWorld--
}

// reachCounts counts the reported events by a small index per name, and the steps between
// them by a pair of indexes: a step keyed by its two names hashed both strings on every
// report. The string-keyed tables are built when asked for (Reached, Steps).
type reachCounts struct {
	index  map[string]int32 // a name's index in events
	events []reachCount
	steps  map[uint64]uint64 // index of a<<32 | index of b: how often b came right after a
}

// reachCount is how often one event was reported.
type reachCount struct {
	name string
	n    uint64
}

// reachStart is the room for event names the table starts with: a system reports some
// dozens, and one array for them spares the doublings of a growing one.
const reachStart = 32

// indexOf returns the index of event, adding it if it is new.
func (r *reachCounts) indexOf(event string) int32 {
	if i, ok := r.index[event]; ok {
		return i
	}
	if r.index == nil {
		r.index, r.steps = map[string]int32{}, map[uint64]uint64{}
		r.events = make([]reachCount, 0, reachStart)
	}
	i := int32(len(r.events))
	r.index[event] = i
	r.events = append(r.events, reachCount{name: event})
	return i
}

func (w *World) reached(n *node, event string) {
	r := &w.reach
	i, known := r.index[event]
	if !known {
		if len(event) == 0 || len(event) > nodeapi.MaxEventName || len(r.events) >= MaxEventNames {
			event = EventOverflow
		}
		i = r.indexOf(event)
	}
	r.events[i].n++
	if n.lastEvent != 0 {
		r.steps[uint64(n.lastEvent-1)<<32|uint64(i)]++
	}
	n.lastEvent = i + 1
	if w.onReach != nil {
		w.onReach(n.id, event)
	}
}

// Steps returns how often a node reported event b right after event a, keyed "a>b": the
// order in which nodes pass through their states, which counts alone do not show.
func (w *World) Steps() map[string]uint64 {
	r := &w.reach
	out := make(map[string]uint64, len(r.steps))
	for k, c := range r.steps {
		out[r.events[k>>32].name+">"+r.events[uint32(k)].name] = c
	}
	return out
}

// SetOnReach installs the hook that hears every event a server node reports, with the node.
// It runs inside the node's event: it may schedule work (After) but must not act on nodes.
func (w *World) SetOnReach(f func(id nodeapi.NodeID, event string)) { w.onReach = f }

// Reached returns how often each event was reported so far.
func (w *World) Reached() map[string]uint64 {
	r := &w.reach
	if r.events == nil {
		return nil
	}
	out := make(map[string]uint64, len(r.events))
	for _, e := range r.events {
		out[e.name] = e.n
	}
	return out
}

// EventNames returns the names of a count table in sorted order, for stable reports.
func EventNames[V any](counts map[string]V) []string {
	return slices.Sorted(maps.Keys(counts))
}

// Report records event for server id as if the node had reported it itself (see
// nodeapi.Reporter): harness code uses it for what it observes from outside, such as
// EventLeaderElected. An unknown id is ignored.
func (w *World) Report(id nodeapi.NodeID, event string) {
	if n, err := w.lookup(id); err == nil {
		w.reached(n, event)
	}
}
