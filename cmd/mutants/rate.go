package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// The rate mode (--rate N) answers how often the harness finds each mutant, not only how
// soon: it runs N seeds per mutant with no failure limit and counts the failing seeds that
// are the mutant's own, per 100,000 seeds. A campaign that finds a bug at seed 3 and never
// again is luck; one that fails 2,000 seeds in 100,000 finds it every time.
//
// Its campaigns are unguided (--guided=false): then seed s draws the same scenario on every
// build, so a failing seed is attributed to the mutant exactly when the same seed passes on
// the unmutated tree, which runs the same N seeds once per target.

// rateRow is the measurement of one mutant in the rate mode.
type rateRow struct {
	name, target string
	seeds        int // seeds the mutant's campaign ran (fewer than N if --time ran out)
	failed       int // failing seeds
	attributed   int // of those, seeds that pass on the unmutated tree
	first        int // campaign position of the first attributed failure (0: none)
	class        string
	note         string
}

// per100k is the attributed failures per 100,000 seeds.
func (r rateRow) per100k() float64 {
	if r.seeds == 0 {
		return 0
	}
	return float64(r.attributed) * 100000 / float64(r.seeds)
}

// rateSummary is the part of `simfuzz run --json` the rate mode reads.
type rateSummary struct {
	Seeds    int `json:"seeds"`
	Failures []struct {
		Seed            uint64 `json:"seed"`
		Class           string `json:"class"`
		FoundAfterSeeds int    `json:"found_after_seeds"`
	} `json:"failures"`
}

// rateCampaign runs bin over o.rate unguided seeds with no failure limit in dir.
func rateCampaign(bin, dir, target string, o options) (rateSummary, error) {
	args := []string{"run", "--json", "--guided=false", "--max-failures", "0",
		"--seeds", fmt.Sprint(o.rate), "--time", o.budget.String(),
		"--jobs", fmt.Sprint(o.jobs), "--shrink-runs", "20",
		"--out", filepath.Join(dir, "rate-out")}
	if target != "" {
		args = append(args, "--target", target)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	timer := timeLimit(cmd, o.budget)
	err := cmd.Run()
	timer.Stop()
	var sum rateSummary
	if jerr := json.Unmarshal(stdout.Bytes(), &sum); jerr != nil {
		return sum, fmt.Errorf("campaign failed: %v %v: %s", err, jerr,
			lastLine(stderr.String()))
	}
	return sum, nil
}

// failingSeeds is the set of seeds that failed in a campaign.
func failingSeeds(sum rateSummary) map[uint64]bool {
	set := map[uint64]bool{}
	for _, f := range sum.Failures {
		set[f.Seed] = true
	}
	return set
}

// rateMode measures every mutant's rate and prints the table; exit code as the campaign
// mode's.
func rateMode(patches []string, o options, stdout, stderr io.Writer) int {
	base := map[string]map[uint64]bool{} // target -> seeds failing on the unmutated tree
	var rows []rateRow
	for _, p := range patches {
		r := rateRow{name: mutantName(p)}
		var err error
		if r.target, err = patchTarget(p); err != nil {
			fmt.Fprintf(stderr, "mutants: %v\n", err)
			return 2
		}
		if _, done := base[r.target]; !done {
			orig, err := o.originalFor(p)
			if err != nil {
				fmt.Fprintf(stderr, "mutants: %v\n", err)
				return 2
			}
			sum, err := rateCampaign(orig, filepath.Dir(orig), r.target, o)
			if err != nil {
				fmt.Fprintf(stderr, "mutants: the unmutated tree: %v\n", err)
				return 2
			}
			base[r.target] = failingSeeds(sum)
			fmt.Fprintf(stderr, "unmutated %s: %d of %d seeds fail\n", targetName(r.target),
				len(sum.Failures), sum.Seeds)
		}
		r = rateOne(r, p, o, base[r.target])
		fmt.Fprintf(stderr, "mutant %s: %d attributed failures in %d seeds%s\n", r.name,
			r.attributed, r.seeds, r.note)
		rows = append(rows, r)
	}
	printRates(stdout, rows, o.rate)
	for _, r := range rows {
		if r.attributed == 0 {
			return 1
		}
	}
	return 0
}

// rateOne builds one mutant in a scratch copy and runs its rate campaign.
func rateOne(r rateRow, patch string, o options, base map[uint64]bool) rateRow {
	scratch, err := os.MkdirTemp("", "simfuzz-mutant-"+r.name+"-")
	if err != nil {
		r.note = "; " + err.Error()
		return r
	}
	if !o.keep {
		defer os.RemoveAll(scratch)
	}
	bin, err := prepare(".", patch, scratch)
	if err != nil {
		r.note = "; " + err.Error()
		return r
	}
	sum, err := rateCampaign(bin, scratch, r.target, o)
	if err != nil {
		r.note = "; " + err.Error()
		return r
	}
	return countAttributed(r, sum, base)
}

// countAttributed counts the failures of a mutant's campaign that are its own: those whose
// seed passes on the unmutated tree (base lists the seeds that fail there).
func countAttributed(r rateRow, sum rateSummary, base map[uint64]bool) rateRow {
	r.seeds, r.failed = sum.Seeds, len(sum.Failures)
	for _, f := range sum.Failures {
		if base[f.Seed] {
			continue
		}
		r.attributed++
		if r.first == 0 || f.FoundAfterSeeds < r.first {
			r.first, r.class = f.FoundAfterSeeds, f.Class
		}
	}
	return r
}

func targetName(t string) string {
	if t == "" {
		return "raft-kv"
	}
	return t
}

func printRates(w io.Writer, rows []rateRow, n int) {
	fmt.Fprintf(w, "%-36s %-16s %6s %6s %10s %12s\n", "mutant", "class", "seeds",
		"first", "attributed", "per 100,000")
	for _, r := range rows {
		first := "-"
		if r.first > 0 {
			first = fmt.Sprint(r.first)
		}
		fmt.Fprintf(w, "%-36s %-16s %6d %6s %10d %12.0f\n", r.name, r.class, r.seeds, first,
			r.attributed, r.per100k())
	}
	fmt.Fprintf(w, "rates: %d seeds per mutant, unguided; attributed = fails on the mutant, "+
		"passes on the unmutated tree\n", n)
}
