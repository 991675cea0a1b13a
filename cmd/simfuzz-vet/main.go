// Command simfuzz-vet is the node contract's static check (package vet) as a program of its
// own. Run directly, it is `simfuzz vet`:
//
//	simfuzz-vet [-all] [-tests] ./...
//
// and it is also a go vet tool, for a build that already runs go vet:
//
//	go build -o bin/simfuzz-vet ./cmd/simfuzz-vet
//	go vet -vettool=$PWD/bin/simfuzz-vet ./...            # flags: -simfuzz.all, -simfuzz.tests
//
// Exit codes when run directly: 0 no findings, 1 findings, 2 bad input.
package main

import (
	"os"
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/simfuzz/simfuzz/vet"
)

func main() {
	if calledByGoVet(os.Args[1:]) {
		unitchecker.Main(vet.Analyzer) // exits
	}
	os.Exit(vet.Main(os.Args[1:], os.Stdout, os.Stderr))
}

// calledByGoVet reports whether the arguments are go vet's protocol: -V=full and -flags to
// learn about the tool, then one unit.cfg per package.
func calledByGoVet(args []string) bool {
	for _, a := range args {
		if a == "-flags" || strings.HasPrefix(a, "-V") || strings.HasSuffix(a, ".cfg") {
			return true
		}
	}
	return false
}
