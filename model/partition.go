package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/anishathalye/porcupine"
)

// Model returns the porcupine model of the workload: inputs are Op, outputs Outcome, and the
// state of a partition (one key) is whatever Spec keeps. Partition and PartitionEvent split a
// history by key in sorted key order, which Check relies on to name the keys that failed.
func (w *Workload) Model() porcupine.Model {
	return porcupine.Model{
		Partition:      partitionOps,
		PartitionEvent: partitionEvents,
		Init:           w.Spec.Init,
		Step: func(state, input, output any) (bool, any) {
			return w.Spec.Step(state, input.(Op), output.(Outcome))
		},
		Equal: w.equal(),
		Hash:  w.hash(),
		DescribeOperation: func(in, out any) string {
			return w.Describe(in.(Op), out.(Outcome))
		},
		DescribeState: w.describeState,
	}
}

func (w *Workload) describeState(s any) string {
	if w.Spec.DescribeState == nil {
		return fmt.Sprint(s)
	}
	return w.Spec.DescribeState(s)
}

// partitionOps splits a history by key, keys in sorted order and each key's operations in
// history order, so that partition i always belongs to the i-th smallest key. The
// partitions share one backing array: this runs on every check of every run.
func partitionOps(history []porcupine.Operation) [][]porcupine.Operation {
	count := make(map[string]int)
	for _, op := range history {
		count[op.Input.(Op).Key]++
	}
	keys := sortedKeys(count)
	next := make(map[string]int, len(keys)) // where the key's next operation goes
	offset := 0
	for _, k := range keys {
		next[k] = offset
		offset += count[k]
	}
	backing := make([]porcupine.Operation, len(history))
	for _, op := range history {
		key := op.Input.(Op).Key
		backing[next[key]] = op
		next[key]++
	}
	parts := make([][]porcupine.Operation, len(keys))
	offset = 0
	for i, k := range keys {
		parts[i] = backing[offset : offset+count[k] : offset+count[k]]
		offset += count[k]
	}
	return parts
}

// partitionEvents is partitionOps for the event form: a return event carries no input, so
// its key is the key of the call with the same Id. A return with no call breaks porcupine's
// own input contract; it panics here with a message rather than deep inside the checker.
func partitionEvents(history []porcupine.Event) [][]porcupine.Event {
	keyOf := make(map[int]string)
	for _, ev := range history {
		if ev.Kind == porcupine.CallEvent {
			keyOf[ev.Id] = ev.Value.(Op).Key
		}
	}
	byKey := make(map[string][]porcupine.Event)
	for _, ev := range history {
		key, ok := keyOf[ev.Id]
		if !ok {
			panic(fmt.Sprintf("model: return event with id %d has no call event", ev.Id))
		}
		byKey[key] = append(byKey[key], ev)
	}
	keys := sortedKeys(byKey)
	parts := make([][]porcupine.Event, len(keys))
	for i, k := range keys {
		parts[i] = byKey[k]
	}
	return parts
}

// sortedKeys returns a map's keys in sorted order, so no map order reaches a result.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }
