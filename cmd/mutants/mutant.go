package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/simfuzz/simfuzz/fuzz"
)

// row is the measurement of one mutant.
type row struct {
	name          string
	detected      bool
	class         string
	seeds         int
	seconds       float64
	ops, faults   int
	note          string
	regressions   int // committed regressions for this mutant
	regressionsOK int // of those, how many fail on the mutant as they must
	// seed is the campaign seed that detected the mutant and scenario its shrunk
	// counterexample; attributable says both pass on the unmutated tree, so the failure is
	// the mutant's and not some other bug's.
	seed         uint64
	scenario     string
	attributable bool
	// original is the detecting run's scenario file before shrinking (always saved by
	// the campaign; a guided campaign's scenario cannot be drawn again from its seed).
	original string
	// target is the simfuzz target the mutant's system is (from the patch's "target:"
	// line; empty for the default, the built-in Raft KV).
	target string
}

func (r row) progressLine() string {
	if r.detected {
		return fmt.Sprintf("mutant %s: detected (%s) after %d seeds, %.1f s", r.name, r.class,
			r.seeds, r.seconds)
	}
	return fmt.Sprintf("mutant %s: NOT detected (%s)", r.name, r.note)
}

// runMutant applies one patch to a scratch copy and measures the campaign against it.
func runMutant(patch string, o options) row {
	r := row{name: mutantName(patch)}
	scratch, err := os.MkdirTemp("", "simfuzz-mutant-"+r.name+"-")
	if err != nil {
		r.note = err.Error()
		return r
	}
	if o.keep {
		r.note = "scratch " + scratch + "; "
	} else {
		defer os.RemoveAll(scratch)
	}
	bin, err := prepare(".", patch, scratch)
	if err != nil {
		r.note += err.Error()
		return r
	}
	if r.target, err = patchTarget(patch); err != nil {
		r.note += err.Error()
		return r
	}
	original, err := o.originalFor(patch)
	if err != nil {
		r.note += err.Error()
		return r
	}
	r = firstAttributable(campaign(r, bin, scratch, o), original)
	return checkRegressions(r, bin, o.regress)
}

// prepare copies the tree at root, applies the patch and builds the patch's simfuzz command
// (see patchBuild); it returns the binary's path.
func prepare(root, patch, scratch string) (string, error) {
	dir, pkg, err := patchBuild(patch)
	if err != nil {
		return "", err
	}
	return fuzz.Mutant{Root: root, Patch: patch, Module: dir, Command: pkg}.Build(scratch)
}

