package cli

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A build that fails every seed alike ends in seconds, with no flag: the campaign stops at
// the default --max-failures and shrinks one failure, the first of its signature; the
// others are counted under it.
func TestBrokenBuildFailsFastOncePerSignature(t *testing.T) {
	start := time.Now()
	code, out, stderr := runToys(t, nil, "run", "--target", "toy-broken", "--seeds",
		"100000", "--jobs", "2", "--json")
	elapsed := time.Since(start)
	require.Equal(t, 1, code, stderr)
	sum := decodeSummary(t, out)
	require.Equal(t, defaultMaxFailures, sum.FailedSeeds)
	require.Len(t, sum.Signatures, 1)
	g := sum.Signatures[0]
	require.Equal(t, signatureCount{Class: "invariant", Message: "invariant violated after " +
		"an event of <id> at <dur>: toy-broken is always broken", Count: sum.FailedSeeds,
		FirstSeed: 1, Seeds: []uint64{1, 2, 3, 4, 5}, Scenario: sum.Failures[0].Scenario}, *g)
	require.NotEmpty(t, g.Scenario)
	shrunk := 0
	for _, f := range sum.Failures {
		require.Equal(t, "invariant: "+g.Message, f.Signature)
		if f.ShrinkRuns > 0 || f.Scenario != "" {
			shrunk++
		} else {
			require.Contains(t, f.Note, "not shrunk: counted under seed 1, the first failure")
			require.FileExists(t, f.Original, "a guided failure keeps its scenario")
		}
	}
	require.Equal(t, 1, shrunk, "one failure is shrunk")
	require.Less(t, elapsed, 30*time.Second)
}

// Which failures are shrunk, and the signatures' counts, first seeds and seeds, do not
// depend on the jobs; the counts add up to the failing seeds.
func TestSignaturesAreTheSameAtAnyJobs(t *testing.T) {
	var sums []*summary
	for _, jobs := range []string{"1", "4"} {
		code, out, stderr := runToys(t, nil, "run", "--target", "toy-split", "--seeds", "60",
			"--jobs", jobs, "--json", "--shrink-runs", "10", "--max-failures", "0")
		require.Equal(t, 1, code, stderr)
		sums = append(sums, decodeSummary(t, out))
	}
	require.Equal(t, sums[0].Signatures, sums[1].Signatures)
	require.Equal(t, failureKeys(sums[0].Failures), failureKeys(sums[1].Failures))
	sum := sums[0]
	require.GreaterOrEqual(t, len(sum.Signatures), 2, "reads and writes")
	total := 0
	first := map[uint64]bool{}
	for _, g := range sum.Signatures {
		total += g.Count
		first[g.FirstSeed] = true
		require.Equal(t, g.FirstSeed, g.Seeds[0])
	}
	require.Equal(t, sum.FailedSeeds, total)
	for _, f := range sum.Failures {
		require.Equal(t, first[f.Seed], f.Scenario != "", "seed %d", f.Seed)
	}
}

// The text summary shows one block per signature, how many seeds share it, and the table
// of signatures.
func TestTextSummaryCountsSignatures(t *testing.T) {
	code, out, stderr := runToys(t, nil, "run", "--target", "toy-split", "--seeds", "30",
		"--shrink-runs", "5")
	require.Equal(t, 1, code, stderr)
	blocks := strings.Count(out, "FAIL seed ")
	require.GreaterOrEqual(t, blocks, 2, out)
	require.Equal(t, blocks, strings.Count(out, "\n  signature "), out)
	require.Contains(t, out, fmt.Sprintf("failures by signature (%d signatures, ", blocks))
	require.Contains(t, out, "  signature invariant: invariant violated after an event of "+
		"<id> at <dur>: toy-split has a read bug at key <id>\n  shared by ")
	require.Contains(t, out, "(first seed 1)\n")
}

// --shrink-all shrinks every failure.
func TestShrinkAll(t *testing.T) {
	code, out, stderr := runToys(t, nil, "run", "--target", "toy-broken", "--seeds", "6",
		"--shrink-runs", "5", "--shrink-all", "--json")
	require.Equal(t, 1, code, stderr)
	sum := decodeSummary(t, out)
	require.Len(t, sum.Failures, 6)
	for _, f := range sum.Failures {
		require.NotEmpty(t, f.Scenario, "seed %d", f.Seed)
	}
	require.Len(t, sum.Signatures, 1)
	require.Equal(t, 6, sum.Signatures[0].Count)
}

// The ledger names the first failure of a signature by campaign index, whatever the order
// the seeds finish in: a later seed that finishes first waits for the earlier ones.
func TestLedgerFirstIsByIndex(t *testing.T) {
	l := newLedger()
	var wg sync.WaitGroup
	var later struct {
		first uint64
		is    bool
	}
	wg.Go(func() { later.first, later.is = l.record(3, 30, "a") })
	time.Sleep(10 * time.Millisecond) // index 3 waits for 1 and 2
	first, is := l.record(1, 10, "b")
	require.Equal(t, uint64(10), first)
	require.True(t, is)
	first, is = l.record(2, 20, "a")
	require.Equal(t, uint64(20), first)
	require.True(t, is)
	wg.Wait()
	require.Equal(t, uint64(20), later.first)
	require.False(t, later.is)
	_, is = l.record(4, 40, "")
	require.False(t, is, "a seed that passed is no failure")
}
