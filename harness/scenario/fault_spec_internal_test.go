package scenario

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every entry of the table is complete: a kind, a description, and a reason for every
// kind generators do not draw (FaultKindInfo hands it out).
func TestEverySpecIsComplete(t *testing.T) {
	seen := map[FaultKind]bool{}
	for i := range faultTable {
		sp := &faultTable[i]
		require.False(t, seen[sp.kind], "kind %s has two specs", sp.kind)
		seen[sp.kind] = true
		require.NotEmpty(t, sp.doc, sp.kind)
		require.Same(t, sp, specOf(sp.kind))
		require.False(t, sp.undone && sp.needsFor, "kind %s: a window is not undone", sp.kind)
	}
	require.Nil(t, specOf("meteor"))
	_, ok := FaultKindInfo("meteor")
	require.False(t, ok)
}
