// Command simfuzz runs campaigns of simulated scenarios against the built-in targets (the
// Raft KV of package raft, and the lock service of examples/lockservice), replays saved
// scenarios, shrinks failures and prints performance figures. See package fuzz/cli for the
// commands; `simfuzz -h` lists them.
package main

import (
	"os"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

func main() {
	cli.TuneGC(os.Getenv)
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, fuzz.RaftKV, lockservice.Target))
}
