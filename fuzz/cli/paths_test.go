package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/report"
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

// replay checks --html before it runs: a view path that cannot be written is exit 2 with
// the reason, for a passing scenario too (it used to print the verdict and exit 0).
func TestReplayChecksItsViewFirst(t *testing.T) {
	failing := toyFailure(t, t.TempDir())
	html := filepath.Join(unwritable(t), "v.html")
	for _, args := range [][]string{{"--seed", "4"}, {failing}} {
		args = append([]string{"replay", "--target", "toy-kv", "--html", html}, args...)
		code, out, stderr := runToys(t, nil, args...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.Contains(t, stderr, "--html "+html+": cannot write there")
		require.Contains(t, stderr, "nothing was replayed")
		require.Empty(t, out)
	}
	code, _, stderr := runToys(t, nil, "replay", "--target", "toy-kv", "--html", t.TempDir(),
		failing)
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "is a directory")
}

// A view that cannot be written after the run (the disk filled meanwhile) is exit 2,
// said after the verdict.
func TestReplayViewWrittenLateIsAnError(t *testing.T) {
	var out, errOut bytes.Buffer
	a := &app{stdout: &out, stderr: &errOut}
	err := a.finishReplay(filepath.Join(unwritable(t), "v.html"), report.Report{}, nil)
	require.Equal(t, 2, a.exitCode(err))
	require.Contains(t, errOut.String(), "history view not written")
	require.Contains(t, errOut.String(), "the verdict above stands")
	require.Empty(t, out.String())
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
