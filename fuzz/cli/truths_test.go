package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// runToys runs the command in-process with the toy targets and the given environment.
func runToys(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	a := &app{targets: toyTargets(), stdout: &out, stderr: &errOut,
		getenv:       func(k string) string { return env[k] },
		watchSignals: watchSignals}
	code := a.main(args)
	return code, out.String(), errOut.String()
}

func TestSeedsZeroIsAnError(t *testing.T) {
	code, _, stderr := run(t, "run", "--seeds", "0")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "--seeds must be at least 1, got 0")
}

// A campaign whose time budget ends before its first seed ran says so and fails.
func TestRunThatRanNoSeedExitsTwo(t *testing.T) {
	code, out, stderr := run(t, "run", "--time", "1ns", "--json")
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "the campaign ran no seed")
	require.EqualValues(t, 0, decodeSummary(t, out).Seeds)
}

// Seed 0 is a seed like any other, for replay as for run.
func TestReplaySeedZero(t *testing.T) {
	code, out, stderr := run(t, "replay", "--seed", "0", "--trace", "0")
	require.Contains(t, []int{0, 1}, code, stderr)
	require.Contains(t, out, "seed 0;")
	require.FileExists(t, filepath.Join(defaultReplayDir, "seed-0.html"))
	code, _, stderr = run(t, "run", "--seed", "0", "--seeds", "1")
	require.Contains(t, []int{0, 1}, code, stderr)
}

// With --max-failures K the summary counts the seeds up to the K-th failure in seed order
// and says how many seeds finished past the limit: the same report whatever the jobs.
func TestMaxFailuresReportsTheFirstK(t *testing.T) {
	code, out, stderr := runToys(t, nil, "run", "--target", "toy-broken", "--seeds", "40",
		"--jobs", "4", "--max-failures", "2", "--shrink-runs", "0", "--json", "--out", ".")
	require.Equal(t, 1, code, stderr)
	sum := decodeSummary(t, out)
	require.Equal(t, 2, sum.Seeds)
	require.Equal(t, 2, sum.FailedSeeds)
	require.Equal(t, []uint64{1, 2}, []uint64{sum.Failures[0].Seed, sum.Failures[1].Seed})
	if sum.PastLimit != nil {
		require.Equal(t, sum.PastLimit.Seeds, len(sum.PastLimit.FailedSeeds),
			"every toy-broken seed fails")
	}
	_, text, _ := runToys(t, nil, "run", "--target", "toy-broken", "--seeds", "40",
		"--jobs", "1", "--max-failures", "2", "--shrink-runs", "0", "--out", ".")
	require.Contains(t, text, "seeds 2, failed 2 (invariant 2)")
}

// A flag error is printed once, without the whole usage.
func TestFlagErrorsArePrintedOnce(t *testing.T) {
	code, _, stderr := run(t, "run", "--sedes", "3")
	require.Equal(t, 2, code)
	require.Equal(t, 1, strings.Count(stderr, "flag provided but not defined: -sedes"),
		stderr)
	require.NotContains(t, stderr, "usage: simfuzz run")
	require.Contains(t, stderr, "run 'simfuzz run -h' for usage")
	code, _, stderr = run(t, "run", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, stderr, "usage: simfuzz run")
}

// Scenario file errors speak JSON, say where, and a file too large is refused unread.
func TestReplayErrorsSayWhere(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct{ body, want string }{
		"list": {`[1]`, "the file: want a JSON object, not a JSON list"},
		"nested": {`{"version": 1, "faults": [{}, {"nod": 1}]}`,
			`faults[1]: unknown field "nod"`},
	}
	for name, c := range cases {
		path := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(path, []byte(c.body), 0o644))
		code, out, stderr := run(t, "replay", path)
		require.Equal(t, 2, code)
		require.Contains(t, stderr, c.want)
		require.NotContains(t, stderr, "harness.")
		require.Empty(t, out)
	}
	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte(" "), 5<<20), 0o644))
	code, out, stderr := run(t, "replay", big)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "a scenario file holds at most 4194304")
	require.Empty(t, out, "nothing is echoed")
}

