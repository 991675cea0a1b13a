package model

import (
	"cmp"
	"slices"
)

// Check proves keys linearizable before it asks porcupine, which then searches only when
// some key fails or needs more steps than the budget allows. A key whose operations are
// sequential, each returning before the next is called, has one order that respects real
// time: linearizable exactly when the model accepts the operations in that order, which one
// model step per operation shows (the liveness probe and the stability window's probes, one
// at a time on a key of their own, are the common case; so are the keys of a client that
// alone touched them). Any other key is searched as porcupine searches it (searcher).

// provenLinearizable reports whether every key of the history (indexed by ki) is
// linearizable within maxStepBudget model steps of porcupine's search: exactly when Check's
// porcupine search would pass the history.
func (w *Workload) provenLinearizable(history []Operation, ki keyIndex) bool {
	start, byKey := ki.groups()
	var s *searcher
	var scratch []int32
	for k := range ki.keys {
		idx := byKey[start[k]:start[k+1]]
		scratch = append(scratch[:0], idx...)
		if w.sequentialLegal(history, scratch) {
			continue
		}
		if s == nil {
			s = newSearcher(w)
		}
		if !s.linearizable(history, idx, maxStepBudget) {
			return false
		}
	}
	return true
}

// sequentialLegal reports whether the operations idx of history are sequential and the
// model accepts them in call order. It sorts idx by call time. Anything else, an operation
// called before the previous one returned (Unknown outcomes return Never), two that touch
// at an instant (concurrent, as porcupine has them), or a step the model refuses, leaves
// the key to the search.
func (w *Workload) sequentialLegal(history []Operation, idx []int32) bool {
	slices.SortStableFunc(idx, func(a, b int32) int {
		return cmp.Compare(history[a].Call, history[b].Call)
	})
	state := w.Spec.Init()
	for j, i := range idx {
		o := &history[i]
		if j+1 < len(idx) && (o.Outcome.Unknown || o.Return >= history[idx[j+1]].Call) {
			return false
		}
		ok, after := w.Spec.Step(state, o.Op, o.Outcome)
		if !ok {
			return false
		}
		state = after
	}
	return true
}
