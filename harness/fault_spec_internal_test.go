package harness

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every entry of the table is complete: a kind, a description, an apply, and a reason
// for every kind generators do not draw (FaultKindInfo hands it out).
func TestEverySpecIsComplete(t *testing.T) {
	seen := map[FaultKind]bool{}
	for i := range faultTable {
		sp := &faultTable[i]
		require.False(t, seen[sp.kind], "kind %s has two specs", sp.kind)
		seen[sp.kind] = true
		require.NotEmpty(t, sp.doc, sp.kind)
		require.NotNil(t, sp.apply, sp.kind)
		require.Same(t, sp, specOf(sp.kind))
	}
	require.Nil(t, specOf("meteor"))
	_, ok := FaultKindInfo("meteor")
	require.False(t, ok)
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
}
