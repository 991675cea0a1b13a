package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// unwritable is a path no one can create files under, root included: its parent is a file.
func unwritable(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	return filepath.Join(file, "out")
}

// run checks --out before the first seed: a campaign must not run for hours and then lose
// every failure it found.
func TestRunChecksOutBeforeTheFirstSeed(t *testing.T) {
	code, out, stderr := runToys(t, nil, "run", "--target", "toy-broken", "--seeds", "50",
		"--out", unwritable(t))
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "cannot write there")
	require.Contains(t, stderr, "no seed was run")
	require.Empty(t, out, "no summary: no seed ran")
}

// replay prints the verdict before it writes the view: an unwritable view path is reported
// after the verdict and the exit code is the verdict's.
func TestReplayVerdictSurvivesAnUnwritableView(t *testing.T) {
	path := toyFailure(t, t.TempDir())
	code, out, stderr := runToys(t, nil, "replay", "--target", "toy-kv", "--html",
		filepath.Join(unwritable(t), "v.html"), path)
	require.Equal(t, 1, code, stderr)
	require.Contains(t, out, "FAILURE (linearizability)")
	require.Contains(t, stderr, "history view not written")
}

// shrink checks its output path before it spends its runs.
func TestShrinkChecksItsOutputFirst(t *testing.T) {
	path := toyFailure(t, t.TempDir())
	code, out, stderr := runToys(t, nil, "shrink", "--target", "toy-kv", "--out",
		filepath.Join(unwritable(t), "min.json"), path)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "nothing was shrunk")
	require.Empty(t, out)
}

// Default outputs land under simfuzz-out/, never next to the scenario file (which may be
// in a tracked folder such as testdata/regressions).
func TestDefaultOutputsStayInSimfuzzOut(t *testing.T) {
	regressions := filepath.Join(t.TempDir(), "testdata", "regressions")
	require.NoError(t, os.MkdirAll(regressions, 0o755))
	path := toyFailure(t, regressions)
	code, _, stderr := runToys(t, nil, "replay", "--target", "toy-kv", "--trace", "0", path)
	require.Equal(t, 1, code, stderr)
	require.FileExists(t, filepath.Join("simfuzz-out", "replay", "toy.html"))
	code, _, stderr = runToys(t, nil, "shrink", "--target", "toy-kv", path)
	require.Contains(t, []int{0, 3}, code, stderr)
	if code == 0 {
		require.FileExists(t, filepath.Join("simfuzz-out", "shrink", "toy.min.json"))
	}
	entries, err := os.ReadDir(regressions)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the scenario itself is in its folder")
}
