package fuzz

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Check is the body of a property: given the scenario rapid drew and its result, it returns
// the failure it cares about, or nil.
type Check func(s scenario.Scenario, res *harness.RunResult) *harness.Failure

// FailsWith returns a Check that fails on the given classes of failure.
func FailsWith(classes ...harness.FailureClass) Check {
	return func(_ scenario.Scenario, res *harness.RunResult) *harness.Failure {
		for _, c := range classes {
			if res.Failure != nil && res.Failure.Class == c {
				return res.Failure
			}
		}
		return nil
	}
}

// Property returns a rapid property over generated scenarios that runs each against the
// target's system and fails when check says so. On failure it logs the full report (with the
// one-line repro and the path of the HTML view) and, with SIMFUZZ_SAVE=1, saves the
// scenario under testdata/regressions. With SIMFUZZ_CHECK_DETERMINISM=1 every scenario that
// passes check runs a second time and must give the same trace hash, event count and
// history. The Fatalf message is deterministic, so rapid can confirm every shrink step.
func (tg Target) Property(testName string, o generators.Options, check Check) func(*rapid.T) {
	gen := generators.Scenario(o)
	twice, envErr := checkDeterminismEnv()
	return func(t *rapid.T) {
		if envErr != nil {
			t.Fatalf("%v", envErr)
		}
		s := gen.Draw(t, "scenario")
		s.Target = tg.Name
		res, err := tg.Run(s, harness.RunOptions{})
		if err != nil {
			t.Fatalf("harness error (not a bug in the system): %v", err)
		}
		f := check(s, res)
		if f == nil && twice {
			f = tg.Deterministic(s, res)
		}
		if f == nil {
			return
		}
		s.Note = fmt.Sprintf("found by %s (%s)", testName, f.Class)
		t.Log(failureReport(testName, s, res))
		t.Fatalf("%s", f)
	}
}

// failureReport writes the HTML view (and, with SIMFUZZ_SAVE=1, the regression file) and
// renders the report. Paths appear only here, in the log, never in the Fatalf message.
func failureReport(testName string, s scenario.Scenario, res *harness.RunResult) string {
	rep := report.Report{Scenario: s, Result: res,
		Repro: fmt.Sprintf("go test -run '^%s$' ./fuzz/ -rapid.failfile=<printed below> "+
			"(or save with SIMFUZZ_SAVE=1 and run go test -run Regressions ./fuzz/)", testName)}
	dir := filepath.Join(os.TempDir(), "simfuzz", sanitize(testName))
	if err := os.MkdirAll(dir, 0o755); err == nil {
		rep.HTMLPath = filepath.Join(dir, "history.html")
		if err := report.WriteHistoryView(rep.HTMLPath, rep); err != nil {
			rep.HTMLPath = "(not written: " + err.Error() + ")"
		}
	}
	if os.Getenv("SIMFUZZ_SAVE") == "1" {
		path := regressionPath(testName)
		if err := SaveRegression(path, s); err != nil {
			rep.ScenarioPath = "(not saved: " + err.Error() + ")"
		} else {
			rep.ScenarioPath = path
		}
	}
	return rep.String()
}

// SaveRegression writes a scenario file the way SIMFUZZ_SAVE=1 does: under a temporary
// name, renamed into place when complete, because a test killed halfway (a timeout, Ctrl-C)
// must not leave a truncated file that every later go test would fail to load.
func SaveRegression(path string, s scenario.Scenario) error {
	var buf bytes.Buffer
	if err := scenario.EncodeScenario(&buf, s); err != nil {
		return err
	}
	return report.WriteFileAtomic(path, buf.Bytes())
}

// checkDeterminismEnv reads SIMFUZZ_CHECK_DETERMINISM (1: run every scenario twice).
func checkDeterminismEnv() (bool, error) {
	v := os.Getenv(EnvCheckDeterminism)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want 1 or 0", EnvCheckDeterminism, v)
	}
	return b, nil
}

// RegressionsDir is where saved regressions live, relative to this package's directory
// (go test runs in the package directory).
const RegressionsDir = "../testdata/regressions"

var (
	saveNamesMu sync.Mutex
	saveNames   = map[string]string{}
)

// regressionPath gives each test one file per process: rapid calls the property again for
// every shrink step, and the last failing call (the minimal scenario) must win.
func regressionPath(testName string) string {
	saveNamesMu.Lock()
	defer saveNamesMu.Unlock()
	if p, ok := saveNames[testName]; ok {
		return p
	}
	name := fmt.Sprintf("%s-%s.json", sanitize(testName), time.Now().Format("20060102-150405"))
	p := filepath.Join(RegressionsDir, name)
	saveNames[testName] = p
	return p
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func sanitize(name string) string {
	return strings.Trim(unsafeChars.ReplaceAllString(name, "-"), "-")
}
