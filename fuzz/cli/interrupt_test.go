package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The first SIGINT stops a campaign gracefully: exit 130 and the summary of the seeds that
// finished, marked interrupted, on stdout.
func TestRunInterruptedBySIGINT(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	p := startSimfuzz(t, dir, "run", "--seeds", "1000000", "--json", "--out", out)
	time.Sleep(1500 * time.Millisecond) // some seeds run (about a thousand a second)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGINT))
	code := p.wait(t, 30*time.Second)
	require.Equal(t, 130, code, "stderr:\n%s", p.stderr.String())
	var sum summary
	require.NoError(t, json.Unmarshal(p.stdout.Bytes(), &sum), p.stdout.String())
	require.True(t, sum.Interrupted)
	require.Positive(t, sum.Seeds, "the partial summary counts the seeds that finished")
	require.Less(t, sum.Seeds, 1000000)
	require.Len(t, sum.SeedHashes, sum.Seeds-sum.Errors)
	require.Contains(t, p.stderr.String(), "waiting for the running ones")
	requireCompleteArtifacts(t, out, &sum)
}

// Interrupted while failing seeds are being shrunk and saved, a campaign finishes them:
// every seed folder is complete, no temporary name is left, and the summary lists exactly
// the failures whose folders exist. (--shrink-all: the toy's failures share a signature.)
func TestRunInterruptedKeepsEveryArtifact(t *testing.T) {
	out := t.TempDir()
	p := startChild(t, t.TempDir(), "run", "--target", "toy-kv", "--seeds", "1000000",
		"--json", "--jobs", "2", "--shrink-runs", "30", "--shrink-all", "--max-failures",
		"0", "--out", out)
	require.Eventually(t, func() bool { return countSeedDirs(t, out) >= 3 },
		20*time.Second, 20*time.Millisecond, "no failures saved")
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	code := p.wait(t, 30*time.Second)
	require.Equal(t, 130, code, "stderr:\n%s", p.stderr.String())
	var sum summary
	require.NoError(t, json.Unmarshal(p.stdout.Bytes(), &sum), p.stdout.String())
	require.True(t, sum.Interrupted)
	require.GreaterOrEqual(t, len(sum.Failures), 3)
	requireCompleteArtifacts(t, out, &sum)
}

func countSeedDirs(t *testing.T, dir string) int {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "seed-") {
			n++
		}
	}
	return n
}

// requireCompleteArtifacts checks that out holds one complete folder per saved failure of
// sum and nothing else: no temporary names, no folder of a failure the summary does not
// know. A failure that was not shrunk (its signature's first seed was) holds its
// original.json alone, in a guided campaign.
func requireCompleteArtifacts(t *testing.T, out string, sum *summary) {
	t.Helper()
	want := map[string]bool{}
	for _, f := range sum.Failures {
		switch {
		case f.Scenario != "":
			want[filepath.Base(filepath.Dir(f.Scenario))] = true
		case f.Original != "":
			want[filepath.Base(filepath.Dir(f.Original))] = false
		}
	}
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	for _, e := range entries {
		shrunk, ok := want[e.Name()]
		require.True(t, ok, "%s in --out is not a failure of the summary", e.Name())
		delete(want, e.Name())
		if shrunk {
			requireCompleteSeedDir(t, filepath.Join(out, e.Name()))
		} else {
			requireOriginalOnly(t, filepath.Join(out, e.Name()))
		}
	}
	require.Empty(t, want, "failures of the summary without a folder")
}

// requireOriginalOnly checks the folder of a failure that was counted, not shrunk.
func requireOriginalOnly(t *testing.T, dir string) {
	t.Helper()
	_, err := scenario.LoadScenario(filepath.Join(dir, "original.json"))
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "%s holds other files", dir)
}

func requireCompleteSeedDir(t *testing.T, dir string) {
	t.Helper()
	_, err := scenario.LoadScenario(filepath.Join(dir, "scenario.json"))
	require.NoError(t, err)
	_, err = scenario.LoadScenario(filepath.Join(dir, "original.json"))
	require.NoError(t, err)
	page, err := os.ReadFile(filepath.Join(dir, "history.html"))
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(bytes.TrimSpace(page), []byte("</html>")), dir)
	report, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	require.NoError(t, err)
	require.Contains(t, string(report), "--- scenario", dir)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 4, "%s holds other files", dir)
}

// A second signal returns at once, listing the seeds that were still running.
func TestRunSecondSignalAbandonsRunningSeeds(t *testing.T) {
	release, started := make(chan struct{}), make(chan struct{}, 8)
	defer close(release)
	sig := make(chan os.Signal, 2)
	var stdout, stderr bytes.Buffer
	a := &app{targets: []fuzz.Target{fuzz.RaftKV, stuckTarget(release, started)},
		stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
		watchSignals: func() (<-chan os.Signal, func()) { return sig, func() {} }}
	done := make(chan int)
	go func() {
		done <- a.main([]string{"run", "--target", "toy-stuck", "--seeds", "10", "--jobs",
			"2", "--json", "--out", t.TempDir()})
	}()
	<-started
	<-started
	sig <- os.Interrupt
	sig <- os.Interrupt
	select {
	case code := <-done:
		require.Equal(t, 130, code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("a second signal did not end the campaign")
	}
	var sum summary
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &sum), stdout.String())
	require.True(t, sum.Interrupted)
	require.Zero(t, sum.Seeds)
	require.Equal(t, []uint64{1, 2}, sum.Abandoned)
}
