// Command raftkv runs the built-in Raft key-value store (package raft) as real processes on
// the real runtime (package harness/realrt), and tests it the Jepsen way.
//
//	raftkv server --id n1 --peers n1=127.0.0.1:7001,n2=...,n3=... --data DIR [--admin ADDR]
//	              [--cluster NAME] [--tls-ca F --tls-cert F --tls-key F]
//	raftkv client --peers ... put K V | get K | append K V | cas K OLD NEW | delete K
//	raftkv check  [--nodes 3] [--time 60s] [--clients 3] [--seed S] [--lazy-disk] [--out DIR]
//	              [--faults KIND,...] [--tls] [--containers] [--binary PATH] [--quiet]
//	raftkv bench  [--time 10s] [--seed S]
//
// It is the generic server and Jepsen mode of package fuzz/jepsen for the Raft KV alone, with
// raft's own status, corruption and torn-tail messages; simfuzz server/client/check do the
// same for any target.
//
// Exit codes: 0 success (check: nothing found), 1 a negative answer (client: a missing
// key or a failed cas) or a failure found (check), 2 a usage error, bad input or a harness
// error (client: no answer from the cluster).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

const usage = `usage:
  raftkv server --id ID --peers ID=HOST:PORT,... --data DIR [--admin HOST:PORT] [--lazy-disk]
                [--cluster NAME] [--admin-public --admin-token T] [--tls-ca F --tls-cert F
                --tls-key F]
  raftkv client --peers ID=HOST:PORT,... [--timeout 5s] [--tls-...] put K V | get K |
                append K V | cas K OLD NEW | delete K
  raftkv check  [--nodes N] [--time D] [--clients N] [--seed S] [--lazy-disk] [--out DIR]
                [--faults KIND,...] [--tls] [--containers] [--binary PATH] [--quiet]
  raftkv bench  [--time D] [--seed S] [--binary PATH] [--out DIR]
`

// Exit codes, shared with simfuzz run.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is bad input: the message is printed with the usage and exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// parseFlags parses args, turning a flag error into a usageError (the flag package has
// printed the options already) and keeping flag.ErrHelp for --help.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err.Error()}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a subcommand and turns its outcome into an exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) int{
		"server": cmdServer, "client": cmdClient, "check": cmdCheck, "bench": cmdBench,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "raftkv: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	return cmd(args[1:], stdout, stderr)
}

// report prints err for subcommand name and returns its exit code: usage errors and
// anything else the subcommand could not do are 2.
func report(stderr io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK // --help printed the options already
	}
	fmt.Fprintf(stderr, "raftkv %s: %v\n", name, err)
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "run 'raftkv %s --help' for its options\n", name)
	}
	return exitUsage
}
