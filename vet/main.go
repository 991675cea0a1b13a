package vet

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

const usage = `usage: simfuzz vet [-all] [-tests] [packages]

Checks that node code keeps the simulator's contract: no wall clock, goroutines, channels,
sync, global random sources or I/O past the Env, and no map range whose random order
reaches the run. Each finding is printed as file:line:col: what, and the contract's
alternative. Packages are go list patterns (default ./...); only those that import
github.com/simfuzz/simfuzz/harness/nodeapi are checked, unless -all. A comment
//simfuzz:ok REASON on the line, or alone on the line above, silences a finding.

Exit codes: 0 no findings, 1 findings, 2 a pattern that matches nothing or a package that
does not load.

flags:
`

// Main runs the check as a command: args are flags and package patterns. Findings go to
// stdout, one a line; a summary and errors to stderr. It returns the exit code: 0 no
// findings, 1 findings, 2 bad input (a message names the pattern or package).
func Main(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "simfuzz vet: %v\n(run 'simfuzz vet -h' for usage)\n", err)
		return 2
	}
	res, err := Run(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "simfuzz vet: %v\n", err)
		return 2
	}
	base := cfg.Dir
	if base == "" {
		base, _ = os.Getwd()
	}
	for _, f := range res.Findings {
		f.Pos.Filename = relative(base, f.Pos.Filename)
		fmt.Fprintln(stdout, f)
	}
	fmt.Fprintf(stderr, "simfuzz vet: %s\n", res.summary(cfg.Options))
	if len(res.Findings) > 0 {
		return 1
	}
	return 0
}

// parseArgs reads the flags, which may come before or after the patterns.
func parseArgs(args []string, stderr io.Writer) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("simfuzz vet", flag.ContinueOnError)
	fs.BoolVar(&cfg.All, "all", false, "check every package, not only those that import "+
		"the node contract")
	fs.BoolVar(&cfg.Tests, "tests", false, "check _test.go files too (by default not: "+
		"tests drive the world from outside)")
	fs.SetOutput(io.Discard)
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(stderr)
				fmt.Fprint(stderr, usage)
				fs.PrintDefaults()
			}
			return cfg, err
		}
		if fs.NArg() == 0 {
			return cfg, nil
		}
		cfg.Patterns = append(cfg.Patterns, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// summary says how many packages were checked and what was found.
func (r *Result) summary(o Options) string {
	scope := plural(len(r.Checked), "package") + " checked"
	if !o.All && len(r.Checked) < len(r.Loaded) {
		scope += fmt.Sprintf(" (of %d matched; the others do not import the node "+
			"contract, -all checks them)", len(r.Loaded))
	}
	if len(r.Findings) == 0 {
		return scope + ", no findings"
	}
	return scope + ", " + plural(len(r.Findings), "finding")
}

// plural is "1 package", "2 packages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// relative returns name relative to base when it lies under base.
func relative(base, name string) string {
	if base == "" {
		return name
	}
	rel, err := filepath.Rel(base, name)
	if err != nil || strings.HasPrefix(rel, "..") {
		return name
	}
	return rel
}
