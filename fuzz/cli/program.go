package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
)

// The command a person types to rerun something is printed by the command itself: in a
// campaign's summary and report.txt, after a replay, after a shrink. A user's module runs
// its own main (cli.Main with its own targets), not simfuzz, so every such line names the
// command that is running, and adds --target and --variant only where they are needed.

// MainOptions configure a command beyond its targets; the zero value is what Main uses.
type MainOptions struct {
	// Program is how a person runs this command, the first words of every command line it
	// prints (repro lines, usage texts and hints): "storefuzz", "./bin/storefuzz", "go run
	// ./cmd/storefuzz". Empty: repro lines name the Command of the default target (the
	// first, the one the command is for), else, as usage texts always do, the base name of
	// os.Args[0] ("simfuzz" if that is empty). The Command of another target names another
	// command, one that serves it, and no repro line of this one.
	Program string
}

// defaultProgram is the program name when nothing else names the command.
const defaultProgram = "simfuzz"

// names returns how a person runs the command serving targets (see MainOptions.Program),
// for its repro lines, and the name it was started under, for its usage texts and hints.
func (o MainOptions) names(targets []fuzz.Target) (program, invoked string) {
	invoked = defaultProgram
	if len(os.Args) > 0 && os.Args[0] != "" {
		invoked = filepath.Base(os.Args[0])
	}
	switch {
	case o.Program != "":
		return o.Program, o.Program
	case len(targets) > 0 && targets[0].Command != "":
		return targets[0].Command, invoked
	}
	return invoked, invoked
}

// prog is the command's name as its usage texts and hints print it.
func (a *app) prog() string {
	if a.invoked == "" {
		return defaultProgram
	}
	return a.invoked
}

// reproProgram is the command as its repro lines print it.
func (a *app) reproProgram() string {
	if a.program == "" {
		return a.prog()
	}
	return a.program
}

// reproFor returns the maker of command lines that rerun something of tg (which may run a
// variant, fuzz.Target.With) with this command.
func (a *app) reproFor(tg fuzz.Target) repro {
	r := repro{program: a.reproProgram(), variant: tg.Variant}
	if tg.Name != a.targets[0].Name {
		r.target = tg.Name
	}
	return r
}

// repro makes the command lines that rerun something of one target: the command as a
// person runs it, a subcommand, --target when the target is not the command's default and
// --variant when a variant ran (a scenario never records the variant, so the line must).
type repro struct {
	program string
	target  string // "" for the command's default target
	variant string // "" for the plain build
}

// line is the command line of subcommand sub with args (quoted for a shell as needed).
func (r repro) line(sub string, args ...string) string {
	parts := []string{r.program, sub}
	if r.target != "" {
		parts = append(parts, "--target", shellQuote(r.target))
	}
	if r.variant != "" {
		parts = append(parts, "--variant", shellQuote(r.variant))
	}
	for _, arg := range args {
		parts = append(parts, shellQuote(arg))
	}
	return strings.Join(parts, " ")
}

// replay is the command line that replays the scenario file at path.
func (r repro) replay(path string) string { return r.line("replay", path) }

// shellSafe matches the words a POSIX shell reads as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`)

// shellQuote returns s as one word of a shell command line: unchanged when it is safe,
// else in single quotes (a path with a space, say).
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// subcommands are the command's subcommands, as its texts name them ("simfuzz run").
var subcommands = []string{"run", "replay", "shrink", "merge", "bench", "targets"}

// named rewrites a text written for simfuzz (a usage text, a hint) for this command: each
// "simfuzz SUB" names the program instead. Other words (simfuzz-out/) stay.
func (a *app) named(text string) string {
	if a.prog() == defaultProgram {
		return text
	}
	for _, sub := range subcommands {
		text = strings.ReplaceAll(text, defaultProgram+" "+sub, a.prog()+" "+sub)
	}
	return strings.ReplaceAll(text, defaultProgram+" <command>", a.prog()+" <command>")
}
