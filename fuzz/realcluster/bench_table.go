package realcluster

import (
	"fmt"
	"io"
	"strings"
)

// rowLine is a one-line progress report of a finished row.
func rowLine(r BenchRow) string {
	return fmt.Sprintf("%-20s %d nodes: real %.0f ops/s, simulated %.0f ops/s, "+
		"compression %.0fx", r.Condition.Name, r.Nodes, r.Real.OpsPerSec(), r.Sim.OpsPerSec(),
		r.Compression())
}

// WriteBenchTable prints the side-by-side table as Markdown, so that it can go into
// docs/PERFORMANCE.md as is.
func WriteBenchTable(w io.Writer, rows []BenchRow) {
	header := []string{"condition", "nodes", "real acked ops/s", "sim acked ops/s",
		"real wall", "sim wall", "compression (sim-s per wall-s)", "real/sim wall",
		"linearizable (real, sim)"}
	fmt.Fprintf(w, "| %s |\n", strings.Join(header, " | "))
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(seps, " | "))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %.1f s | %.0f ms | %.0fx | %.0fx | %s, %s |\n",
			r.Condition.Name, r.Nodes, r.Real.OpsPerSec(), r.Sim.OpsPerSec(),
			r.Real.Wall.Seconds(), 1000*r.Sim.Wall.Seconds(), r.Compression(), r.Ratio(),
			yesNo(r.Real.Linearizable), yesNo(r.Sim.Linearizable))
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}
