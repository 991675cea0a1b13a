package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/jepsen"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	var f jepsen.CheckFlags
	fs := flag.NewFlagSet("raftkv check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.Register(fs)
	if err := parseFlags(fs, args); err != nil {
		return report(stderr, "check", err)
	}
	o, err := f.Options(fs.Args(), "raftkv-check", stderr)
	if err != nil {
		return report(stderr, "check", usageError{err.Error()})
	}
	o.Target, o.ServerArgs = fuzz.RaftKV, []string{"server"}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stderr, "raftkv check: %d servers, %d clients, %v, seed %d, lazy disk %v; "+
		"output in %s\n", o.Nodes, o.Clients, o.Time, o.Seed, o.LazyDisk, o.OutDir)
	res, err := jepsen.Check(ctx, o)
	if err != nil {
		return report(stderr, "check", err)
	}
	fmt.Fprintf(stdout, "%s\n", jepsen.Summary("raftkv check", res))
	if res.Failed() {
		return exitFailure
	}
	return exitOK
}
