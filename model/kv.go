package model

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/anishathalye/porcupine"
)

// KeyState is the state of one key in the KV model: its value and whether it exists. The
// model is partitioned by key, so a porcupine state is one KeyState, never a whole map; an
// absent key always has Value "" (Apply keeps it so), which lets == compare states.
type KeyState struct {
	Value   string
	Present bool
}

// String renders the state the way the HTML view shows it: the quoted value, or absent.
func (s KeyState) String() string {
	if !s.Present {
		return "absent"
	}
	return fmt.Sprintf("%q", s.Value)
}

// presentMask separates a present empty value from an absent key in HashState.
const presentMask = 0x9e3779b97f4a7c15

// HashState is the model's Hash: equal states have equal hashes. It is FNV-1a with no
// per-process seed (unlike hash/maphash), so even the checker's memo table behaves the same
// in every process: nothing in a run may depend on a random seed we did not choose.
func HashState(s KeyState) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s.Value); i++ {
		h = (h ^ uint64(s.Value[i])) * 1099511628211
	}
	if s.Present {
		h ^= presentMask
	}
	return h
}

// resultMatches reports whether a completed operation's reported result is the one Apply
// gives. Only the fields that answer the operation's kind are compared, so a client that
// leaves junk in an unused field (say Value on a cas) is not blamed for it.
func resultMatches(kind Kind, want, got Result) bool {
	switch kind {
	case Get:
		return want.Found == got.Found && (!want.Found || want.Value == got.Value)
	case CAS:
		return want.OK == got.OK
	default:
		return true
	}
}

// step is the sequential specification of one key. An unknown outcome is accepted
// whatever the state: the checker still applies it, and porcupine also tries the
// linearizations where it has not happened yet, which, since it returns at +infinity,
// includes "never happened".
func step(state, input, output any) (bool, any) {
	st := state.(KeyState)
	op := input.(Op)
	out := output.(Outcome)
	value, present, res := Apply(st.Value, st.Present, op)
	if !out.Unknown && !resultMatches(op.Kind, res, out.Result) {
		return false, state
	}
	if value == st.Value && present == st.Present {
		// Reuse the boxed state: reads are half the workload and this saves an allocation.
		return true, state
	}
	return true, KeyState{Value: value, Present: present}
}

// DescribeOperation renders an operation with its outcome for the HTML view, for example
// `put(k1, "x")`, `get(k1) -> "x"`, `get(k1) -> absent`, `cas(k1, "a"->"b") -> ok` and
// `append(k1, "x") -> ?` for an outcome the client never learnt.
func DescribeOperation(op Op, out Outcome) string {
	switch {
	case out.Unknown:
		return op.String() + " -> ?"
	case op.Kind == Get:
		return op.String() + " -> " + KeyState{out.Result.Value, out.Result.Found}.String()
	case op.Kind == CAS && out.Result.OK:
		return op.String() + " -> ok"
	case op.Kind == CAS:
		return op.String() + " -> fail"
	default:
		return op.String()
	}
}

// KVModel returns the porcupine model of the KV store: inputs are Op, outputs Outcome,
// and the state of a partition (one key) is a KeyState. Apply is the single source of
// semantics. Partition and PartitionEvent split a history by key in sorted key order,
// which Check relies on to name the keys that failed.
func KVModel() porcupine.Model {
	return porcupine.Model{
		Partition:      partitionOps,
		PartitionEvent: partitionEvents,
		Init:           func() any { return KeyState{} },
		Step:           step,
		Equal:          func(a, b any) bool { return a.(KeyState) == b.(KeyState) },
		Hash:           func(s any) uint64 { return HashState(s.(KeyState)) },
		DescribeOperation: func(in, out any) string {
			return DescribeOperation(in.(Op), out.(Outcome))
		},
		DescribeState: func(s any) string { return s.(KeyState).String() },
	}
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
