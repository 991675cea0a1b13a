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
			rapid.MakeFuzz(func(rt *rapid.T) { b = wrapped.Draw(rt, "scenario").s })(t, input)
		})
		require.NotEmpty(t, a.Cluster.Nodes, "input %d was skipped", i)
		require.Equal(t, a, b, "input %d", i)
	}
}
