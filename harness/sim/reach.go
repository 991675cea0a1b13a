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

func (w *World) reached(n *node, event string) {
	if w.events == nil {
		w.events = map[string]uint64{}
		w.steps = map[[2]string]uint64{}
	}
	if _, known := w.events[event]; !known &&
		(len(event) == 0 || len(event) > nodeapi.MaxEventName || len(w.events) >= MaxEventNames) {
		event = EventOverflow
	}
	w.events[event]++
	if n.lastEvent != "" {
		w.steps[[2]string{n.lastEvent, event}]++
	}
	n.lastEvent = event
	if w.onReach != nil {
		w.onReach(n.id, event)
	}
}

// Steps returns how often a node reported event b right after event a, keyed "a>b": the
// order in which nodes pass through their states, which counts alone do not show.
func (w *World) Steps() map[string]uint64 {
	out := make(map[string]uint64, len(w.steps))
	for k, c := range w.steps {
		out[k[0]+">"+k[1]] = c
	}
	return out
}

// SetOnReach installs the hook that hears every event a server node reports, with the node.
// It runs inside the node's event: it may schedule work (After) but must not act on nodes.
func (w *World) SetOnReach(f func(id nodeapi.NodeID, event string)) { w.onReach = f }

// Reached returns how often each event was reported so far.
func (w *World) Reached() map[string]uint64 { return maps.Clone(w.events) }

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
