package fuzz_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

func TestFeaturesBucketCountsAndSteps(t *testing.T) {
	res := &harness.RunResult{
		Reached: map[string]uint64{"leader": 1, "vote-grant": 5},
		Steps:   map[string]uint64{"leader>step-down": 2},
	}
	require.Equal(t, []string{"leader#1", "leader>step-down#2", "vote-grant#3"},
		fuzz.Features(res))
}

func TestCorpusKeepsOnlyWhatIsNew(t *testing.T) {
	c := fuzz.NewCorpus()
	require.True(t, c.Add(scenario.Scenario{Seed: 1}, []string{"a#1", "b#1"}))
	require.False(t, c.Add(scenario.Scenario{Seed: 2}, []string{"a#1"}), "nothing new")
	require.True(t, c.Add(scenario.Scenario{Seed: 3}, []string{"a#1", "a#2"}), "a new bucket")
	require.Equal(t, 2, c.Len())
	require.Equal(t, 3, c.Features())
}

// Pick favours the scenario that reached something rare: "common" is in every entry,
// "rare" in one, so that one carries the most weight.
func TestCorpusPicksRareMoreOften(t *testing.T) {
	c := fuzz.NewCorpus()
	c.Add(scenario.Scenario{Seed: 1}, []string{"common#1", "rare#1"})
	for i := uint64(2); i < 12; i++ {
		c.Add(scenario.Scenario{Seed: i}, []string{"common#1", "x" + string(rune('a'+i)) + "#1"})
		for range 5 { // the x features become common too
			c.Add(scenario.Scenario{Seed: 100}, []string{"x" + string(rune('a'+i)) + "#1"})
		}
	}
	sn := c.Snapshot()
	rng := rand.New(rand.NewPCG(1, 2))
	hits := 0
	for range 2000 {
		if sn.Pick(rng).Seed == 1 {
			hits++
		}
	}
	// Entry 1 weighs 1/11 + 1 against 1/11 + 1/6 for each of the ten others: about 30%
	// (each of the others about 7%).
	require.InDelta(t, 0.30, float64(hits)/2000, 0.04)
}

// Guided draws are deterministic, valid for the target, and mutations of the corpus.
func TestGuidedScenarioIsAValidMutation(t *testing.T) {
	o := fuzz.RaftKV.Options()
	c := fuzz.NewCorpus()
	for seed := uint64(1); seed <= 20; seed++ {
		c.Add(fuzz.RaftKV.ScenarioForSeed(seed, o), []string{string(rune('a' + seed))})
	}
	sn := c.Snapshot()
	mutated := 0
	for seed := uint64(1000); seed < 1200; seed++ {
		s := fuzz.RaftKV.GuidedScenario(seed, o, sn)
		require.Equal(t, s, fuzz.RaftKV.GuidedScenario(seed, o, sn), "seed %d", seed)
		require.NoError(t, s.Validate(), "seed %d", seed)
		if s.Seed != seed {
			mutated++
		}
	}
	require.Greater(t, mutated, 60, "about half the draws mutate the corpus")
	require.Less(t, mutated, 140)
}

// Mutations also take faults from fresh draws: a corpus whose only scenario has no fault
// still yields mutations with faults of the parent's cluster size.
func TestGuidedMutationsTakeFaultsFromFreshDraws(t *testing.T) {
	o := fuzz.RaftKV.Options()
	parent := fuzz.RaftKV.ScenarioForSeed(1, o)
	parent.Faults = nil
	c := fuzz.NewCorpus()
	c.Add(parent, []string{"a#1"})
	sn := c.Snapshot()
	withFaults := 0
	for seed := uint64(1); seed <= 400; seed++ {
		s := fuzz.RaftKV.GuidedScenario(seed, o, sn)
		if s.Seed == seed {
			continue // a fresh draw, not a mutation
		}
		require.Equal(t, parent.Cluster, s.Cluster, "seed %d", seed)
		if len(s.Faults) > 0 {
			withFaults++
		}
	}
	require.Greater(t, withFaults, 10, "mutations of a fault-free parent gained faults")
}
