package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// run runs the command, named simfuzz, in a fresh working directory, so that default
// output places (simfuzz-out/...) never land in the package's folder.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(t.TempDir())
	var out, errOut bytes.Buffer
	code := MainWith(MainOptions{Program: "simfuzz"}, args, &out, &errOut, fuzz.RaftKV)
	return code, out.String(), errOut.String()
}

func TestUsageErrorsExitTwo(t *testing.T) {
	cases := map[string][]string{
		"no command":         {},
		"unknown command":    {"launch"},
		"unknown flag":       {"run", "--sedes", "3"},
		"bad shard":          {"run", "--shard", "3/2"},
		"shard syntax":       {"run", "--shard", "half"},
		"negative time":      {"run", "--time", "-1s"},
		"bad jobs":           {"run", "--jobs", "0"},
		"negative limit":     {"run", "--max-failures", "-1"},
		"negative shrink":    {"run", "--shrink-runs", "-1"},
		"stray argument":     {"run", "extra"},
		"replay nothing":     {"replay"},
		"replay two files":   {"replay", "a.json", "b.json"},
		"replay file + seed": {"replay", "--seed", "3", "a.json"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, args...)
			require.Equal(t, 2, code, stderr)
			require.NotEmpty(t, stderr)
		})
	}
}

func TestRunJSONSummary(t *testing.T) {
	code, out, stderr := run(t, "run", "--seeds", "6", "--jobs", "2", "--json",
		"--out", t.TempDir())
	require.Contains(t, []int{0, 1}, code, stderr)
	var sum map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &sum), out)
	for _, field := range []string{"seeds", "failures", "events", "sim_seconds",
		"wall_seconds", "compression", "failures_by_class"} {
		require.Contains(t, sum, field)
	}
	require.EqualValues(t, 6, sum["seeds"])
	require.Positive(t, sum["events"])
	require.Positive(t, sum["sim_seconds"])
}

// Shards of one campaign run disjoint seeds that together cover the range.
func TestShardsAreDisjoint(t *testing.T) {
	seen := map[uint64]int{}
	for i := range 3 {
		sh, err := parseShard(strings.Join([]string{string(rune('0' + i)), "3"}, "/"))
		require.NoError(t, err)
		for k := range 4 {
			seen[sh.seed(10, k)]++
		}
	}
	require.Len(t, seen, 12)
	for s := uint64(10); s < 22; s++ {
		require.Equal(t, 1, seen[s], "seed %d", s)
	}
}

func TestReplayFileAndDeterminism(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := run(t, "replay", "--seed", "4", "--html", filepath.Join(dir, "v.html"))
	require.Contains(t, []int{0, 1}, code)
	require.FileExists(t, filepath.Join(dir, "v.html"))
	require.Contains(t, out, "--- scenario")

	path := filepath.Join(dir, "s.json")
	require.NoError(t, scenario.SaveScenario(path, fuzz.RaftKV.ScenarioForSeed(4, fuzz.Options())))
	code, out, stderr := run(t, "replay", "--check-determinism", "--html",
		filepath.Join(dir, "s.html"), path)
	require.Contains(t, []int{0, 1}, code, stderr)
	require.Contains(t, out, "determinism: two runs, same trace hash")
	require.FileExists(t, filepath.Join(dir, "s.html"))
}

func TestReplayRejectsMalformedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"version": 1, "sede": 3}`), 0o644))
	code, _, stderr := run(t, "replay", path)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown field "sede"`)
}

// shrink of a scenario that passes says so on stderr with its own exit code, 4: not 1,
// which means failures found, and nothing is written.
func TestShrinkPassingScenario(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	require.NoError(t, scenario.SaveScenario(path, fuzz.RaftKV.ScenarioForSeed(4, fuzz.Options())))
	code, out, stderr := run(t, "shrink", path)
	require.Equal(t, 4, code)
	require.Empty(t, out)
	require.Equal(t, "simfuzz: "+path+" passes: nothing to shrink (nothing written)\n", stderr)
	require.NoDirExists(t, defaultShrinkDir)
	code, _, _ = run(t, "shrink")
	require.Equal(t, 2, code)
}
