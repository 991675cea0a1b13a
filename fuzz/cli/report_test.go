package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// simfuzz report reads the summaries campaigns wrote (--summary) and writes one page.
func TestReportCommandWritesThePage(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a", "b"} {
		code, _, stderr := runToys(t, nil, "run", "--target", "toy-split", "--seeds", "20",
			"--shrink-runs", "3", "--summary", filepath.Join(dir, name+".json"),
			"--out", filepath.Join(dir, "out-"+name), "--found-exit", "0")
		require.Equal(t, 0, code, "--found-exit 0: %s", stderr)
	}
	out := filepath.Join(dir, "report.html")
	code, stdout, stderr := runToys(t, nil, "report", "--out", out,
		filepath.Join(dir, "*.json"))
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "report of 2 summaries")
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Contains(t, string(page), "<svg")
	require.Contains(t, string(page), "a.json")
	require.Contains(t, string(page), "toy-split has a")
}

func TestReportRefusesWhatIsNoSummary(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"seeds": 3}`), 0o644))
	for _, args := range [][]string{{"report"}, {"report", bad},
		{"report", filepath.Join(t.TempDir(), "none-*.json")}} {
		code, _, stderr := runToys(t, nil, args...)
		require.Equal(t, 2, code, "%v", args)
		require.True(t, strings.Contains(stderr, "simfuzz"), stderr)
	}
}
