package model

import (
	"fmt"

	"github.com/anishathalye/porcupine"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
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
func step(state any, op Op, out Outcome) (bool, any) {
	st := state.(KeyState)
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
		return kv.Format(op) + " -> ?"
	case op.Kind == Get:
		return kv.Format(op) + " -> " + KeyState{out.Result.Value, out.Result.Found}.String()
	case op.Kind == CAS && out.Result.OK:
		return kv.Format(op) + " -> ok"
	case op.Kind == CAS:
		return kv.Format(op) + " -> fail"
	default:
		return kv.Format(op)
	}
}

// ProbeKey is the key of the liveness probe write; generators never use it.
const ProbeKey = "__probe"

// KV is the key-value workload: get, put, append, cas and delete over string keys, with
// kv.Apply as the single source of semantics. It is the default workload.
var KV = &Workload{
	Name: "kv",
	Kinds: []KindSpec{{Name: "get"}, {Name: "put", Write: true},
		{Name: "append", Write: true}, {Name: "cas", Write: true},
		{Name: "delete", Write: true}},
	Spec: Spec{
		Init:          func() any { return KeyState{} },
		Step:          step,
		Equal:         func(a, b any) bool { return a.(KeyState) == b.(KeyState) },
		Hash:          func(s any) uint64 { return HashState(s.(KeyState)) },
		DescribeState: func(s any) string { return s.(KeyState).String() },
	},
	Format:   kv.Format,
	Describe: DescribeOperation,
	Probe:    Op{Kind: kv.Put, Key: ProbeKey, Value: "probe"},
	Objects:  "keys",
}

// KVModel returns the porcupine model of the key-value workload (KV.Model()).
func KVModel() porcupine.Model { return KV.Model() }
