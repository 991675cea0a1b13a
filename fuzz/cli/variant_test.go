package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// storeTarget is a user's target with a bug flag: its plain build passes every run (one
// client), its variant bug-17 fails every run's invariant, and its variant same builds
// what New builds.
func storeTarget() fuzz.Target {
	tg := toyTarget("toy-store", false)
	tg.Tune = func(o *generators.Options) {
		o.Nodes, o.MaxClients, o.MaxOps, o.MaxKeys, o.Kinds = []int{1}, 1, 6, 2, nil
	}
	tg.Variants = map[string]func(map[string]int64) (nodeapi.System, error){
		"bug-17": func(map[string]int64) (nodeapi.System, error) {
			return &toySystem{broken: true}, nil
		},
		"same": tg.New,
	}
	return tg
}

// runStore runs storefuzz, a command with storeTarget alone.
func runStore(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCommand(t, storefuzz, []fuzz.Target{storeTarget()}, args...)
}

// --variant runs the variant; the summary and the repro lines say so, and no saved scenario
// records it: the saved files pass on the plain build and fail with --variant.
func TestVariantRunsAndIsNeverSaved(t *testing.T) {
	out := t.TempDir()
	args := []string{"run", "--seeds", "30", "--jobs", "1", "--max-failures", "1",
		"--shrink-runs", "5", "--out", out}
	code, text, stderr := runStore(t, append(args, "--json")...)
	require.Equal(t, 0, code, stderr)
	require.NotContains(t, text, `"variant"`, "the plain build names no variant")

	code, text, stderr = runStore(t, append(args, "--json", "--variant", "bug-17")...)
	require.Equal(t, 1, code, stderr)
	sum := decodeSummary(t, text)
	require.Equal(t, "bug-17", sum.Variant)
	f := sum.Failures[0]
	require.Equal(t, "storefuzz replay --variant bug-17 "+f.Original, f.Repro)
	require.Equal(t, "storefuzz replay --variant bug-17 "+f.Scenario, f.ReplayRepro)
	for _, path := range []string{f.Scenario, f.Original} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NotContains(t, string(data), "bug-17", "%s records the variant", path)
		code, _, stderr = runStore(t, "replay", "--trace", "0", path)
		require.Equal(t, 0, code, "the plain build passes %s: %s", path, stderr)
	}
	report, err := os.ReadFile(f.Report)
	require.NoError(t, err)
	require.Contains(t, string(report), "variant bug-17 of target toy-store")

	code, text, _ = runStore(t, "replay", "--variant", "bug-17", "--trace", "0", f.Scenario)
	require.Equal(t, 1, code)
	require.Contains(t, text, "repro: storefuzz replay --variant bug-17 "+f.Scenario+"\n")
	require.Contains(t, text, "variant bug-17 of target toy-store")

	_, text, _ = runStore(t, append(args, "--variant", "bug-17")...)
	require.Contains(t, text, "target toy-store, variant bug-17, trace digest")
}

// shrink shrinks on the variant and names it; its output does not record it.
func TestShrinkOnAVariant(t *testing.T) {
	out := t.TempDir()
	code, text, stderr := runStore(t, "run", "--seeds", "5", "--max-failures", "1", "--json",
		"--shrink-runs", "0", "--variant", "bug-17", "--out", out)
	require.Equal(t, 1, code, stderr)
	original := decodeSummary(t, text).Failures[0].Original
	code, _, stderr = runStore(t, "shrink", original)
	require.Equal(t, exitPasses, code)
	require.Contains(t, stderr, "passes: nothing to shrink")
	min := filepath.Join(out, "min.json")
	code, text, stderr = runStore(t, "shrink", "--variant", "bug-17", "--out", min, original)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, text, "(invariant on variant bug-17)")
	require.Contains(t, text, "repro: storefuzz replay --variant bug-17 "+min+"\n")
	data, err := os.ReadFile(min)
	require.NoError(t, err)
	require.NotContains(t, string(data), "bug-17")
}

// A variant runs, seed by seed, the scenarios of the plain build: a variant that builds the
// same system gives the same trace digest.
func TestVariantRunsThePlainScenarios(t *testing.T) {
	digest := func(args ...string) string {
		code, text, stderr := runStore(t, append([]string{"run", "--seeds", "600", "--json",
			"--jobs", "2", "--out", t.TempDir()}, args...)...)
		require.Equal(t, 0, code, stderr)
		return decodeSummary(t, text).TraceDigest
	}
	require.Equal(t, digest(), digest("--variant", "same"))
}

// An unknown variant is a usage error naming the known ones, on every command that runs.
func TestUnknownVariantIsRefused(t *testing.T) {
	path := toyFailure(t, t.TempDir())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var s map[string]any
	require.NoError(t, json.Unmarshal(raw, &s))
	s["target"] = "toy-store"
	raw, err = json.Marshal(s)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o644))
	for _, args := range [][]string{{"run", "--seeds", "1"}, {"replay", "--seed", "1"},
		{"replay", path}, {"shrink", path}, {"bench", "--seeds", "1"}} {
		code, out, stderr := runStore(t, append(args, "--variant", "bug-71")...)
		require.Equal(t, 2, code, "%v: %s", args, stderr)
		require.Contains(t, stderr, `unknown variant "bug-71" of target toy-store `+
			`(known: bug-17, same)`, args)
		require.Empty(t, out)
	}
	code, _, stderr := runCommand(t, storefuzz, toyTargets(), "run", "--variant", "x")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `unknown variant "x": target raft-kv has no variants`)
}

// targets lists each target's variants; a variant without a builder is refused.
func TestTargetsListsVariants(t *testing.T) {
	code, out, stderr := runCommand(t, storefuzz, []fuzz.Target{fuzz.RaftKV, storeTarget()},
		"targets")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "variants (--variant): bug-17, same\n")
	require.Equal(t, 1, strings.Count(out, "variants"), out)

	tg := storeTarget()
	tg.Variants["broken"] = nil
	code, _, stderr = runCommand(t, storefuzz, []fuzz.Target{tg}, "targets")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `target toy-store: variant "broken" has no name or no builder`)
}

// merge refuses shards of different builds.
func TestMergeRefusesDifferentVariants(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, variant := range []string{"", "same"} {
		code, text, stderr := runStore(t, "run", "--seeds", "3", "--json", "--shard",
			[]string{"0/2", "1/2"}[i], "--variant", variant, "--out", t.TempDir())
		require.Equal(t, 0, code, stderr)
		paths = append(paths, filepath.Join(dir, []string{"a.json", "b.json"}[i]))
		require.NoError(t, os.WriteFile(paths[i], []byte(text), 0o644))
	}
	code, _, stderr := runStore(t, append([]string{"merge"}, paths...)...)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "ran the plain build, "+paths[1]+" ran variant same: "+
		"refusing to merge different builds")
}
