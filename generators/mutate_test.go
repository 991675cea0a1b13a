package generators_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Mutate edits a copy: the parent (faults, trigger actions, knobs) is left as it was, and
// most mutations of valid scenarios are valid.
func TestMutateLeavesTheParentAlone(t *testing.T) {
	o := generators.Default()
	o.Events = []string{"leader", "truncate"}
	o.Knobs = []generators.Knob{{Name: "k", Values: []int64{1, 2}}}
	gen := generators.Scenario(o)
	valid, changed := 0, 0
	for i := range 300 {
		parent, donor := gen.Example(i), gen.Example(i+1000)
		before := encodeScenario(t, parent)
		child := generators.Mutate(parent, donor, rand.New(rand.NewPCG(uint64(i), 3)), o)
		require.Equal(t, before, encodeScenario(t, parent), "example %d", i)
		if child.Validate() == nil {
			valid++
		}
		if encodeScenario(t, child) != before {
			changed++
		}
	}
	require.Greater(t, valid, 240, "most mutations stay valid")
	require.Greater(t, changed, 270, "a mutation changes something")
}

func encodeScenario(t *testing.T, s scenario.Scenario) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, scenario.EncodeScenario(&b, s))
	return b.String()
}
