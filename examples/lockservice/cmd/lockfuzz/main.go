// Command lockfuzz is simfuzz for the lock service alone: the same commands (run, replay,
// shrink, bench, targets, and on real processes server, client, check, bench --real) with
// lockservice.Target as the only target. It is the whole of "your own main" for a system
// outside this repository: hand your fuzz.Target to cli.Main.
//
//	go run ./examples/lockservice/cmd/lockfuzz run --seeds 20000
//	go run ./examples/lockservice/cmd/lockfuzz check --time 20s   # Jepsen mode
package main

import (
	"os"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

func main() {
	cli.TuneGC(os.Getenv)
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, lockservice.Target))
}
