package cli

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// boomTarget is a toy whose New panics when a scenario sets its knob boom (which it
// should have refused with an error), and whose variant boom panics on every run.
func boomTarget() fuzz.Target {
	tg := toyTarget("toy-boom", false)
	tg.Knobs = []generators.Knob{{Name: "boom", Values: []int64{0}}}
	plainNew := tg.New
	tg.New = func(knobs map[string]int64) (nodeapi.System, error) {
		if knobs["boom"] != 0 {
			panic("boom is not a setting this system takes")
		}
		return plainNew(knobs)
	}
	tg.Variants = map[string]func(map[string]int64) (nodeapi.System, error){
		"boom": func(map[string]int64) (nodeapi.System, error) { panic(errors.New("boom")) },
	}
	return tg
}

// A target that panics on a scenario is an error naming the target, the panic and where it
// happened (exit code 2), not a crash: a replay says so, and a campaign counts the seeds
// that could not run and still prints its summary.
func TestPanickingTargetIsAnError(t *testing.T) {
	tg := boomTarget()
	s := tg.ScenarioForSeed(1, tg.Options())
	s.System = map[string]int64{"boom": 1}
	path := filepath.Join(t.TempDir(), "boom.json")
	require.NoError(t, scenario.SaveScenario(path, s))
	targets := []fuzz.Target{tg}
	code, out, stderr := runCommand(t, storefuzz, targets, "replay", path)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "target toy-boom panicked: boom is not a setting this "+
		"system takes (at guard_test.go:")
	require.Empty(t, out)

	code, out, stderr = runCommand(t, storefuzz, targets, "run", "--seeds", "3",
		"--variant", "boom", "--out", t.TempDir())
	require.Equal(t, 2, code, stderr)
	require.Contains(t, out, "ERROR seed 1: target toy-boom panicked: boom (at ")
	require.Contains(t, out, "seeds 3, failed 0, errors 3")
	require.Contains(t, stderr, "3 seeds could not run")

	code, _, stderr = runCommand(t, storefuzz, targets, "shrink", path)
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "target toy-boom panicked")
}

// Bad input of every kind is exit code 2 with a message naming the problem.
func TestBadInputIsNamed(t *testing.T) {
	code, text, stderr := runToys(t, nil, "run", "--target", "toy-kv", "--seeds", "20",
		"--guided=false", "--shrink-runs", "0", "--json", "--out", t.TempDir())
	require.Equal(t, 1, code, stderr)
	dir := t.TempDir()
	edited := func(name string, edit func(map[string]any)) string {
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(text), &s))
		edit(s)
		data, err := json.Marshal(s)
		require.NoError(t, err)
		path := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(path, data, 0o644))
		return path
	}
	cases := map[string]struct {
		args []string
		want string
	}{
		"null failure": {[]string{"merge", edited("null", func(s map[string]any) {
			s["failures"] = []any{nil}
		})}, "failures[0] is null"},
		"negative seeds": {[]string{"merge", edited("neg", func(s map[string]any) {
			s["seeds"], s["errors"] = -5, -5-len(s["seed_hashes"].([]any))
		})}, "seeds is negative (-5)"},
		"failure without a hash": {[]string{"merge", edited("nohash", func(s map[string]any) {
			s["failures"].([]any)[0].(map[string]any)["seed"] = 999
		})}, "is of seed 999, which has no seed hash"},
		"failures do not add up": {[]string{"merge", edited("count", func(s map[string]any) {
			s["failed_seeds"] = 0
		})}, "but failed_seeds is 0"},
		"huge trace": {[]string{"replay", "--seed", "1", "--trace", "2000000"},
			"--trace must be in [0, 1048576], got 2000000"},
		"empty replay":  {[]string{"replay", ""}, "replay was given an empty FILE name"},
		"empty shrink":  {[]string{"shrink", ""}, "shrink was given an empty FILE name"},
		"bench stray":   {[]string{"bench", "x"}, `bench takes no arguments, got ["x"]`},
		"bench variant": {[]string{"bench", "--variant", "x"}, `unknown variant "x"`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			code, out, stderr := runToys(t, nil, c.args...)
			require.Equal(t, 2, code, stderr)
			require.Contains(t, stderr, c.want)
			require.NotContains(t, stderr, "panic")
			require.Empty(t, out)
		})
	}
}
