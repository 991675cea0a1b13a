package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A second campaign on a kept corpus starts from it: it loads the scenarios the first one
// saved, its corpus holds their features before its first seed, and what it draws from
// the loaded corpus is the same at any --jobs.
func TestSecondCampaignStartsFromTheKeptCorpus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	code, out, stderr := run(t, "run", "--seeds", "300", "--corpus", dir, "--json",
		"--out", t.TempDir())
	require.Contains(t, []int{0, 1}, code, stderr)
	first := decodeSummary(t, out)
	require.Zero(t, first.CorpusLoaded)
	require.Positive(t, first.CorpusSaved)
	files, err := filepath.Glob(filepath.Join(dir, "raft-kv-*.json"))
	require.NoError(t, err)
	require.Len(t, files, first.CorpusSaved)

	copyDir := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, exec.Command("cp", "-r", dir, copyDir).Run())
	var digests []string
	for i, jobs := range []string{"1", "3"} {
		d := []string{dir, copyDir}[i]
		code, out, stderr = run(t, "run", "--seeds", "300", "--corpus", d, "--json",
			"--jobs", jobs, "--out", t.TempDir())
		require.Contains(t, []int{0, 1}, code, stderr)
		second := decodeSummary(t, out)
		require.Equal(t, first.CorpusSaved, second.CorpusLoaded)
		start := second.Coverage.Series[0]
		require.Zero(t, start.Seeds)
		require.Equal(t, first.Coverage.Features, start.Features,
			"the loaded corpus holds the first campaign's features before the first seed")
		digests = append(digests, second.TraceDigest)
	}
	require.Equal(t, digests[0], digests[1], "the same corpus gives the same campaign")
}

// A corpus directory shared with other targets, or holding a file that does not parse,
// costs one warning line per such file, never the campaign.
func TestCorpusSkipsForeignAndBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	foreign := `{"version": 1, "target": "lock-service", "seed": 1}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.json"), []byte(foreign), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "b.json"), []byte("{\"ver"), 0o644))
	code, out, stderr := run(t, "run", "--seeds", "20", "--corpus", dir, "--json",
		"--out", t.TempDir())
	require.Contains(t, []int{0, 1}, code, stderr)
	sum := decodeSummary(t, out)
	require.Equal(t, 0, sum.CorpusLoaded)
	require.Equal(t, 2, sum.CorpusSkipped)
	var warnings []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, "warning: corpus") {
			warnings = append(warnings, line)
		}
	}
	require.Len(t, warnings, 2, stderr)
	require.Contains(t, warnings[0], "a.json")
	require.Contains(t, warnings[0], "lock-service")
	require.Contains(t, warnings[1], "b.json")
}

func TestCorpusNeedsAGuidedCampaign(t *testing.T) {
	code, _, stderr := run(t, "run", "--seeds", "2", "--guided=false", "--corpus",
		t.TempDir())
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--corpus")
}
