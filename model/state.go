package model

import "fmt"

// The workload's state functions with their defaults: Equal and Hash derived from the
// rendered state when the Spec gives none.

// renderState renders a state for the derived Equal and Hash: DescribeState, or %#v.
func (w *Workload) renderState(s any) string {
	if w.Spec.DescribeState != nil {
		return w.Spec.DescribeState(s)
	}
	return fmt.Sprintf("%#v", s)
}

// equal is Spec.Equal, or equality of the rendered states.
func (w *Workload) equal() func(a, b any) bool {
	if w.Spec.Equal != nil {
		return w.Spec.Equal
	}
	return func(a, b any) bool { return w.renderState(a) == w.renderState(b) }
}

// hash is Spec.Hash, or the FNV-1a hash of the rendered state (no per-process seed).
func (w *Workload) hash() func(s any) uint64 {
	if w.Spec.Hash != nil {
		return w.Spec.Hash
	}
	return func(s any) uint64 { return hashString(w.renderState(s)) }
}

// hashString is FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}
