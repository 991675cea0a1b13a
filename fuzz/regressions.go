package fuzz

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// DefaultRegressionsDir is a target's RegressionsDir when it sets none: beside the test
// that uses it, since go test runs a test in its package's directory.
const DefaultRegressionsDir = "testdata/regressions"

// RegressionsDir is the built-in target's (RaftKV's) regressions directory, relative to
// package fuzz, whose tests keep the repository's testdata/regressions.
const RegressionsDir = "../testdata/regressions"

// regressionsDir is where the target's regressions live, relative to the test's package.
func (tg Target) regressionsDir() string {
	if tg.RegressionsDir == "" {
		return DefaultRegressionsDir
	}
	return tg.RegressionsDir
}

// Regressions replays every scenario file in dir that belongs to this target (files of other
// targets are left to theirs); each was once a shrunk counterexample and each must pass now.
// An empty dir means the target's RegressionsDir, where SIMFUZZ_SAVE=1 saves. A relative
// dir is taken from the test's package directory. SIMFUZZ_REGRESSIONS=FILE replays one
// file only (relative to the package directory or to the module root).
func (tg Target) Regressions(t *testing.T, dir string) {
	t.Helper()
	if dir == "" {
		dir = tg.regressionsDir()
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if one := os.Getenv(EnvRegressions); one != "" {
		files = []string{inPackage(one)}
	}
	ran := 0
	for _, path := range files {
		raw, err := readTargetName(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if raw != tg.Name {
			continue
		}
		ran++
		t.Run(filepath.Base(path), func(t *testing.T) { tg.replayRegression(t, path) })
	}
	if ran == 0 {
		t.Skipf("no regression scenarios of target %s in %s", tg.Name, dir)
	}
}

func (tg Target) replayRegression(t *testing.T, path string) {
	s, err := tg.Load(path)
	if err != nil {
		t.Fatalf("cannot load: %v", err)
	}
	res, err := tg.Run(s, harness.RunOptions{})
	if err != nil {
		t.Fatalf("%s: harness error: %v", path, err)
	}
	if res.Failure == nil {
		return
	}
	top, _, _ := strings.Cut(t.Name(), "/")
	file := fromRoot(path)
	rep := report.Report{Scenario: s, Result: res,
		Repro: goTest(EnvRegressions+"="+file, top)}
	if tg.Command != "" {
		rep.Notes = []string{"or: " + tg.Command + " replay " + file}
	}
	t.Log(rep.String())
	t.Fatalf("%s fails again: %v", file, res.Failure)
}

// readTargetName returns the target a scenario file names (the default when it names none).
func readTargetName(path string) (string, error) {
	s, err := scenario.ReadScenarioFile(path)
	if err != nil {
		return "", err
	}
	if s.Target == "" {
		return DefaultTargetName, nil
	}
	return s.Target, nil
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

// saveRegression saves s, a failure of test, into the target's regressions directory,
// which it creates, as <test>-<time>.json (-2, -3, ... when the name is taken); it returns
// the path, relative to the package directory. A file of the test with the same contents
// (a rerun from rapid's fail file) is kept rather than saved twice.
func (tg Target) saveRegression(test string, s scenario.Scenario) (string, error) {
	var buf bytes.Buffer
	if err := scenario.EncodeScenario(&buf, s); err != nil {
		return "", err
	}
	dir := tg.regressionsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	prefix := sanitize(test) + "-"
	same, _ := filepath.Glob(filepath.Join(dir, prefix+"*.json"))
	for _, path := range same {
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, buf.Bytes()) {
			return path, nil
		}
	}
	base := prefix + time.Now().Format("20060102-150405")
	path := filepath.Join(dir, base+".json")
	for i := 2; fileExists(path); i++ {
		path = filepath.Join(dir, fmt.Sprintf("%s-%d.json", base, i))
	}
	return path, report.WriteFileAtomic(path, buf.Bytes())
}