func command(dir, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// summary is the part of `simfuzz run --json` this tool reads.
type summary struct {
	Seeds    int `json:"seeds"`
	Failures []struct {
		Seed              uint64  `json:"seed"`
		Scenario          string  `json:"scenario"`
		Original          string  `json:"original"`
		Class             string  `json:"class"`
		Ops               int     `json:"ops"`
		Faults            int     `json:"faults"`
		FoundAfterSeeds   int     `json:"found_after_seeds"`
		FoundAfterSeconds float64 `json:"found_after_seconds"`
		Message           string  `json:"message"`
	} `json:"failures"`
}

// campaign runs the mutant's simfuzz until its first failure or the budget.
// maxCandidates is how many failing seeds a campaign collects: a failure that the unmutated
// tree shares is not the mutant's, and the campaign goes on to the next.
const maxCandidates = 3

// campaign runs the mutant's simfuzz until maxCandidates failures or the budget, and returns
// one detection per failure in seed order (or r alone, with a note, when none).
func campaign(r row, bin, scratch string, o options) []row {
	// --shrink-all: every candidate needs its shrunk counterexample for attribute, and
	// candidates may share a signature (every linearizability failure looks alike to one).
	args := append(r.targetArgs(), "--json", "--guided="+fmt.Sprint(o.guided),
		"--max-failures", fmt.Sprint(maxCandidates), "--shrink-all",
		"--seeds", fmt.Sprint(o.seeds), "--time", o.budget.String(),
		"--jobs", fmt.Sprint(o.jobs), "--shrink-runs", "150",
		"--out", filepath.Join(scratch, "out"))
	cmd := exec.Command(bin, append([]string{"run"}, args...)...)
	cmd.Dir = scratch
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	timer := timeLimit(cmd, o.budget)
	err := cmd.Run()
	timer.Stop()
	var sum summary
	if jerr := json.Unmarshal(stdout.Bytes(), &sum); jerr != nil {
		r.note += fmt.Sprintf("campaign failed: %v %v: %s", err, jerr, lastLine(stderr.String()))
		return []row{r}
	}
	if len(sum.Failures) == 0 {
		r.note += fmt.Sprintf("no failure in %d seeds", sum.Seeds)
		return []row{r}
	}
	var found []row
	for _, f := range sum.Failures {
		d := r
		d.detected, d.class = true, f.Class
		d.seeds, d.seconds, d.seed = f.FoundAfterSeeds, f.FoundAfterSeconds, f.Seed
		d.ops, d.faults = f.Ops, f.Faults
		d.scenario, d.original = inScratch(scratch, f.Scenario), inScratch(scratch, f.Original)
		found = append(found, d)
	}
	return found
}

// inScratch resolves a path the campaign printed relative to its directory, scratch.
func inScratch(scratch, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(scratch, path)
}

// firstAttributable returns the first detection, in seed order, that is the mutant's own
// (see attribute); the notes of those that were not say why. With none, the mutant is not
// detected.
func firstAttributable(found []row, original string) row {
	var notes string
	for _, d := range found {
		d.note = notes + d.note
		if !d.detected {
			return d
		}
		a := attribute(d, original)
		if a.detected {
			return a
		}
		notes = a.note
	}
	last := found[len(found)-1]
	last.detected, last.note = false, notes
	return last
}

// attribute replays, on the unmutated build, both the campaign seed that detected the mutant
// and its shrunk counterexample: each must pass there, or the campaign found some other bug
// (a flaw of the base, or one the shrink drifted into) and the mutant does not count as
// detected.
func attribute(r row, original string) row {
	if !r.detected {
		return r
	}
	checks := []struct {
		what string
		args []string
	}{
		{fmt.Sprintf("detecting seed %d", r.seed), []string{"--seed", fmt.Sprint(r.seed)}},
		{"shrunk counterexample", []string{r.scenario}},
	}
	if r.original != "" { // the very scenario that failed, whichever way it was drawn
		checks[0].args = []string{r.original}
	}
	for _, c := range checks {
		args := append(append([]string{"replay"}, r.targetArgs()...), "--trace", "0",
			"--html", os.DevNull)
		cmd := exec.Command(original, append(args, c.args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			r.detected = false
			r.note += c.what + " fails without the mutant too: " + lastLine(string(out)) + "; "
			return r
		}
	}
	r.attributable = true
	return r
}

// targetArgs is the --target flag for the mutant's system, if it is not the default.
func (r row) targetArgs() []string {
	if r.target == "" {
		return nil
	}
	return []string{"--target", r.target}
}

// patchBuild reads the "build: DIR PACKAGE" line of a patch's description, if any: a mutant
// of a system in another Go module (examples/etcdraft) names the module's folder and its
// simfuzz command there. The default is the main module's ./cmd/simfuzz.
func patchBuild(patch string) (dir, pkg string, err error) {
	line, err := patchHeader(patch, "build: ")
	if err != nil || line == "" {
		return ".", "./cmd/simfuzz", err
	}
	f := strings.Fields(line)
	if len(f) != 2 {
		return "", "", fmt.Errorf("%s: the build line %q is not \"build: DIR PACKAGE\"",
			patch, line)
	}
	return f[0], f[1], nil
}

// patchTarget reads the "target: NAME" line of a patch's description (before the diff), if
// any: mutants of another built-in system name their target there.
func patchTarget(patch string) (string, error) { return patchHeader(patch, "target: ") }

// patchHeader returns the rest of the first description line (before the diff) that starts
// with prefix, trimmed; "" if none does.
func patchHeader(patch, prefix string) (string, error) {
	b, err := os.ReadFile(patch)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "--- ") || strings.HasPrefix(line, "diff ") {
			break
		}
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return strings.TrimSpace(rest), nil
		}
	}
	return "", nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// checkRegressions replays the committed regressions of this mutant on it: each must fail.
func checkRegressions(r row, bin, dir string) row {
	files, _ := filepath.Glob(filepath.Join(dir, "mutant-"+r.name+"*.json"))
	for _, f := range files {
		abs, _ := filepath.Abs(f)
		r.regressions++
		args := append(append([]string{"replay"}, r.targetArgs()...), "--trace", "0",
			"--html", os.DevNull, abs)
		cmd := exec.Command(bin, args...)
		if err := cmd.Run(); err != nil {
			if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
				r.regressionsOK++
			}
		}
	}
	if r.regressions > 0 {
		r.note += fmt.Sprintf("%d/%d regressions fail on the mutant", r.regressionsOK,
			r.regressions)
	}
	return r
}

// originalFor returns the unmutated build of the command patch's mutant runs (patchBuild),
// building it beside o.original the first time a module's command is asked for.
func (o options) originalFor(patch string) (string, error) {
	dir, pkg, err := patchBuild(patch)
	if err != nil {
		return "", err
	}
	key := dir + "\x00" + pkg
	if bin, ok := o.originals[key]; ok {
		return bin, nil
	}
	bin := filepath.Join(filepath.Dir(o.original), fmt.Sprintf("simfuzz-%d", len(o.originals)))
	if out, err := command(dir, "go", "build", "-o", bin, pkg); err != nil {
		return "", fmt.Errorf("the unmutated %s does not build: %v: %s", pkg, err, out)
	}
	o.originals[key] = bin
	return bin, nil
}
