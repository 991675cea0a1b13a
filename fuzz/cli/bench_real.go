package cli

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
)

const benchRealUsage = `usage: simfuzz bench --real [--target T] [--time D] [--seed S] [--nodes 3,5]
                     [--binary PATH] [--out DIR]

The real-vs-simulated table: the same operations and faults (no faults, 1% message loss, the
leader killed every 10 s, a partition every 10 s) on a real cluster of the target (this
executable, run as 'server') and in the simulated world, side by side: acknowledged
operations per second, wall time, the simulation's time compression, and the porcupine
verdict of each. Without --real, bench prints the simulated performance table.

flags:
`

// isRealBench reports whether bench's arguments ask for the real-vs-simulated table.
func isRealBench(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, val, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "real" {
			on, err := strconv.ParseBool(val)
			return val == "" || (err == nil && on)
		}
	}
	return false
}

func (a *app) cmdBenchReal(args []string) error {
	fs := a.newFlags("bench", benchRealUsage)
	fs.Bool("real", true, "print the real-vs-simulated table")
	resolve := a.targetFlag(fs)
	var o jepsen.BenchOptions
	fs.DurationVar(&o.Time, "time", 10*time.Second, "workload span of each condition")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the operations")
	sizes := fs.String("nodes", "3,5", "cluster sizes, comma-separated")
	fs.StringVar(&o.Binary, "binary", "", "executable to run as the servers (default: "+
		"this executable)")
	fs.StringVar(&o.OutDir, "out", "", "scratch directory for the servers' data and logs")
	if err := parse(fs, args); err != nil {
		return err
	}
	tg, err := resolve()
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench takes no arguments, got %q", fs.Args())
	}
	if o.Time < 2*time.Second || o.Time > 10*time.Minute {
		return usagef("--time must be in [2s, 10m], got %v", o.Time)
	}
	if o.Sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	if err := jepsen.ResolvePaths(&o.Binary, &o.OutDir, "simfuzz-bench"); err != nil {
		return usagef("%v", err)
	}
	defer os.RemoveAll(o.OutDir)
	o.Target, o.ServerArgs, o.Progress = tg, serverArgs(tg), a.stderr
	return a.runBenchReal(o)
}

func (a *app) runBenchReal(o jepsen.BenchOptions) error {
	ctx, stop := a.interruptContext()
	defer stop()
	fmt.Fprintf(a.stderr, "%s bench --real: target %s, %v per condition, seed %d, %d cores\n",
		a.prog(), o.Target.Name, o.Time, o.Seed, runtime.NumCPU())
	rows, err := jepsen.Bench(ctx, o)
	if err != nil {
		if ctx.Err() != nil {
			jepsen.WriteBenchTable(a.stdout, rows)
			return errInterrupted
		}
		return err
	}
	jepsen.WriteBenchTable(a.stdout, rows)
	return nil
}

// parseSizes reads --nodes of bench --real: cluster sizes in 1..9.
func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 || n > 9 {
			return nil, usagef("--nodes: %q is not a cluster size in 1..9", part)
		}
		if !slices.Contains(sizes, n) {
			sizes = append(sizes, n)
		}
	}
	return sizes, nil
}
