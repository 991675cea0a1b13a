// Package cli is the simfuzz command line as a library: a repository with its own targets
// gets the whole command with a main of one line (cli.Main), whose repro lines name that
// main (MainOptions, Target.Command), not simfuzz.
//
//	simfuzz run     [--target T] [--variant V] [--seeds N | --time D] [--seed S] [--jobs J]
//	                [--shard i/n] [--out DIR] [--json] [--max-failures K] [--shrink-all]
//	                [--check-determinism] [--guided=false]
//	simfuzz replay  [--target T] [--variant V] FILE | --seed S  [--check-determinism]
//	                [--html PATH] [--trace N]
//	simfuzz shrink  [--target T] [--variant V] FILE [--out FILE] [--runs N]
//	simfuzz merge   [--json] FILE...
//	simfuzz bench   [--target T] [--variant V] [--seeds N] [--campaign-seeds N]
//	simfuzz targets
//	simfuzz server  [--target T] --id ID --peers ID=HOST:PORT,... --data DIR [--admin A]
//	simfuzz client  [--target T] --peers ... KIND KEY [VALUE]
//	simfuzz check   [--target T] [--time D] [--seed S] [--nodes N] [--lazy-disk]
//	                [--faults KIND,...] [--tls] [--out DIR]
//	simfuzz bench   --real [--target T] [--time D] [--nodes 3,5]
//	simfuzz certs   --out DIR --nodes ID,... [--clients NAME,...]
//
// Exit codes: 0 nothing found, 1 failures found, 2 usage error (or nothing could run),
// 3 shrink found nothing smaller, 4 shrink was given a scenario that passes, 130
// interrupted by a signal.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/simfuzz/simfuzz/fuzz"
)

// usageError marks an error in the command line: exit code 2. help names the command
// whose -h explains it.
type usageError struct{ msg, help string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// exitStatus is an outcome with its own exit code; msg, if any, goes to stderr.
type exitStatus struct {
	code int
	msg  string
}

func (e exitStatus) Error() string { return e.msg }

var (
	// errFound means the command ran correctly and found failures: exit code 1.
	errFound = exitStatus{code: 1}
	// errInterrupted means a signal stopped the command: exit code 130, as a shell reports
	// a process ended by SIGINT.
	errInterrupted = exitStatus{code: 130}
)

const topUsage = `usage: simfuzz <command> [flags]

commands:
  run      run a campaign of generated scenarios against a target (default: %s)
  replay   rerun one saved scenario (or one campaign seed) and show its verdict
  shrink   shrink a failing scenario file further
  merge    combine the --json summaries of a campaign's shards into one
  report   write the HTML report of campaigns from their --json summaries
  bench    print the performance table (--real: real processes next to the simulation)
  targets  list the systems under test this command knows
  vet      statically check node code for the wall clock, goroutines, map order, ...

real processes (the real runtime; docs/REAL.md):
  server   run one node of a target as a real server process
  client   run one operation against real servers through the target's client
  check    Jepsen mode: real servers, real faults, the target's porcupine check
  certs    make a test CA and node certificates for mutual TLS

Run 'simfuzz <command> -h' for the flags of a command.
`

// app is one invocation: the targets it knows (the first is the default), its name, its
// output, its environment and its signals (tests replace the last two).
type app struct {
	targets []fuzz.Target
	// program is how a person runs this command, as repro lines name it, and invoked the
	// name it was started under, as usage texts name it (MainOptions.Program); "" is
	// simfuzz.
	program, invoked string
	stdout, stderr   io.Writer
	getenv           func(string) string
	// watchSignals starts delivering SIGINT and SIGTERM; the function it returns stops it.
	watchSignals func() (<-chan os.Signal, func())
}

// Main runs the command line args (without the program name) against targets, the first of
// which is the default, and returns the exit code. It never calls os.Exit, so a caller (or a
// test) decides what happens next; after a second interrupt it returns at once while seeds
// may still be running, so a caller should exit then. The command lines it prints name the
// program by the default target's Command, else by the base name of os.Args[0]; MainWith
// names it otherwise.
func Main(args []string, stdout, stderr io.Writer, targets ...fuzz.Target) int {
	return MainWith(MainOptions{}, args, stdout, stderr, targets...)
}

// MainWith is Main with options: o.Program names the command in the command lines it
// prints (see MainOptions).
func MainWith(o MainOptions, args []string, stdout, stderr io.Writer,
	targets ...fuzz.Target) int {
	a := &app{targets: targets, stdout: stdout, stderr: stderr, getenv: os.Getenv,
		watchSignals: watchSignals}
	a.program, a.invoked = o.names(targets)
	return a.main(args)
}

func (a *app) main(args []string) int {
	if err := a.validateTargets(); err != nil {
		fmt.Fprintf(a.stderr, "simfuzz: %v\n", err)
		return 2
	}
	if len(args) == 0 {
		fmt.Fprintf(a.stderr, a.named(topUsage), a.targets[0].Name)
		return 2
	}
	commands := map[string]func([]string) error{"run": a.cmdRun, "replay": a.cmdReplay,
		"bench": a.cmdBench, "shrink": a.cmdShrink, "targets": a.cmdTargets,
		"merge": a.cmdMerge, "vet": a.cmdVet,
		"report": a.cmdReport, "server": a.cmdServer, "client": a.cmdClient, "check": a.cmdCheck,
		"certs": a.cmdCerts}
	var err error
	switch cmd, ok := commands[args[0]]; {
	case ok:
		err = cmd(args[1:])
		var ue usageError
		if errors.As(err, &ue) && ue.help == "" {
			err = usageError{msg: ue.msg, help: a.prog() + " " + args[0] + " -h"}
		}
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help":
		fmt.Fprintf(a.stdout, a.named(topUsage), a.targets[0].Name)
		return 0
	default:
		err = usagef("unknown command %q", args[0])
	}
	return a.exitCode(err)
}

// exitCode prints err, if any, and returns the exit code it stands for.
func (a *app) exitCode(err error) int {
	stderr := a.stderr
	var ue usageError
	var es exitStatus
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &es):
		if es.msg != "" {
			fmt.Fprintf(stderr, "simfuzz: %s\n", es.msg)
		}
		return es.code
	case errors.As(err, &ue):
		help := a.prog() + " -h"
		if ue.help != "" {
			help = ue.help
		}
		fmt.Fprintf(stderr, "simfuzz: %v\n(run '%s' for usage)\n", err, help)
		return 2
	}
	fmt.Fprintf(stderr, "simfuzz: %v\n", err)
	return 2
}

// newFlags makes a flag set for subcommand name that reports errors instead of exiting;
// usage, written for simfuzz and said of this command (named), heads its -h.
func (a *app) newFlags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(a.prog()+" "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	usage = a.named(usage)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	return fs
}

// parse parses args, allowing flags after positional arguments (`replay FILE --trace 0`),
// and turns flag errors into usage errors, printed once by exitCode (the flag package
// would print them too, with the whole usage). The positional arguments are in fs.Args().
func parse(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	defer func() { fs.SetOutput(out); fs.Usage = usage }()
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(out)
				usage()
				return err
			}
			return usageError{msg: fs.Name() + ": " + err.Error(), help: fs.Name() + " -h"}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}
