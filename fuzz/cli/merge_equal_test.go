package cli

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// merge says whether the merged shards equal one process, and why, in each case.
func TestMergeSaysWhenItEqualsOneProcess(t *testing.T) {
	type shardSpec struct {
		guided bool
		loaded int
		seeds  int
	}
	cases := map[string]struct {
		shards []shardSpec
		equal  bool
		reason string
	}{
		"unguided": {[]shardSpec{{false, 0, 600}, {false, 0, 600}}, true, "unguided"},
		"guided, small": {[]shardSpec{{true, 0, 256}, {true, 0, 256}}, true,
			"below the corpus's first use"},
		"guided, shards small, total large": {[]shardSpec{{true, 0, 300}, {true, 0, 300}},
			false, "ran 600 seeds, more than 512"},
		"guided, large": {[]shardSpec{{true, 0, 600}, {true, 0, 600}}, false,
			"its own corpus"},
		"mixed": {[]shardSpec{{true, 0, 10}, {false, 0, 10}}, false, "1 of the 2 shards"},
		"loaded corpus": {[]shardSpec{{true, 5, 10}, {true, 0, 10}}, false,
			"kept corpus"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			var files []string
			next := uint64(1)
			for i, sp := range c.shards {
				seeds := make([]uint64, sp.seeds)
				for k := range seeds {
					seeds[k] = next
					next++
				}
				s := shardSummary("raft-kv", seeds...)
				s.Guided, s.CorpusLoaded = sp.guided, sp.loaded
				files = append(files, writeSummary(t,
					filepath.Join(dir, "shard-"+string(rune('0'+i))+".json"), s))
			}
			code, out, stderr := run(t, "merge", "--json", filepath.Join(dir, "shard-*.json"))
			require.Equal(t, 0, code, stderr)
			sum := decodeSummary(t, out)
			require.Equal(t, len(files), sum.Shards, "the pattern is expanded")
			require.NotNil(t, sum.OneProcess)
			require.Equal(t, c.equal, sum.OneProcess.Equal, sum.OneProcess.Reason)
			require.Contains(t, sum.OneProcess.Reason, c.reason)
			_, text, _ := run(t, append([]string{"merge"}, files...)...)
			require.Contains(t, text, sum.OneProcess.Reason)
		})
	}
}

func TestMergePatternThatMatchesNothingIsAUsageError(t *testing.T) {
	code, _, stderr := run(t, "merge", filepath.Join(t.TempDir(), "shard-*.json"))
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "no file matches")
}

// What merge says holds on the Raft KV: guided shards of 512 seeds in all merge to one
// process's digest; 600 seeds in all, 300 a shard, do not, and merge says so.
func TestMergeVerdictMatchesTheDigests(t *testing.T) {
	for _, c := range []struct {
		perShard, total string
		equal           bool
	}{{"256", "512", true}, {"300", "600", false}} {
		dir := t.TempDir()
		var files []string
		for _, i := range []string{"0", "1"} {
			f := filepath.Join(dir, "shard-"+i+".json")
			code, _, stderr := run(t, "run", "--seeds", c.perShard, "--shard", i+"/2",
				"--summary", f, "--out", dir, "--found-exit", "0")
			require.Equal(t, 0, code, stderr)
			files = append(files, f)
		}
		code, out, stderr := run(t, "run", "--seeds", c.total, "--json", "--out", dir,
			"--found-exit", "0")
		require.Equal(t, 0, code, stderr)
		one := decodeSummary(t, out)
		code, out, stderr = run(t, append([]string{"merge", "--json", "--found-exit", "0"},
			files...)...)
		require.Equal(t, 0, code, stderr)
		merged := decodeSummary(t, out)
		require.Equal(t, c.equal, merged.OneProcess.Equal, merged.OneProcess.Reason)
		require.Equal(t, c.equal, merged.TraceDigest == one.TraceDigest,
			"merge says %q", merged.OneProcess.Reason)
	}
}
