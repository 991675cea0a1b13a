package model

import (
	"fmt"
	"strings"
)

// Workload is what the checker and the reports need to know of a system's operations: their
// kinds, the sequential specification of one key, how an operation reads, and the write the
// liveness phase probes with. The key-value workload (KV) is the default; a system with other
// semantics (a lock service, a queue) supplies its own, and the rest of the tool chain, from
// scenario files to the HTML view, follows it.
type Workload struct {
	// Name identifies the workload in error messages.
	Name string
	// Kinds describes each operation kind: Kinds[k-1] is Kind k.
	Kinds []KindSpec
	// Spec is the sequential specification of one key; histories are checked per key.
	Spec Spec
	// Format renders an operation without its outcome, for scenarios and reports.
	Format func(Op) string
	// Describe renders an operation with its outcome, for reports and the HTML view.
	Describe func(Op, Outcome) string
	// Probe is the write the liveness phase issues once every fault is healed; it must be
	// acknowledged in time. Its Key should be one the generators never use.
	Probe Op
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

// Spec is the sequential specification of one key: porcupine's model of one partition, with
// typed inputs. States must be comparable with Equal and hashed consistently with it.
type Spec struct {
	// Init is the state of a key nobody has touched.
	Init func() any
	// Step applies op to state and reports whether out is a result it could give. An
	// Unknown outcome must be accepted whatever the state (the op may or may not apply).
	Step func(state any, op Op, out Outcome) (bool, any)
	// Equal and Hash compare and hash states; Hash must not depend on a per-process seed.
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
	case w.Spec.Init == nil || w.Spec.Step == nil || w.Spec.Equal == nil || w.Spec.Hash == nil:
		return fmt.Errorf("workload %s: Spec needs Init, Step, Equal and Hash", w.Name)
	case w.Format == nil || w.Describe == nil:
		return fmt.Errorf("workload %s: Format and Describe are required", w.Name)
	case !w.IsWrite(w.Probe.Kind):
		return fmt.Errorf("workload %s: the probe must be a write kind", w.Name)
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
