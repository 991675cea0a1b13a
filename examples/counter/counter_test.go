package counter_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/examples/counter"
	"github.com/simfuzz/simfuzz/examples/counter/counterd"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/shrink"
	"github.com/simfuzz/simfuzz/model"
)

// The workload keeps the model's contract: its states are values.
func TestWorkloadKeepsTheSpecContract(t *testing.T) {
	add := func(v string) model.Op { return model.Op{Kind: counterd.Add, Value: v} }
	require.NoError(t, model.CheckSpec(counter.Workload, []model.Op{add("1"), add("2"),
		{Kind: counterd.Read}, add("3")}))
	require.NoError(t, counter.Target.Validate())
}

// The first campaign seeds pass on the plain build: generated, run, checked (the probe is
// a read of the counter itself), with no key anywhere. COUNTER_SEEDS sets how many (200).
func TestSeedsPass(t *testing.T) {
	seeds := uint64(200)
	if testing.Short() {
		seeds = 40
	}
	if n, err := strconv.ParseUint(os.Getenv("COUNTER_SEEDS"), 10, 64); err == nil && n > 0 {
		seeds = n
	}
	o := counter.Target.Options()
	for seed := uint64(1); seed <= seeds; seed++ {
		s := counter.Target.ScenarioForSeed(seed, o)
		requireNoKeys(t, s)
		res, err := counter.Target.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if res.Failure != nil {
			t.Fatalf("seed %d failed:\n%s", seed, report.Report{Scenario: s, Result: res})
		}
		require.True(t, res.Verdict.Linearizable(), "seed %d: %s", seed, res.Verdict.Message())
		require.NotContains(t, res.Verdict.Message(), model.ProbeKey)
	}
}

func requireNoKeys(t *testing.T, s scenario.Scenario) {
	t.Helper()
	for _, c := range s.Clients {
		for _, op := range c.Ops {
			require.Empty(t, op.Key, "a keyless workload's scenario has a key")
		}
	}
}

// The planted bug (the server forgets sessions, so a retried add applies twice) is found
// by a campaign, shrunk, and rendered as a text report and an HTML view that speak of the
// one object, never of keys or a reserved probe key.
func TestNoSessionsIsFoundShrunkAndRendered(t *testing.T) {
	tg := counter.Target.With("no-sessions")
	o := tg.Options()
	var found scenario.Scenario
	for seed := uint64(1); seed <= 500 && found.Seed == 0; seed++ {
		s := tg.ScenarioForSeed(seed, o)
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if res.Failure != nil && res.Failure.Class == harness.ClassLinearizability {
			found = s
		}
	}
	require.NotZero(t, found.Seed, "500 seeds did not find the no-sessions bug")
	fails := func(s scenario.Scenario) bool {
		res, err := tg.Run(s, harness.RunOptions{})
		return err == nil && res.Failure != nil &&
			res.Failure.Class == harness.ClassLinearizability
	}
	small, runs := shrink.ShrinkFor(found, counter.Workload, fails, 500)
	before, _ := found.Size()
	after, _ := small.Size()
	t.Logf("seed %d: %d operations shrunk to %d in %d runs", found.Seed, before, after, runs)
	require.Less(t, after, before)
	requireNoKeys(t, small)

	res, err := tg.Run(small, harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	msg := res.Verdict.Message()
	require.Contains(t, msg, "on one object")
	require.Contains(t, msg, "the object is illegal")
	text := report.Report{Scenario: small, Result: res}.String()
	t.Log(text)
	require.Contains(t, text, "--- history of the non-linearizable object")
	require.NotContains(t, text, "__probe")
	require.NotContains(t, text, "keys")

	view := filepath.Join(t.TempDir(), "view.html")
	require.NoError(t, report.WriteHistoryView(view, report.Report{Scenario: small, Result: res}))
	page, err := os.ReadFile(view)
	require.NoError(t, err)
	require.Contains(t, string(page), "add(")
	require.False(t, strings.Contains(string(page), "__probe"))

	// Its file has no "key" anywhere, and loads back as it was.
	var buf bytes.Buffer
	require.NoError(t, scenario.EncodeScenario(&buf, small))
	require.NotContains(t, buf.String(), `"key"`)
	path := filepath.Join(t.TempDir(), "scenario.json")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	loaded, err := counter.Target.Load(path)
	require.NoError(t, err)
	small.Version = scenario.ScenarioVersion
	require.Equal(t, small, loaded)

	// The shrunk scenario passes on the plain build: the bug, not the scenario, fails.
	plain, err := counter.Target.Run(small, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, plain.Failure, "%v", plain.Failure)
}

// The standard properties hold on the plain build (RAPID_CHECKS scenarios each).
func TestPropertyCounter(t *testing.T) {
	if testing.Short() {
		t.Skip("the properties take a while; skipped with -short")
	}
	counter.Target.Properties(t)
}
