package fuzz_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
)

// TestRegressions replays every scenario saved under testdata/regressions on every go test:
// each was once a shrunk counterexample, and each must pass now. A file that fails is named.
// SIMFUZZ_REGRESSIONS=path/to/file.json replays one file only.
func TestRegressions(t *testing.T) {
	fuzz.RaftKV.Regressions(t, "") // RaftKV.RegressionsDir
}
