// Command simfuzz-etcdraft is the simfuzz command line for etcd/raft: run, replay, shrink,
// bench and targets, and on real processes server, client, check and bench --real, over the
// etcd-raft target (the default) and the built-in raft-kv, so that bench measures both in
// one run. It is what a user's repository writes to fuzz its own system:
//
//	go run ./cmd/simfuzz-etcdraft run --seeds 300
//	go run ./cmd/simfuzz-etcdraft bench --seeds 5
//	go run ./cmd/simfuzz-etcdraft check --time 20s   # etcd/raft as real processes, Jepsen mode
package main

import (
	"os"

	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

func main() {
	cli.TuneGC(os.Getenv)
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, target.EtcdRaft, fuzz.RaftKV))
}
