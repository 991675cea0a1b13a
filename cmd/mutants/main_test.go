package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every committed mutant regression must fail on its mutant (and, through TestRegressions,
// pass without it): otherwise it no longer guards against the bug it was saved for. This
// builds one mutant per regression, so it is skipped with -short.
func TestMutantRegressionsFailOnTheirMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mutants; skipped with -short")
	}
	root := filepath.Join("..", "..")
	files, err := filepath.Glob(filepath.Join(root, "testdata", "regressions", "mutant-*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no mutant regressions committed")
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "mutant-"), ".json")
		t.Run(name, func(t *testing.T) {
			patch := filepath.Join(root, "testdata", "mutants", name+".patch")
			require.FileExists(t, patch)
			scratch := t.TempDir()
			require.NoError(t, prepare(root, patch, scratch))
			abs, err := filepath.Abs(f)
			require.NoError(t, err)
			cmd := exec.Command(filepath.Join(scratch, "bin", "simfuzz"), "replay", "--trace",
				"0", "--html", filepath.Join(scratch, "v.html"), abs)
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "replay on the mutant passed:\n%s", out)
			require.Equal(t, 1, ee.ExitCode(), "%s", out)
			require.Contains(t, string(out), "FAILURE")
		})
	}
}

func TestMedian(t *testing.T) {
	require.Equal(t, "-", median(nil))
	require.Equal(t, "2.0", median([]float64{3, 1, 2}))
	require.Equal(t, "2.5", median([]float64{4, 1, 2, 3}))
}
