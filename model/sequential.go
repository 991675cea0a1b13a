package model

import (
	"cmp"
	"slices"
)

// A key whose operations are sequential, each returning before the next is called, has one
// order that respects real time: linearizable exactly when the model accepts the operations
// in that order. Check proves such keys by stepping the model once per operation, without
// porcupine's search and its allocations, and hands porcupine only the other keys. The
// liveness probe and the stability window's probes, one at a time on a key of their own, are
// the common case; so are the keys of a client that alone touched them.

// sequentialKeys reports for each key of keys (sorted, as keyCounts returns them, with
// counts[i] operations on keys[i]) whether its operations are sequential and legal in their
// one order. Anything else, an operation called before the previous one returned (Unknown
// outcomes return Never), two that touch at an instant (concurrent, as porcupine has
// them), or a step the model refuses, leaves the key to porcupine, which decides it and
// explains a failure.
func (w *Workload) sequentialKeys(history []Operation, keys []string, counts []int) []bool {
	// Group the operations' indexes by key, in history order, with one array.
	start := make([]int, len(keys)+1)
	for i, c := range counts {
		start[i+1] = start[i] + c
	}
	next := slices.Clone(start[:len(keys)])
	byKey := make([]int32, len(history))
	for i, o := range history {
		k, _ := slices.BinarySearch(keys, o.Op.Key)
		byKey[next[k]] = int32(i)
		next[k]++
	}
	proven := make([]bool, len(keys))
	for k := range keys {
		proven[k] = w.sequentialLegal(history, byKey[start[k]:start[k+1]])
	}
	return proven
}

// sequentialLegal reports whether the operations idx of history are sequential and the
// model accepts them in call order. It sorts idx by call time.
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

// without returns the operations of history whose key is not proven, with the keys and
// counts of what is left.
func without(history []Operation, keys []string, counts []int, proven []bool) (
	[]Operation, []string, []int) {
	var restKeys []string
	var restCounts []int
	n := 0
	for k, p := range proven {
		if !p {
			restKeys = append(restKeys, keys[k])
			restCounts = append(restCounts, counts[k])
			n += counts[k]
		}
	}
	rest := make([]Operation, 0, n)
	for _, o := range history {
		if _, found := slices.BinarySearch(restKeys, o.Op.Key); found {
			rest = append(rest, o)
		}
	}
	return rest, restKeys, restCounts
}
