package fuzz

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/shrink"
)

// finding is one failure of a property, explained: the scenario rapid drew, the failure of
// its structural shrink and the report to log. calls counts the property's calls since;
// paused says whether rapid's shrinking is held off until the second (see
// rapid_shrink.go), and until when other scenarios pass unrun while rapid shrinks on a
// shrink time the user chose.
type finding struct {
	drawn     scenario.Scenario
	failure   *harness.Failure
	log       string
	calls     int
	paused    bool
	passUntil time.Time
}

// fail logs the report and fails the property with the failure's message. It is the one
// place a finding fails a property, so that every failure of it has the same message and
// traceback, which rapid compares to tell a reproduced failure from a flaky one.
func (fd *finding) fail(t *rapid.T) {
	t.Log(fd.log)
	t.Fatalf("%s", fd.failure)
}

// judge runs the scenarios of one check in order and returns the finding of the first
// that fails, or nil when all pass. Once a test has a finding (keep), a check holding its
// failing scenario fails again at once, and while rapid shrinks (only on a shrink time the
// user chose) every other check passes unrun: the structural shrink has been done. Past
// that, a check is judged as any other, so a later rapid.Check of the same property finds
// what it finds.
func (p *prop) judge(t *rapid.T, batch []scenario.Scenario) *finding {
	if p.keep {
		if fd := p.earlier(t.Name()); fd != nil {
			if slices.ContainsFunc(batch, func(s scenario.Scenario) bool {
				return reflect.DeepEqual(fd.drawn, s)
			}) {
				return fd
			}
			if time.Now().Before(fd.passUntil) {
				return nil
			}
		}
	}
	results, err := p.runBatch(batch)
	if err != nil {
		t.Fatalf("harness error (not a bug in the system): %v", err)
	}
	for i, s := range batch {
		if fd := p.verdict(t, s, results[i]); fd != nil {
			return fd
		}
	}
	return nil
}

// verdict returns the finding the run res of s makes, or nil when it passes.
func (p *prop) verdict(t *rapid.T, s scenario.Scenario, res *harness.RunResult) *finding {
	f := p.fails(s, res)
	if f == nil {
		return nil
	}
	fd := p.explain(t.Name(), s, res, f)
	if p.keep {
		p.record(t.Name(), fd)
	}
	return fd
}

// record keeps fd as test's finding and holds rapid's shrinking off; when the user chose
// rapid's shrink time, other scenarios pass unrun for that long instead.
func (p *prop) record(test string, fd *finding) {
	fd.paused = pauseRapidShrink()
	if !fd.paused {
		fd.passUntil = time.Now().Add(rapidShrinkTime() + time.Second)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.found[test]; old != nil && old.paused {
		resumeRapidShrink()
	}
	p.found[test] = fd
}

// earlier returns the finding of test, if it has one, counting this call, and resumes
// rapid's shrinking on the second call after the finding.
func (p *prop) earlier(test string) *finding {
	p.mu.Lock()
	defer p.mu.Unlock()
	fd := p.found[test]
	if fd == nil {
		return nil
	}
	fd.calls++
	if fd.calls == 2 && fd.paused {
		fd.paused = false
		resumeRapidShrink()
	}
	return fd
}

// fails is the property's verdict on a run of s: the check's failure, or with twice the
// determinism check's.
func (p *prop) fails(s scenario.Scenario, res *harness.RunResult) *harness.Failure {
	f := p.check(s, res)
	if f == nil && p.twice {
		f = p.tg.Deterministic(s, res)
	}
	return f
}

// shrunk is a failure after the structural shrinker: the scenario, its run and failure,
// and the runs the shrink took.
type shrunk struct {
	s    scenario.Scenario
	res  *harness.RunResult
	f    *harness.Failure
	runs int
}

// shrink reduces s, which failed with f, by structure: a candidate must fail the property
// in the same class. If the minimal scenario does not fail again when rerun in full (a
// nondeterministic system), the original is kept: only a failure seen is reported.
func (p *prop) shrink(s scenario.Scenario, res *harness.RunResult, f *harness.Failure) shrunk {
	out := shrunk{s: s, res: res, f: f}
	same := func(c scenario.Scenario) bool {
		r, err := p.tg.Run(c, harness.RunOptions{TraceTail: 1})
		if err != nil {
			return false
		}
		g := p.fails(c, r)
		return g != nil && g.Class == f.Class
	}
	min, runs := shrink.ShrinkFor(s, p.tg.workload(), same, ShrinkRuns)
	out.runs = runs
	if reflect.DeepEqual(min, s) {
		return out
	}
	r, err := p.tg.Run(min, harness.RunOptions{})
	if err != nil {
		return out
	}
	if g := p.fails(min, r); g != nil && g.Class == f.Class {
		out.s, out.res, out.f = min, r, g
	}
	return out
}

// explain shrinks a failure of test by structure and writes its report: the HTML view,
// with SIMFUZZ_SAVE=1 the regression file, and the log text. Paths appear only in the log,
// never in the failure's message, which stays deterministic.
func (p *prop) explain(test string, s scenario.Scenario, res *harness.RunResult,
	f *harness.Failure) *finding {
	min := p.shrink(s, res, f)
	min.s.Note = fmt.Sprintf("found by %s (%s)", p.testName, min.f.Class)
	result := *min.res
	result.Failure = min.f // a check's own failure (nondeterminism) is not the run's
	rep := report.Report{Scenario: min.s, Result: &result, Repro: goTest("", test) +
		"  (rapid replays its fail file of the test first)"}
	if !p.keep {
		rep.Repro = goTest("", test) + "  (with the input go test saved under testdata/fuzz/)"
	}
	rep.HTMLPath = writeView(test, rep)
	if os.Getenv(EnvSave) == "1" {
		path, err := p.tg.saveRegression(p.testName, min.s)
		if err != nil {
			rep.ScenarioPath = "(not saved: " + err.Error() + ")"
		} else {
			rep.ScenarioPath = fromRoot(path)
		}
	}
	rep.Notes = p.notes(s, min, rep.ScenarioPath, test)
	return &finding{drawn: s, failure: min.f, log: rep.String()}
}

// notes are the report's lines on how the failure was found and how to keep it.
func (p *prop) notes(drawn scenario.Scenario, min shrunk, saved, test string) []string {
	ops, faults := drawn.Size()
	mops, mfaults := min.s.Size()
	notes := []string{fmt.Sprintf("shrunk by structure in %d runs: %s and %s drawn, %d and "+
		"%d left", min.runs, count(ops, "operation"), count(faults, "fault"), mops, mfaults)}
	if p.tg.Variant != "" {
		notes = append(notes, fmt.Sprintf("variant %s of target %s (never recorded in "+
			"the scenario: replaying the file runs the plain build)", p.tg.Variant, p.tg.Name))
	}
	if saved == "" || !fileExists(inPackage(saved)) {
		return append(notes, "save it: "+goTest(EnvSave+"=1", test))
	}
	notes = append(notes, "replay it: "+EnvRegressions+"="+saved+
		" go test -run Regressions ./"+packageDir())
	if p.tg.Command != "" {
		notes = append(notes, "or: "+p.tg.Command+" replay "+saved)
	}
	return notes
}

// writeView writes the HTML view of a failure of test under the temporary directory and
// returns its path, or why it was not written.
func writeView(test string, rep report.Report) string {
	dir := filepath.Join(os.TempDir(), "simfuzz", sanitize(test))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	path := filepath.Join(dir, "history.html")
	if err := report.WriteHistoryView(path, rep); err != nil {
		return "(not written: " + err.Error() + ")"
	}
	return path
}
