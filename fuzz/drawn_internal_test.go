package fuzz

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The property's draw, wrapped for rapid's log, reads the same choices as the plain
// generator: fuzz inputs, committed corpora and rapid fail files keep their scenarios.
func TestDrawnScenariosAreTheGeneratorsScenarios(t *testing.T) {
	o := RaftKV.Options()
	plain, wrapped := generators.Scenario(o), drawnScenarios(o)
	for i := range 40 {
		input := StretchFuzzInput([]byte(strconv.Itoa(i * 7919)))
		var a, b scenario.Scenario
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			rapid.MakeFuzz(func(rt *rapid.T) { a = plain.Draw(rt, "scenario") })(t, input)
			rapid.MakeFuzz(func(rt *rapid.T) { b = wrapped.Draw(rt, "scenario").batch[0] })(t, input)
		})
		require.NotEmpty(t, a.Cluster.Nodes, "input %d was skipped", i)
		require.Equal(t, a, b, "input %d", i)
	}
}

// A target's PropertySeeds makes one draw the scenarios of that many consecutive campaign
// seeds, each what ScenarioForSeed gives; without it a draw is one such scenario.
func TestSeededScenariosDrawABatch(t *testing.T) {
	tg := RaftKV
	o := tg.Options()
	for _, n := range []int{0, 1, 4} {
		tg.PropertySeeds = n
		var d drawn
		rapid.MakeFuzz(func(rt *rapid.T) {
			d = seededScenarios(tg, o).Draw(rt, "scenario")
		})(t, StretchFuzzInput([]byte("batch")))
		require.Len(t, d.batch, max(n, 1))
		for i, s := range d.batch {
			require.Equal(t, tg.ScenarioForSeed(d.batch[0].Seed+uint64(i), o), s)
		}
	}
}
