// Command simfuzz runs campaigns of simulated scenarios against the built-in Raft KV, replays
// saved scenarios, and prints performance figures.
//
//	simfuzz run     [--seeds N | --time D] [--seed S] [--jobs J] [--shard i/n] [--out DIR] [--json]
//	simfuzz replay  FILE | --seed S  [--check-determinism] [--html PATH] [--trace N]
//	simfuzz shrink  FILE [--out FILE] [--runs N]
//	simfuzz bench   [--seeds N]
//
// Exit codes: 0 nothing found, 1 failures found, 2 usage error.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/simfuzz/simfuzz/fuzz"
)

// usageError marks an error in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// errFound means the command ran correctly and found failures: exit code 1.
var errFound = errors.New("failures found")

const topUsage = `usage: simfuzz <command> [flags]

commands:
  run      run a campaign of generated scenarios against a target (default: %s)
  replay   rerun one saved scenario (or one campaign seed) and show its verdict
  shrink   shrink a failing scenario file further
  bench    print the performance table
  targets  list the systems under test this command knows

Run 'simfuzz <command> -h' for the flags of a command.
`

// app is one invocation: the targets it knows (the first is the default) and its output.
type app struct {
	targets        []fuzz.Target
	stdout, stderr io.Writer
}

// Main runs the command line args (without the program name) against targets, the first of
// which is the default, and returns the exit code. It never calls os.Exit, so a caller (or a
// test) decides what happens next.
func Main(args []string, stdout, stderr io.Writer, targets ...fuzz.Target) int {
	a := &app{targets: targets, stdout: stdout, stderr: stderr}
	if err := a.validateTargets(); err != nil {
		fmt.Fprintf(stderr, "simfuzz: %v\n", err)
		return 2
	}
	if len(args) == 0 {
		fmt.Fprintf(stderr, topUsage, targets[0].Name)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = a.cmdRun(args[1:])
	case "replay":
		err = a.cmdReplay(args[1:])
	case "bench":
		err = a.cmdBench(args[1:])
	case "shrink":
		err = a.cmdShrink(args[1:])
	case "targets":
		err = a.cmdTargets(args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(stdout, topUsage, targets[0].Name)
		return 0
	default:
		err = usagef("unknown command %q", args[0])
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFound):
		return 1
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "simfuzz: %v\n(run 'simfuzz -h' for usage)\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "simfuzz: %v\n", err)
	return 2
}

// newFlags makes a flag set that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("simfuzz "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses args, allowing flags after positional arguments (`replay FILE --trace 0`),
// and turns flag errors into usage errors. The positional arguments are in fs.Args().
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
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
