package fuzz_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// TestRegressions replays every scenario saved under testdata/regressions on every go test:
// each was once a shrunk counterexample, and each must pass now. A file that fails is named.
// SIMFUZZ_REGRESSIONS=path/to/file.json replays one file only.
func TestRegressions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fuzz.RegressionsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if one := os.Getenv("SIMFUZZ_REGRESSIONS"); one != "" {
		files = []string{one}
	}
	if len(files) == 0 {
		t.Skip("no regression scenarios saved yet")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			s, err := harness.LoadScenario(path)
			if err != nil {
				t.Fatalf("cannot load: %v", err)
			}
			res, err := fuzz.Run(s, harness.RunOptions{})
			if err != nil {
				t.Fatalf("%s: harness error: %v", path, err)
			}
			if res.Failure != nil {
				t.Log(harness.Report{Scenario: s, Result: res,
					Repro: "simfuzz replay " + path}.String())
				t.Fatalf("%s fails again: %v", path, res.Failure)
			}
		})
	}
}
