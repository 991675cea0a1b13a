package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Workload is what the checker and the reports need to know of a system's operations: their
// kinds, the sequential specification of one object, how an operation reads, and the
// operation the liveness phase probes with. The key-value workload (KV) is the default; a
// system with other semantics (a lock service, a queue, a single register) supplies its own,
// and the rest of the tool chain, from scenario files to the HTML view, follows it.
//
// Histories are checked per object: the operations with the same Op.Key form one
// partition. A workload without keys (a single counter, one queue) leaves Key empty in
// every operation and is checked as one object; scenario files may then omit "key".
type Workload struct {
	// Name identifies the workload in error messages.
	Name string
	// Kinds describes each operation kind: Kinds[k-1] is Kind k (see KindsOf, which builds
	// it from the nodeapi.Kinds list the system's code uses).
	Kinds []KindSpec
	// Spec is the sequential specification of one object.
	Spec Spec
	// Format renders an operation without its outcome, for scenarios and reports.
	Format func(Op) string
	// Describe renders an operation with its outcome, for reports and the HTML view.
	Describe func(Op, Outcome) string
	// Probe is the operation the liveness phase issues once every fault is healed, and the
	// stability window repeats; it must be acknowledged in time. It may be of any kind: a
	// write on a key the generators never use (the key-value workload's ProbeKey), or an
	// operation on the workload's own object, a read of the single register, say, which
	// needs no reserved key. The harness marks its operations in the history
	// (Operation.Probe): they are checked with the rest and counted apart in reports.
	Probe Op
	// Objects is the plural noun for what Op.Key names, used in reports ("keys", "locks",
	// "queues"); empty means "objects".
	Objects string
}

// KindSpec describes one operation kind.
type KindSpec struct {
	// Name is the kind's name in scenario files, lower case.
	Name string
	// Write is whether the kind can change state. Any kind may end Unknown (the checker
	// then allows any effect of it, or none); only a write's Unknown leaves room for an
	// effect.
	Write bool
}

// KindsOf builds a workload's kind table from the system's vocabulary, in its order, so
// Kind k means the same in node code, scenario files and the checker; writes names the
// kinds that can change state. It panics on a write name the vocabulary lacks (a typo in a
// package-level declaration).
func KindsOf(vocabulary nodeapi.Kinds, writes ...string) []KindSpec {
	out := make([]KindSpec, len(vocabulary))
	for i, name := range vocabulary {
		out[i] = KindSpec{Name: name, Write: slices.Contains(writes, name)}
	}
	for _, w := range writes {
		if vocabulary.Of(w) == 0 {
			panic(fmt.Sprintf("model.KindsOf: write kind %q is not in %v", w, vocabulary))
		}
	}
	return out
}

// Spec is the sequential specification of one object: porcupine's model of one partition,
// with typed inputs.
//
// States are values. Porcupine keeps the states it reaches and steps from an old one again
// when it backtracks, so Step must return a new state and never change the one it is given,
// nor anything that state shares: a slice's backing array (append may write into it), a
// map, a pointer's target. A Step that mutates its input breaks the check silently (wrong
// verdicts, never a crash). Keep states immutable (strings, numbers, structs of them) or
// copy before changing; call CheckSpec from a test to catch a Step that mutates.
type Spec struct {
	// Init is the state of an object nobody has touched.
	Init func() any
	// Step applies op to state and reports whether out is a result it could give, with the
	// state after it: a new value, or state itself when nothing changed. An Unknown
	// outcome must be accepted whatever the state (the op may or may not apply).
	Step func(state any, op Op, out Outcome) (bool, any)
	// Equal and Hash compare and hash states; Hash must not depend on a per-process seed.
	// Either may be nil: it is then derived from the rendered state (DescribeState, or
	// %#v without it), two states being equal when they render alike. That needs a
	// rendering that tells every two different states apart, and states without pointers
	// (%#v prints a pointer's address); give both for speed on large states.
	Equal func(a, b any) bool
	Hash  func(state any) uint64
	// DescribeState renders a state for the HTML view.
	DescribeState func(state any) string
}

// ParseKind returns the kind with the given name.
func (w *Workload) ParseKind(name string) (Kind, error) {
	for i, k := range w.Kinds {
		if k.Name == name {
			return Kind(i + 1), nil
		}
	}
	names := make([]string, len(w.Kinds))
	for i, k := range w.Kinds {
		names[i] = k.Name
	}
	return 0, fmt.Errorf("unknown operation kind %q (the %s workload has %s)", name, w.Name,
		strings.Join(names, ", "))
}

// ValidKind reports whether k is one of the workload's kinds.
func (w *Workload) ValidKind(k Kind) bool { return k >= 1 && int(k) <= len(w.Kinds) }

// KindName returns the name of k, or kind(N) for an invalid one.
func (w *Workload) KindName(k Kind) string {
	if w.ValidKind(k) {
		return w.Kinds[k-1].Name
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Kind returns the kind named name; it panics when the workload lacks it, for generator and
// test code that names kinds in literals (ParseKind is for names read from files).
func (w *Workload) Kind(name string) Kind {
	k, err := w.ParseKind(name)
	if err != nil {
		panic("model: " + err.Error())
	}
	return k
}

// IsWrite reports whether an operation of kind k can change state.
func (w *Workload) IsWrite(k Kind) bool { return w.ValidKind(k) && w.Kinds[k-1].Write }

// Validate reports what makes a workload unusable, naming the missing piece.
func (w *Workload) Validate() error {
	switch {
	case w == nil:
		return fmt.Errorf("workload: nil")
	case w.Name == "":
		return fmt.Errorf("workload: no name")
	case len(w.Kinds) == 0 || len(w.Kinds) > 255:
		return fmt.Errorf("workload %s: %d kinds (want 1 to 255)", w.Name, len(w.Kinds))
	case w.Spec.Init == nil || w.Spec.Step == nil:
		return fmt.Errorf("workload %s: Spec needs Init and Step", w.Name)
	case w.Format == nil || w.Describe == nil:
		return fmt.Errorf("workload %s: Format and Describe are required", w.Name)
	case !w.ValidKind(w.Probe.Kind):
		return fmt.Errorf("workload %s: the probe's kind %d is not one of the workload's",
			w.Name, w.Probe.Kind)
	}
	return nil
}

// FormatOperation renders a recorded operation for reports, e.g. `c1 [10, 25] get(k1) -> "x"`.
func (w *Workload) FormatOperation(o Operation) string {
	ret := fmt.Sprint(o.Return)
	if o.Outcome.Unknown || o.Return == Never {
		ret = "inf"
	}
	return fmt.Sprintf("c%d [%d, %s] %s", o.ClientID, o.Call, ret, w.Describe(o.Op, o.Outcome))
}
