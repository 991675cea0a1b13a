package model

import (
	"fmt"
	"strings"
)

// How reports speak of the objects a history's operations act on (its keys, or the one
// object of a workload without keys) and of the probe's operations.

// isProbe reports whether o is one of the probe's operations: marked so by the harness, or
// on the workload's reserved probe key (a history recorded without the marks).
func (w *Workload) isProbe(o *Operation) bool {
	return o.Probe || (w.Probe.Key != "" && o.Op.Key == w.Probe.Key)
}

// countObjects counts the distinct keys of the operations that are not the probe's, and
// the probe's operations; keyless says that every operation, the probe's included, acts on
// the empty key (a workload without keys). ki indexes the history's keys.
func (w *Workload) countObjects(history []Operation, ki keyIndex) (objects, probes int,
	keyless bool) {
	seen := make([]bool, len(ki.keys))
	keyless = len(ki.keys) == 1 && ki.keys[0] == ""
	for i := range history {
		if w.isProbe(&history[i]) {
			probes++
			continue
		}
		if k := ki.of[i]; !seen[k] {
			seen[k] = true
			objects++
		}
	}
	return objects, probes, keyless
}

// ObjectsNoun is the plural noun of what Op.Key names in reports: Workload.Objects, or
// "objects".
func (w *Workload) ObjectsNoun() string {
	if w == nil || w.Objects == "" {
		return "objects"
	}
	return w.Objects
}

// ProbeNoun names one of the probe's operations in reports: "write" for a write kind,
// "read" otherwise.
func (w *Workload) ProbeNoun() string {
	if w.IsWrite(w.Probe.Kind) {
		return "write"
	}
	return "read"
}

// DescribeKeys names a list of keys for a report: "keys [k1 k3]" (in the workload's noun),
// or "object" for the one object of a workload without keys.
func (w *Workload) DescribeKeys(keys []string) string {
	if len(keys) == 1 && keys[0] == "" {
		return "object"
	}
	return fmt.Sprintf("%s %v", w.ObjectsNoun(), keys)
}

func (v Verdict) objects() string { return v.w.ObjectsNoun() }

func (v Verdict) probeNoun() string {
	if v.w == nil {
		return "operations"
	}
	return v.w.ProbeNoun() + "s"
}

// quoteKey renders a key for a report: quoted, or "the object" for the empty key of a
// workload without keys.
func quoteKey(k string) string {
	if k == "" {
		return "the object"
	}
	return fmt.Sprintf("%q", k)
}

// quoteKeys renders a list of keys for a report.
func quoteKeys(keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = quoteKey(k)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
