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

// provenLinearizable reports whether every key of keys (sorted, as keyCounts returns them,
// with counts[i] operations on keys[i]) is linearizable within maxStepBudget model steps of
// porcupine's search: exactly when Check's porcupine search would pass the history.
func (w *Workload) provenLinearizable(history []Operation, keys []string, counts []int) bool {
	start, byKey := groupByKey(history, keys, counts)
	var s *searcher
	var scratch []int32
	for k := range keys {
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

// groupByKey groups the operations' indexes by key, in history order, in one array: the
// operations on keys[k] are byKey[start[k]:start[k+1]].
func groupByKey(history []Operation, keys []string, counts []int) (start []int,
	byKey []int32) {
	start = make([]int, len(keys)+1)
	for i, c := range counts {
		start[i+1] = start[i] + c
	}
	next := slices.Clone(start[:len(keys)])
	byKey = make([]int32, len(history))
	for i, o := range history {
		k, _ := slices.BinarySearch(keys, o.Op.Key)
		byKey[next[k]] = int32(i)
		next[k]++
	}
	return start, byKey
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
