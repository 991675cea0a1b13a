// Command registerfuzz is simfuzz for the register: run, replay, shrink, bench and targets,
// with quickstart.Target as the only target.
//
//	go run ./cmd/registerfuzz run --seeds 2000
package main

import (
	"os"

	"github.com/simfuzz/simfuzz/examples/quickstart"
	"github.com/simfuzz/simfuzz/fuzz/cli"
)

func main() {
	cli.TuneGC(os.Getenv)
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, quickstart.Target))
}
