package cli

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// A guided campaign runs the same scenarios at any number of jobs: the corpus grows in
// seed order, batch by batch. 3 batches is the least that draws from a snapshot.
func TestGuidedCampaignIsDeterministicAcrossJobs(t *testing.T) {
	seeds := "800" // batches 0-1 fresh, 2-3 from the corpus
	digest := func(jobs string) string {
		code, out, stderr := run(t, "run", "--seeds", seeds, "--jobs", jobs,
			"--json", "--shrink-runs", "0", "--out", t.TempDir())
		require.Contains(t, []int{0, 1}, code, stderr)
		return decodeSummary(t, out).TraceDigest
	}
	one := digest("1")
	require.Equal(t, one, digest("3"), "guided campaigns must not depend on --jobs")
	code, out, stderr := run(t, "run", "--guided=false", "--seeds", seeds, "--jobs", "1", "--json",
		"--shrink-runs", "0", "--out", t.TempDir())
	require.Contains(t, []int{0, 1}, code, stderr)
	require.NotEqual(t, one, decodeSummary(t, out).TraceDigest,
		"past the second batch a guided campaign runs mutations, not the plain draws")
}

// A guided failure names the original scenario, saved beside the shrunk one, and its
// repro line replays that file (its seed alone does not draw it again).
func TestGuidedFailureSavesTheOriginal(t *testing.T) {
	code, out, stderr := runToys(t, nil, "run", "--target", "toy-kv", "--guided", "--seeds",
		"600", "--jobs", "2", "--max-failures", "1", "--shrink-runs", "5", "--json",
		"--out", "out")
	require.Equal(t, 1, code, stderr)
	sum := decodeSummary(t, out)
	require.NotEmpty(t, sum.Failures)
	f := sum.Failures[0]
	require.FileExists(t, f.Original)
	require.Contains(t, f.Repro, "replay --target toy-kv "+f.Original)
	s, err := scenario.ReadScenarioFile(f.Original)
	require.NoError(t, err)
	require.Equal(t, f.OriginalFaults, len(s.Faults))
}

func TestCorpusSnapshotsHoldStill(t *testing.T) {
	c := fuzz.NewCorpus()
	require.Nil(t, c.Snapshot())
	require.True(t, c.Add(scenario.Scenario{Seed: 1}, []string{"a#1"}))
	sn := c.Snapshot()
	require.True(t, c.Add(scenario.Scenario{Seed: 2}, []string{"b#1"}))
	require.Equal(t, 2, c.Len())
	require.NotNil(t, sn)
	// The earlier snapshot still holds one scenario only.
	for i := range 20 {
		require.Equal(t, uint64(1), sn.Pick(rand.New(rand.NewPCG(uint64(i), 1))).Seed)
	}
}
