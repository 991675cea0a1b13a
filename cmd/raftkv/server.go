package main

import (
	"context"
	"flag"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/simfuzz/simfuzz/fuzz/jepsen"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/raft"
)

// parseServerFlags reads the server's flags (package jepsen's, shared with simfuzz server).
func parseServerFlags(args []string, stderr io.Writer) (jepsen.ServerOptions, error) {
	var f jepsen.ServerFlags
	fs := flag.NewFlagSet("raftkv server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f.Register(fs)
	if err := parseFlags(fs, args); err != nil {
		return jepsen.ServerOptions{}, err
	}
	o, err := f.Options(fs.Args())
	if err != nil {
		return o, usageError{err.Error()}
	}
	return o, nil
}

func cmdServer(args []string, _, stderr io.Writer) int {
	o, err := parseServerFlags(args, stderr)
	if err != nil {
		return report(stderr, "server", err)
	}
	s, err := startNode(o, stderr)
	if err != nil {
		return report(stderr, "server", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return s.Serve(ctx)
}

// startNode starts the Raft KV's node with the server options: the generic server of
// package jepsen with what raft says of itself (raftHooks).
func startNode(o jepsen.ServerOptions, log io.Writer) (*jepsen.Server, error) {
	o.System, o.Log, o.Hooks = "raft-kv", log, raftHooks()
	o.New = func() (nodeapi.System, error) { return raft.NewSystem(raft.DefaultConfig()) }
	return jepsen.StartServer(o)
}
