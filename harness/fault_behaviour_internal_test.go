package harness

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Every kind of the scenario format has a behaviour, with an apply, and an undo exactly
// when its spec says the kind is undone after For; the table holds no kind the format
// does not know.
func TestEveryKindHasABehaviour(t *testing.T) {
	kinds := scenario.FaultKinds()
	for _, k := range kinds {
		info, ok := scenario.FaultKindInfo(k)
		require.True(t, ok, k)
		b, ok := behaviours[k]
		require.True(t, ok, "kind %s has no behaviour", k)
		require.NotNil(t, b.apply, k)
		require.Equal(t, info.Undone, b.undo != nil, "kind %s: undo against its spec", k)
	}
	require.Len(t, behaviours, len(kinds))
	require.Panics(t, func() { behaviourOf("meteor") })
}

// Healers run in a fixed order of distinct ranks, and disks are healed before down nodes
// restart on them: a node recovering from a disk that still corrupts reads would fail the
// liveness phase for the harness's reason, not its own.
func TestHealersRunInRankOrder(t *testing.T) {
	hs := tableHealers()
	for i := 1; i < len(hs); i++ {
		require.Less(t, hs[i-1].rank, hs[i].rank, "%s and %s", hs[i-1].name, hs[i].name)
	}
	rank := map[*healer]int{}
	for i, h := range hs {
		rank[h] = i
	}
	require.Less(t, rank[healDisks], rank[healDown])
	require.Less(t, rank[healNetwork], rank[healDown])
	require.Contains(t, hs, healPaused)
	require.Contains(t, hs, healCapacities)
}
