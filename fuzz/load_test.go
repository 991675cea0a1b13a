package fuzz_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Loading a scenario file is capped however it is reached: an oversized file is refused
// with the limit named and the path, not read whole.
func TestTargetLoadRefusesAnOversizedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"note": "`+strings.Repeat("x", 5<<20)+`"}`),
		0o644))
	_, err := fuzz.RaftKV.Load(path)
	require.ErrorContains(t, err, "larger than")
	require.ErrorContains(t, err, path)
}

// A file of another target is refused with both names, before its operations are read in
// this target's vocabulary.
func TestTargetLoadRefusesAnotherTargetsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock.json")
	s := fuzz.RaftKV.ScenarioForSeed(3, fuzz.RaftKV.Options())
	s.Target = "lock-service"
	require.NoError(t, scenario.SaveScenario(path, s))
	_, err := fuzz.RaftKV.Load(path)
	require.ErrorContains(t, err, `scenario is for target "lock-service", not "raft-kv"`)
}
