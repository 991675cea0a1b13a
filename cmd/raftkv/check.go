package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	o, err := parseCheckFlags(args, stderr)
	if err != nil {
		return report(stderr, "check", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "raftkv check: %d servers, %d clients, %v, seed %d, lazy disk %v; "+
		"output in %s\n", o.Nodes, o.Clients, o.Time, o.Seed, o.LazyDisk, o.OutDir)
	res, err := jepsen.Check(ctx, o)
	if err != nil {
		return report(stderr, "check", err)
	}
	fmt.Fprintf(stdout, "%s\n", summary(res))
	if res.Failed() {
		return exitFailure
	}
	return exitOK
}

func parseCheckFlags(args []string, stderr io.Writer) (jepsen.CheckOptions, error) {
	var o jepsen.CheckOptions
	fs := flag.NewFlagSet("raftkv check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.Nodes, "nodes", 3, "server processes")
	fs.IntVar(&o.Clients, "clients", 3, "closed-loop clients")
	fs.DurationVar(&o.Time, "time", 60*time.Second, "how long the workload and faults run")
	seed := fs.Uint64("seed", 0, "seed of the fault schedule and operations (0: random)")
	fs.BoolVar(&o.LazyDisk, "lazy-disk", false,
		"servers keep writes in memory until fsync, so kill -9 loses unsynced writes")
	fs.StringVar(&o.OutDir, "out", "", "output directory (default: a new one under $TMPDIR)")
	fs.StringVar(&o.Binary, "binary", "",
		"raftkv binary to run as the servers (default: this executable)")
	quiet := fs.Bool("quiet", false, "do not print the fault log as it happens")
	faults := fs.String("faults", "", "comma-separated fault kinds (default: swarm testing "+
		"picks them from the seed; 'none' for no faults): "+
		jepsen.KindNames(jepsen.FaultKinds()))
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q", fs.Arg(0))
	}
	if err := setFaults(&o, *faults); err != nil {
		return o, err
	}
	o.Seed = *seed
	if o.Seed == 0 {
		o.Seed = rand.Uint64N(1<<31) + 1 // small enough to retype
	}
	if !*quiet {
		o.Progress = stderr
	}
	if err := o.ValidateShape(); err != nil {
		return o, usageError{err.Error()}
	}
	return o, resolvePaths(&o, "check")
}

// setFaults reads --faults.
func setFaults(o *jepsen.CheckOptions, list string) error {
	switch list {
	case "":
		return nil
	case "none":
		o.Faults = []jepsen.FaultKind{}
		return nil
	}
	kinds, err := jepsen.ParseKinds(list)
	if err != nil {
		return usagef("--faults: %v", err)
	}
	o.Faults = kinds
	return nil
}

// resolvePaths fills in the default binary (this executable, re-invoked as `server`) and
// output directory.
func resolvePaths(o *jepsen.CheckOptions, what string) error {
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("cannot find this executable (pass --binary): %w", err)
		}
		o.Binary = exe
	}
	abs, err := filepath.Abs(o.Binary)
	if err != nil {
		return err
	}
	o.Binary = abs
	if o.OutDir == "" {
		dir, err := os.MkdirTemp("", "raftkv-"+what+"-")
		if err != nil {
			return err
		}
		o.OutDir = dir
	}
	return nil
}

// summary is the command's closing lines.
func summary(r *jepsen.CheckResult) string {
	verdict := "nothing found"
	if r.Failed() {
		verdict = "FAILURE FOUND"
	}
	s := fmt.Sprintf("raftkv check: %s in %.1fs (seed %d; %d operations; %s)\n", verdict,
		r.Elapsed.Seconds(), r.Options.Seed, len(r.History), r.Verdict.Message())
	for _, f := range r.Failures {
		s += "  " + f + "\n"
	}
	s += "  report: " + r.Report + "\n  history: " + r.HTML + "\n" +
		"  (a real run is not replayable by seed; see the report)"
	return s
}
