package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The properties mode (--properties N) answers another question than the campaigns: does
// `go test -run Property ./fuzz/` at a budget of N checks find the mutant? It prepares each
// mutant's scratch copy as the campaign mode does and runs the three failure-finding
// properties there, each with the same fixed rapid seed, so the table is reproducible.

// properties are the properties that look for bugs (the determinism property compares a
// run with itself and finds none of the mutants).
var properties = []string{"TestPropertyLinearizability", "TestPropertyInvariants",
	"TestPropertyLiveness"}

// propertyResult is what one property did on one tree: found after Checks checks (0: passed
// all of them), or an error that kept it from running.
type propertyResult struct {
	checks int
	err    string
}

func (p propertyResult) String() string {
	switch {
	case p.err != "":
		return "error: " + p.err
	case p.checks > 0:
		return fmt.Sprintf("found after %d", p.checks)
	}
	return "-"
}

// failedAfter matches rapid's report of a failing property.
var failedAfter = regexp.MustCompile(`\[rapid\] failed after (\d+) tests`)

// parseProperty reads go test's output for one property: the checks rapid needed to fail
// it, 0 when it passed. Output that shows neither is an error, quoted.
func parseProperty(out string, passed bool) propertyResult {
	if m := failedAfter.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		return propertyResult{checks: n + 1}
	}
	if passed && strings.Contains(out, "ok") {
		return propertyResult{}
	}
	return propertyResult{err: lastLine(out)}
}

// runProperties runs each property in dir with n checks and rapid seed seed.
func runProperties(dir string, n int, seed uint64) []propertyResult {
	var out []propertyResult
	for _, name := range properties {
		cmd := exec.Command("go", "test", "-count=1", "-run", "^"+name+"$", "./fuzz/",
			fmt.Sprintf("-rapid.checks=%d", n), fmt.Sprintf("-rapid.seed=%d", seed),
			"-timeout", "60m")
		cmd.Dir = dir
		cmd.Env = withoutRapidEnv(os.Environ()) // the flags decide, not the caller's env
		b, err := cmd.CombinedOutput()
		out = append(out, parseProperty(string(b), err == nil))
	}
	return out
}

// propertiesMode prints, for every mutant, which property found it within n checks. A
// property that fails on the unmutated tree is reported and its column does not count.
func propertiesMode(patches []string, o options, stdout, stderr io.Writer) int {
	start := time.Now()
	base := runProperties(".", o.properties, o.rapidSeed)
	fmt.Fprintf(stderr, "unmutated tree: %s (%.0f s)\n", joinResults(base),
		time.Since(start).Seconds())
	fmt.Fprintf(stdout, "properties at %d checks, rapid seed %d\n", o.properties, o.rapidSeed)
	fmt.Fprintf(stdout, "%-34s %-16s %-16s %-16s %s\n", "mutant", "linearizability",
		"invariants", "liveness", "seconds")
	found := 0
	for _, p := range patches {
		name := mutantName(p)
		if t, err := patchTarget(p); err != nil || t != "" {
			continue // another target's mutant: its properties live with its target
		}
		scratch, err := os.MkdirTemp("", "simfuzz-props-"+name+"-")
		if err != nil {
			fmt.Fprintf(stderr, "mutants: %v\n", err)
			return 2
		}
		t0 := time.Now()
		var res []propertyResult
		if _, err := prepare(".", p, scratch); err != nil {
			res = []propertyResult{{err: err.Error()}, {}, {}}
		} else {
			res = runProperties(scratch, o.properties, o.rapidSeed)
		}
		if !o.keep {
			os.RemoveAll(scratch)
		}
		cells := make([]string, len(res))
		hit := false
		for i, r := range res {
			cells[i] = r.String()
			if base[i].checks > 0 || base[i].err != "" {
				cells[i] += " (base fails)"
			} else if r.checks > 0 {
				hit = true
			}
		}
		if hit {
			found++
		}
		fmt.Fprintf(stdout, "%-34s %-16s %-16s %-16s %.0f\n", name, cells[0], cells[1],
			cells[2], time.Since(t0).Seconds())
		fmt.Fprintf(stderr, "mutant %s: %s\n", name, joinResults(res))
	}
	fmt.Fprintf(stdout, "properties: %d mutants found at %d checks\n", found, o.properties)
	for _, r := range base {
		if r.checks > 0 || r.err != "" {
			return 1
		}
	}
	return 0
}

func joinResults(rs []propertyResult) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = strings.TrimPrefix(properties[i], "TestProperty") + " " + r.String()
	}
	return strings.Join(parts, ", ")
}

// withoutRapidEnv drops rapid's RAPID_* variables (rapid reads them as defaults, and an
// empty one is an error), so that the flags alone set the budget and the seed.
func withoutRapidEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, "RAPID_") {
			out = append(out, kv)
		}
	}
	return out
}
