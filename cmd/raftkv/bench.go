package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/jepsen"
)

func cmdBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("raftkv bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o jepsen.BenchOptions
	fs.DurationVar(&o.Time, "time", 10*time.Second,
		"workload span of each condition (60s for the standard scenario's length)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the standard scenario's operations")
	fs.StringVar(&o.Binary, "binary", "", "raftkv binary to run as the servers "+
		"(default: this executable)")
	fs.StringVar(&o.OutDir, "out", "", "scratch directory for the servers' data and logs")
	if err := parseFlags(fs, args); err != nil {
		return report(stderr, "bench", err)
	}
	if fs.NArg() > 0 {
		return report(stderr, "bench", usagef("unexpected argument %q", fs.Arg(0)))
	}
	if o.Time < 2*time.Second || o.Time > 10*time.Minute {
		return report(stderr, "bench", usagef("--time must be in [2s, 10m], got %v", o.Time))
	}
	if err := jepsen.ResolvePaths(&o.Binary, &o.OutDir, "raftkv-bench"); err != nil {
		return report(stderr, "bench", usageError{err.Error()})
	}
	o.Target, o.ServerArgs, o.Progress = fuzz.RaftKV, []string{"server"}, stderr
	defer os.RemoveAll(o.OutDir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "raftkv bench: %v per condition, seed %d, %d cores\n", o.Time, o.Seed,
		runtime.NumCPU())
	rows, err := jepsen.Bench(ctx, o)
	if err != nil {
		return report(stderr, "bench", err)
	}
	jepsen.WriteBenchTable(stdout, rows)
	return exitOK
}
