package sim

import (
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// buggifyState is which buggify sites are active in the run and how often each fired. The
// activation is fixed for the whole run (Options.Buggify); whether an active site fires on
// one call is drawn from the calling incarnation's own buggify stream ("buggify/n1/2"), so
// turning sites on or off disturbs no other stream of the run.
type buggifyState struct {
	active []string // sorted, without repeats
	fired  map[string]uint64
}

func newBuggifyState(sites []string) *buggifyState {
	if len(sites) == 0 {
		return nil
	}
	active := slices.Compact(slices.Sorted(slices.Values(sites)))
	return &buggifyState{active: active, fired: map[string]uint64{}}
}

// on reports whether site is active. A system asks after most of its inputs, with one of
// a few constant strings: a walk that compares lengths first is cheaper than a binary
// search comparing strings that share their prefix, unless many sites are on.
func (b *buggifyState) on(site string) bool {
	if len(b.active) > 8 {
		_, found := slices.BinarySearch(b.active, site)
		return found
	}
	for _, s := range b.active {
		if s == site {
			return true
		}
	}
	return false
}

var _ nodeapi.Buggifier = (*env)(nil)

// Buggify implements nodeapi.Buggifier: an inactive site (or a call from an ended
// incarnation) never fires and draws nothing; an active one fires with probability p,
// drawn from the incarnation's buggify stream. A firing is a trace event of its own and is
// counted per site (World.Buggified).
func (e *env) Buggify(site string, p float64) bool {
	w := e.w
	if w.bug == nil || !e.live() || !w.bug.on(site) || p <= 0 {
		return false
	}
	if e.bugRng == nil {
		prefix := "buggify/"
		if e.n.client {
			prefix = "buggify-client/"
		}
		e.bugRng = w.newRand(incName(prefix, e.n.id, e.inc))
	}
	if p < 1 && e.bugRng.Float64() >= p {
		return false
	}
	w.bug.fired[site]++
	w.emitNode(KindBuggify, e.n, 0, site)
	return true
}

// Buggified returns how often each active buggify site fired so far (sites that never
// fired are left out); nil when no site is active.
func (w *World) Buggified() map[string]uint64 {
	if w.bug == nil {
		return nil
	}
	return maps.Clone(w.bug.fired)
}