// toyFailure saves a toy-kv scenario that fails: two clients, one key, a lost write.
func toyFailure(t *testing.T, dir string) string {
	t.Helper()
	tg := toyTarget("toy-kv", false)
	for seed := uint64(1); ; seed++ {
		require.Less(t, seed, uint64(200), "no failing toy-kv seed")
		s := tg.ScenarioForSeed(seed, tg.Options())
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if res.Failure != nil {
			path := filepath.Join(dir, "toy.json")
			require.NoError(t, scenario.SaveScenario(path, s))
			return path
		}
	}
}

// shrink writes a smaller scenario, and says so with exit code 3 (writing nothing) when
// there is nothing smaller.
func TestShrinkSaysWhenNothingIsSmaller(t *testing.T) {
	dir := t.TempDir()
	path := toyFailure(t, dir)
	min := filepath.Join(dir, "min.json")
	code, out, stderr := runToys(t, nil, "shrink", "--target", "toy-kv", "--out", min, path)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "->")
	for round := 0; ; round++ {
		require.Less(t, round, 3, "shrinking never reaches a fixed point")
		again := filepath.Join(dir, fmt.Sprintf("again-%d.json", round))
		code, out, stderr = runToys(t, nil, "shrink", "--target", "toy-kv", "--out", again,
			min)
		if code == 0 {
			min = again // budget ran out before; shrink what it found
			continue
		}
		require.Equal(t, 3, code, stderr)
		require.Contains(t, out, "no smaller failing scenario found")
		require.NoFileExists(t, again, "a scenario identical to the input is not written")
		return
	}
}

// --time 0 is refused like any other duration that is not positive, naming the way to run
// without a time limit; it used to mean "no limit" while --time -5s was an error.
func TestTimeZeroIsRefused(t *testing.T) {
	for _, d := range []string{"0", "0s", "-5s"} {
		code, out, stderr := run(t, "run", "--time", d)
		require.Equal(t, 2, code, "--time %s: %s", d, stderr)
		require.Contains(t, stderr, "--time must be positive, got ")
		require.Contains(t, stderr, "leave --time out for a campaign bounded by --seeds alone")
		require.Empty(t, out)
	}
}

// Seeds never wrap around past the largest uint64: a campaign whose seeds would is refused,
// naming the problem, and a campaign bounded by time stops at the end of the range.
func TestSeedRangeDoesNotWrap(t *testing.T) {
	cases := [][]string{
		{"--seed", "18446744073709551615"}, // the default 10000 seeds
		{"--seed", "18446744073709551610", "--seeds", "7"},
		{"--seed", "18446744073709551600", "--seeds", "5", "--shard", "3/4"},
	}
	for _, args := range cases {
		code, out, stderr := run(t, append([]string{"run"}, args...)...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.Contains(t, stderr, "past 18446744073709551615, the largest seed", args)
		require.Empty(t, out)
	}
	code, _, stderr := runToys(t, map[string]string{"SIMFUZZ_SEED": "18446744073709551615"},
		"run", "--target", "toy-kv", "--seeds", "2")
	require.Equal(t, 2, code, stderr)
	require.Contains(t, stderr, "past 18446744073709551615")

	code, out, stderr := runToys(t, nil, "run", "--target", "toy-kv", "--seed",
		"18446744073709551614", "--time", "5s", "--json", "--guided=false")
	require.Contains(t, []int{0, 1}, code, stderr)
	sum := decodeSummary(t, out)
	require.Equal(t, 2, sum.Seeds, "the last two seeds, then the range ends")
	require.Equal(t, uint64(18446744073709551614), sum.SeedHashes[0].Seed)
	require.Equal(t, uint64(18446744073709551615), sum.SeedHashes[1].Seed)
	code, _, stderr = runToys(t, nil, "run", "--target", "toy-kv", "--seed",
		"18446744073709551614", "--seeds", "2", "--guided=false")
	require.Contains(t, []int{0, 1}, code, stderr)
}

// toyFailures saves n different failing toy-kv scenarios, each as DIR/seed-S/original.json
// like a campaign folder, and returns their paths.
func toyFailures(t *testing.T, dir string, n int) []string {
	t.Helper()
	tg := toyTarget("toy-kv", false)
	var paths []string
	for seed := uint64(1); len(paths) < n; seed++ {
		require.Less(t, seed, uint64(500), "too few failing toy-kv seeds")
		s := tg.ScenarioForSeed(seed, tg.Options())
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if res.Failure != nil {
			path := filepath.Join(dir, fmt.Sprintf("seed-%d", seed), "original.json")
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, scenario.SaveScenario(path, s))
			paths = append(paths, path)
		}
	}
	return paths
}

