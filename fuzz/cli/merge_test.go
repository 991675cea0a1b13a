package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// failureKey is what two campaigns over the same seeds must agree on for one failure. Not
// its shrunk form: each shard shrinks the first failure of each signature among its own
// seeds.
type failureKey struct {
	Seed                    uint64
	Class, Signature        string
	OriginalOps, OrigFaults int
}

func failureKeys(fs []*failureRecord) []failureKey {
	out := make([]failureKey, len(fs))
	for i, f := range fs {
		out[i] = failureKey{f.Seed, f.Class, f.Signature, f.OriginalOps, f.OriginalFaults}
	}
	return out
}

// signatureKeys drops the scenario paths, which name each process's --out.
func signatureKeys(gs []*signatureCount) []signatureCount {
	out := make([]signatureCount, len(gs))
	for i, g := range gs {
		out[i] = *g
		out[i].Scenario = ""
	}
	return out
}

func decodeSummary(t *testing.T, text string) *summary {
	t.Helper()
	var s summary
	require.NoError(t, json.Unmarshal([]byte(text), &s), text)
	return &s
}

// Four shards run as four processes, merged, equal one process running the same seeds:
// the same seeds, the same failures in the same order, the same signatures with the same
// counts and first seeds, the same trace digest.
func TestMergeOfShardsEqualsOneCampaign(t *testing.T) {
	dir := t.TempDir()
	common := []string{"run", "--guided=false", "--target", "toy-kv", "--json", "--jobs", "1",
		"--shrink-runs", "20"}
	procs := make([]*proc, 4)
	files := make([]string, 4)
	for i := range procs {
		args := append(common, "--seeds", "12", "--shard", fmt.Sprintf("%d/4", i),
			"--out", filepath.Join(dir, fmt.Sprint("out-", i)))
		procs[i] = startChild(t, dir, args...)
	}
	code, out, stderr := runChild(t, dir, append(common, "--seeds", "48", "--out",
		filepath.Join(dir, "out-all"))...)
	require.Equal(t, 1, code, "the toy must fail some seeds\n%s", stderr)
	whole := decodeSummary(t, out)
	for i, p := range procs {
		require.Contains(t, []int{0, 1}, p.wait(t, 60e9), p.stderr.String())
		files[i] = filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		require.NoError(t, os.WriteFile(files[i], p.stdout.Bytes(), 0o644))
	}
	code, out, stderr = run(t, append([]string{"merge", "--json"}, files...)...)
	require.Equal(t, 1, code, stderr)
	merged := decodeSummary(t, out)
	require.Equal(t, 4, merged.Shards)
	require.Equal(t, whole.Seeds, merged.Seeds)
	require.Equal(t, whole.SeedHashes, merged.SeedHashes)
	require.Equal(t, whole.TraceDigest, merged.TraceDigest)
	require.Equal(t, whole.FailedSeeds, merged.FailedSeeds)
	require.Equal(t, whole.ByClass, merged.ByClass)
	require.Equal(t, failureKeys(whole.Failures), failureKeys(merged.Failures))
	require.NotEmpty(t, whole.Signatures)
	require.Equal(t, signatureKeys(whole.Signatures), signatureKeys(merged.Signatures))
	for _, g := range merged.Signatures {
		require.NotEmpty(t, g.Scenario, "the first seed of %s:%s was shrunk", g.Class,
			g.Message)
	}
	require.Equal(t, whole.Events, merged.Events)
	require.Equal(t, whole.Ops, merged.Ops)

	code, text, _ := run(t, append([]string{"merge"}, files...)...)
	require.Equal(t, 1, code)
	require.Contains(t, text, "merged 4 shard summaries")
	require.Contains(t, text, "trace digest "+whole.TraceDigest)
}

// writeSummary writes s as a --json summary file.
func writeSummary(t *testing.T, path string, s *summary) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

// shardSummary is the summary of a small toy campaign over seeds.
func shardSummary(target string, seeds ...uint64) *summary {
	var outs []outcome
	for i, s := range seeds {
		outs = append(outs, outcome{index: i + 1, seed: s, hash: s * 31, events: 10})
	}
	sum := buildSummary(target, outs, 0)
	sum.finish(0)
	return sum
}

func TestMergeRefusesWhatDoesNotAddUp(t *testing.T) {
	dir := t.TempDir()
	a := writeSummary(t, filepath.Join(dir, "a.json"), shardSummary("toy-kv", 1, 3))
	b := writeSummary(t, filepath.Join(dir, "b.json"), shardSummary("toy-kv", 2, 4))
	overlap := writeSummary(t, filepath.Join(dir, "c.json"), shardSummary("toy-kv", 4, 5))
	other := writeSummary(t, filepath.Join(dir, "d.json"), shardSummary("raft-kv", 6))
	edited := shardSummary("toy-kv", 7)
	edited.SeedHashes[0].Hash = "00000000000000ff"
	bad := writeSummary(t, filepath.Join(dir, "e.json"), edited)

	code, out, stderr := run(t, "merge", a, b)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "seeds 4, failed 0")

	for name, c := range map[string]struct {
		files []string
		want  string
	}{
		"overlap": {[]string{a, b, overlap}, "seed 4 is in " + b + " and in " + overlap},
		"targets": {[]string{a, other}, `target "toy-kv", ` + other + ` of "raft-kv"`},
		"edited":  {[]string{a, bad}, "is not the digest of its seed_hashes"},
		"nothing": {nil, "merge needs"},
	} {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"merge"}, c.files...)...)
			require.Equal(t, 2, code)
			require.Contains(t, stderr, c.want)
		})
	}
}

// A merged campaign with an interrupted shard is incomplete and does not pass.
func TestMergeOfAnInterruptedShardFails(t *testing.T) {
	dir := t.TempDir()
	s := shardSummary("toy-kv", 1)
	s.Interrupted = true
	path := writeSummary(t, filepath.Join(dir, "a.json"), s)
	code, out, stderr := run(t, "merge", "--json", path)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "incomplete")
	require.True(t, decodeSummary(t, out).Interrupted)
}
