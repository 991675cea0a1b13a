// Command mutants measures how fast the harness finds known Raft bugs. For every patch under
// testdata/mutants/ it copies the source tree to a scratch directory, applies the patch (which
// re-introduces exactly one bug), builds simfuzz there, runs a bounded campaign that stops at
// the first failure, and checks that the committed regression scenarios named after the
// mutant fail on it. It prints one row per mutant and ends with the line
//
//	mutants: D/N detected, median S s
//
// Run it from the repository root (make mutants). Exit code 0 when every mutant is
// detected, 1 when one is missed, 2 on a usage or setup error.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

type options struct {
	dir    string
	only   string
	seeds  int
	budget time.Duration
	jobs   int
	keep   bool
	guided bool
	// properties, when positive, runs the properties mode with that many checks and
	// rapid seed rapidSeed instead of campaigns.
	properties int
	rapidSeed  uint64
	// rate, when positive, runs the rate mode (rate.go) with that many seeds per mutant.
	rate    int
	regress string
	// original is simfuzz built from the unmutated tree, to attribute each detection;
	// originals holds the commands of other modules' builds (originalFor), built once each.
	original  string
	originals map[string]string
}

func main() {
	os.Exit(mainCode(os.Args[1:], os.Stdout, os.Stderr))
}

func mainCode(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mutants", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.dir, "dir", "testdata/mutants", "directory of mutant patches")
	fs.StringVar(&o.only, "only", "", "run only mutants whose name contains one of these "+
		"comma-separated words (e.g. 01,05)")
	fs.IntVar(&o.seeds, "seeds", 300000, "most seeds a campaign runs per mutant")
	fs.DurationVar(&o.budget, "time", 180*time.Second, "most wall time a campaign runs per mutant")
	fs.IntVar(&o.jobs, "jobs", runtime.NumCPU(), "parallel seeds per campaign")
	fs.BoolVar(&o.guided, "guided", true, "run coverage-guided campaigns (simfuzz run "+
		"--guided; false: every seed drawn fresh)")
	fs.IntVar(&o.properties, "properties", 0, "instead of campaigns, run the properties of "+
		"fuzz/ on each mutant with this many rapid checks (see properties.go)")
	fs.IntVar(&o.rate, "rate", 0, "instead of stopping at the first failure, run this many "+
		"unguided seeds per mutant and report attributed failures per 100,000 seeds (rate.go)")
	fs.Uint64Var(&o.rapidSeed, "rapid-seed", 1, "rapid seed of the properties mode")
	fs.BoolVar(&o.keep, "keep", false, "keep the scratch copies (their paths are printed)")
	fs.StringVar(&o.regress, "regressions", "testdata/regressions",
		"directory of regression scenarios; mutant-NAME-*.json must fail on mutant NAME")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || o.seeds < 1 || o.budget <= 0 || o.jobs < 1 || o.properties < 0 ||
		o.rate < 0 {
		fmt.Fprintln(stderr, "mutants: takes no arguments; --seeds, --time and --jobs must be "+
			"positive")
		return 2
	}
	patches, err := findPatches(o.dir, o.only)
	if err != nil {
		fmt.Fprintf(stderr, "mutants: %v\n", err)
		return 2
	}
	if o.properties > 0 {
		return propertiesMode(patches, o, stdout, stderr)
	}
	orig, err := os.MkdirTemp("", "simfuzz-original-")
	if err != nil {
		fmt.Fprintf(stderr, "mutants: %v\n", err)
		return 2
	}
	defer os.RemoveAll(orig)
	o.original = filepath.Join(orig, "simfuzz")
	if out, err := command(".", "go", "build", "-o", o.original, "./cmd/simfuzz"); err != nil {
		fmt.Fprintf(stderr, "mutants: the unmutated tree does not build: %v: %s\n", err, out)
		return 2
	}
	o.originals = map[string]string{".\x00./cmd/simfuzz": o.original}
	if o.rate > 0 {
		return rateMode(patches, o, stdout, stderr)
	}
	var rows []row
	for _, p := range patches {
		r := runMutant(p, o)
		fmt.Fprintln(stderr, r.progressLine())
		rows = append(rows, r)
	}
	printTable(stdout, rows)
	if detected(rows) < len(rows) {
		return 1
	}
	return 0
}

func findPatches(dir, only string) ([]string, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.patch"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range all {
		for _, word := range strings.Split(only, ",") {
			if strings.Contains(mutantName(p), word) {
				out = append(out, p)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no patches matching %q in %s", only, dir)
	}
	sort.Strings(out)
	return out, nil
}

// mutantName is the patch's file name without the extension, e.g. "01-figure8-commit".
func mutantName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".patch")
}

func detected(rows []row) int {
	n := 0
	for _, r := range rows {
		if r.detected {
			n++
		}
	}
	return n
}

func printTable(w io.Writer, rows []row) {
	fmt.Fprintf(w, "%-32s %-22s %7s %9s %-13s %s\n", "mutant", "detected", "seeds",
		"seconds", "shrunk", "regressions / note")
	var times []float64
	for _, r := range rows {
		det, seeds, secs, size := "no", "-", "-", "-"
		if r.detected {
			det = "yes (" + r.class + ")"
			seeds = fmt.Sprint(r.seeds)
			secs = fmt.Sprintf("%.1f", r.seconds)
			size = fmt.Sprintf("%d ops %d f", r.ops, r.faults)
			times = append(times, r.seconds)
		}
		fmt.Fprintf(w, "%-32s %-22s %7s %9s %-13s %s\n", r.name, det, seeds, secs, size,
			r.note)
	}
	fmt.Fprintf(w, "mutants: %d/%d detected, median %s s\n", detected(rows), len(rows),
		median(times))
}

func median(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	slices.Sort(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return fmt.Sprintf("%.1f", m)
}
