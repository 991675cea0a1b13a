package fuzz

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/model"
)

// Divergence is what the determinism check found when two runs of one scenario differ.
type Divergence struct {
	Scenario scenario.Scenario
	// Message says what differed (the first differing event, or the first operation whose
	// outcome differs) and what to do.
	Message string
	// First is the index of the first differing event; TraceA and TraceB are the two
	// traces up to a few events past it, that event marked (nil when no event differs).
	First          int
	TraceA, TraceB []string
}

// The trace lines a Divergence keeps before and after the first differing event.
const (
	tailBefore = 60
	tailAfter  = 10
)

// Failure is the divergence as a failure of class nondeterminism.
func (d *Divergence) Failure() *harness.Failure {
	return &harness.Failure{Class: ClassNondeterminism, Message: d.Message}
}

// DivergencePaths are the files Divergence.Save writes.
type DivergencePaths struct {
	Scenario, Report string
	// TraceA, TraceB are empty when no event differs.
	TraceA, TraceB string
}

// Save writes into dir (creating it) the scenario (scenario.json), the message with both
// trace tails (divergence.txt), and each tail alone (trace-run1.txt, trace-run2.txt),
// replacing earlier files of those names.
func (d *Divergence) Save(dir string) (DivergencePaths, error) {
	p := DivergencePaths{Scenario: filepath.Join(dir, "scenario.json"),
		Report: filepath.Join(dir, "divergence.txt")}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return p, err
	}
	var b bytes.Buffer
	if err := scenario.EncodeScenario(&b, d.Scenario); err != nil {
		return p, err
	}
	files := map[string][]byte{p.Scenario: b.Bytes(), p.Report: []byte(d.String())}
	if d.TraceA != nil {
		p.TraceA = filepath.Join(dir, "trace-run1.txt")
		p.TraceB = filepath.Join(dir, "trace-run2.txt")
		files[p.TraceA] = []byte(strings.Join(d.TraceA, "\n") + "\n")
		files[p.TraceB] = []byte(strings.Join(d.TraceB, "\n") + "\n")
	}
	for _, path := range []string{p.Scenario, p.Report, p.TraceA, p.TraceB} {
		if path == "" {
			continue
		}
		if err := report.WriteFileAtomic(path, files[path]); err != nil {
			return p, err
		}
	}
	return p, nil
}

// String is the message followed by both trace tails.
func (d *Divergence) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "NONDETERMINISM: %s\n", d.Message)
	for i, tail := range [][]string{d.TraceA, d.TraceB} {
		if tail == nil {
			continue
		}
		fmt.Fprintf(&b, "\ntrace of run %d, to %d events past the first difference "+
			"(event %d, marked >>):\n", i+1, tailAfter, d.First)
		for _, line := range tail {
			fmt.Fprintln(&b, line)
		}
	}
	return b.String()
}

// traceTail renders trace from tailBefore events before event i to tailAfter after it,
// each line prefixed by its index, event i marked ">>".
func traceTail(trace []sim.TraceEvent, i int) []string {
	from, to := max(0, i-tailBefore), min(len(trace), i+tailAfter+1)
	lines := make([]string, 0, to-from+1)
	for j := from; j < to; j++ {
		mark := "  "
		if j == i {
			mark = ">>"
		}
		lines = append(lines, fmt.Sprintf("%s %7d %s", mark, j, trace[j]))
	}
	if i >= len(trace) {
		lines = append(lines, fmt.Sprintf(">> %7d (the trace ended)", i))
	}
	return lines
}

// historyDiff names the first operation of two histories that differs, and how.
func historyDiff(w *model.Workload, a, b []model.Operation) string {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return fmt.Sprintf("operation %d of the history is %s in the first run and %s "+
				"in the second (%s)", i, w.FormatOperation(a[i]), w.FormatOperation(b[i]),
				opDifference(a[i], b[i]))
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("the histories hold %d and %d operations; the first %d agree",
			len(a), len(b), n)
	}
	return "the histories agree"
}

// opDifference says which part of an operation differs.
func opDifference(a, b model.Operation) string {
	switch {
	case a.ClientID != b.ClientID || a.Op != b.Op:
		return "a different operation"
	case a.Outcome != b.Outcome:
		return "the same operation with a different outcome"
	case a.Call != b.Call:
		return "called at another time"
	}
	return "returned at another time"
}