// Two failures whose files share a name (every campaign folder holds an original.json)
// shrink to two files, named after their folders; and a default output never replaces an
// earlier one, so shrinking a file again keeps both results.
func TestShrinkDefaultOutputsNeverCollide(t *testing.T) {
	t.Chdir(t.TempDir())
	paths := toyFailures(t, t.TempDir(), 2)
	var outs []string
	for _, p := range append(paths, paths[0]) {
		var out, errOut bytes.Buffer
		a := &app{targets: toyTargets(), stdout: &out, stderr: &errOut,
			getenv: func(string) string { return "" }, watchSignals: watchSignals}
		require.Equal(t, 0, a.main([]string{"shrink", "--target", "toy-kv", p}),
			errOut.String())
		outs = append(outs, strings.Fields(out.String())[0])
	}
	seed := filepath.Base(filepath.Dir(paths[0]))
	require.Equal(t, filepath.Join(defaultShrinkDir, seed+"-original.min.json"), outs[0])
	require.Equal(t, filepath.Join(defaultShrinkDir, seed+"-original-2.min.json"), outs[2])
	require.NotEqual(t, outs[0], outs[1])
	for i, o := range outs {
		s, err := scenario.LoadScenario(o)
		require.NoError(t, err, o)
		src, err := scenario.LoadScenario(paths[i%2])
		require.NoError(t, err)
		require.Equal(t, src.Seed, s.Seed, "%s is the shrink of %s", o, paths[i%2])
	}
	entries, err := os.ReadDir(defaultShrinkDir)
	require.NoError(t, err)
	require.Len(t, entries, 3)
}

// The seeds past --max-failures read as seeds that were running, not as more failures.
func TestPastLimitWording(t *testing.T) {
	for _, c := range []struct {
		failed []uint64
		want   string
	}{
		{[]uint64{}, "--max-failures 1 reached: no seed was handed out after it; 27 seeds " +
			"already running then finished past the limit, none of them failing; the " +
			"totals below leave them out\n"},
		{[]uint64{5, 9}, "--max-failures 1 reached: no seed was handed out after it; 27 " +
			"seeds already running then finished past the limit, 2 of them failing (seeds " +
			"5, 9); the totals below leave them out\n"},
	} {
		s := newSummary("toy-kv")
		s.PastLimit = &pastLimit{MaxFailures: 1, Seeds: 27, FailedSeeds: c.failed}
		var b bytes.Buffer
		s.print(&b)
		require.Contains(t, b.String(), c.want)
		require.NotContains(t, b.String(), "27 more")
	}
	s := newSummary("toy-kv")
	s.PastLimit = &pastLimit{MaxFailures: 1, Seeds: 1, FailedSeeds: []uint64{}}
	var b bytes.Buffer
	s.print(&b)
	require.Contains(t, b.String(), "; 1 seed already running then finished past the limit")
}

// A guided campaign shorter than a batch of 256 seeds reports the events its runs reached;
// it used to say that the Raft KV implements no Reporter, since only complete batches
// entered the corpus.
func TestGuidedCoverageCountsEverySeed(t *testing.T) {
	code, out, stderr := run(t, "run", "--seeds", "20", "--jobs", "2")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "guided: corpus of ")
	require.Contains(t, out, "runs per event: ")
	require.NotContains(t, out, "implements no")
	require.NotContains(t, out, "corpus of 0 scenarios")

	code, out, stderr = runToys(t, nil, "run", "--target", "toy-kv", "--seeds", "3")
	require.NotEqual(t, 2, code, stderr)
	require.Contains(t, out, "no run reported an event (the target implements no "+
		"nodeapi.Reporter, or none of its runs reached one)")
}
