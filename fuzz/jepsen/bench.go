package jepsen

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// BenchOptions configure Bench (`simfuzz bench --real`, `raftkv bench`).
type BenchOptions struct {
	// Target is the system measured; ServerArgs make Binary its server (CheckOptions).
	Target     fuzz.Target
	ServerArgs []string
	// Time is the workload span of each condition, in both runtimes.
	Time time.Duration
	// Seed picks the standard scenario's operations (generators.Standard).
	Seed uint64
	// Sizes are the cluster sizes to measure (default 3 and 5).
	Sizes []int
	// Binary is the executable run as the real servers; OutDir holds their data and logs
	// while they run.
	Binary, OutDir string
	// Progress receives a line per finished row; nil keeps quiet.
	Progress io.Writer
}

// Condition is one row kind of the side-by-side table.
type Condition struct {
	Name string
	// Loss is the fraction of messages every endpoint drops.
	Loss float64
	// Every is the period of the fault (the first at Every/2); FaultFor its duration.
	Every, FaultFor time.Duration
	// Fault is "crash-leader", "partition" or "" (none).
	Fault string
}

// Conditions are the benchmark's rows for each cluster size: no faults, 1% message loss,
// the leader crashed every 10 s (restarted 2 s later), a partition every 10 s (a minority
// cut off for 2 s).
func Conditions() []Condition {
	return []Condition{
		{Name: "no faults"},
		{Name: "1% loss", Loss: 0.01},
		{Name: "leader crash / 10s", Fault: "crash-leader", Every: 10 * time.Second,
			FaultFor: 2 * time.Second},
		{Name: "partition / 10s", Fault: "partition", Every: 10 * time.Second,
			FaultFor: 2 * time.Second},
	}
}

// faultTimes are the moments the condition's fault fires within span.
func (c Condition) faultTimes(span time.Duration) []time.Duration {
	var at []time.Duration
	if c.Fault == "" {
		return nil
	}
	for t := c.Every / 2; t+c.FaultFor <= span; t += c.Every {
		at = append(at, t)
	}
	return at
}

// minority is the group a partition cuts off: the first half of the servers, rounded
// down, as the standard scenario's partitions do.
func minority(ids []nodeapi.NodeID) []nodeapi.NodeID { return ids[:max(1, len(ids)/2)] }

// Measure is one runtime's figures for one row.
type Measure struct {
	// Span is the workload's span; Virtual the whole run's time on the runtime's clock
	// (the simulation adds its liveness phase); Wall what the run took.
	Span, Virtual, Wall time.Duration
	// Acked counts the operations acknowledged; Ops all recorded ones.
	Acked, Ops int
	// Linearizable is the porcupine verdict on the history.
	Linearizable bool
}

// OpsPerSec is acknowledged operations per second of the workload's span.
func (m Measure) OpsPerSec() float64 { return float64(m.Acked) / m.Span.Seconds() }

// BenchRow is one line of the table.
type BenchRow struct {
	Condition Condition
	Nodes     int
	Real, Sim Measure
}

// Compression is simulated time per wall second of the simulation.
func (r BenchRow) Compression() float64 {
	return r.Sim.Virtual.Seconds() / r.Sim.Wall.Seconds()
}

// Ratio is the real run's wall time over the simulation's, for the same scenario.
func (r BenchRow) Ratio() float64 { return r.Real.Wall.Seconds() / r.Sim.Wall.Seconds() }

// Bench measures every condition at every size on the real cluster and in the simulated
// world, one row at a time.
func Bench(ctx context.Context, o BenchOptions) ([]BenchRow, error) {
	if o.Time < 2*time.Second || o.Time > 10*time.Minute {
		return nil, fmt.Errorf("--time must be in [2s, 10m], got %v", o.Time)
	}
	if err := o.Target.Validate(); err != nil {
		return nil, err
	}
	if len(o.Sizes) == 0 {
		o.Sizes = []int{3, 5}
	}
	var rows []BenchRow
	for _, n := range o.Sizes {
		for _, c := range Conditions() {
			if err := ctx.Err(); err != nil {
				return rows, err
			}
			row, err := benchRow(ctx, o, c, n)
			if err != nil {
				return rows, fmt.Errorf("%s, %d nodes: %w", c.Name, n, err)
			}
			rows = append(rows, row)
			if o.Progress != nil {
				fmt.Fprintln(o.Progress, rowLine(row))
			}
		}
	}
	return rows, nil
}

func benchRow(ctx context.Context, o BenchOptions, c Condition, n int) (BenchRow, error) {
	row := BenchRow{Condition: c, Nodes: n}
	scripts := benchScripts(o.Target, n, o.Seed, o.Time)
	var err error
	if row.Sim, err = simRun(o.Target, c, n, o.Seed, o.Time, scripts); err != nil {
		return row, fmt.Errorf("simulation: %w", err)
	}
	if row.Real, err = realRun(ctx, o, c, n, scripts); err != nil {
		return row, fmt.Errorf("real cluster: %w", err)
	}
	return row, nil
}

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
