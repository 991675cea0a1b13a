package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Converged's answer reads as it always did.
func TestNotConvergedWording(t *testing.T) {
	require.EqualError(t, &notConverged{id: "n2", applied: 4, commit: 7},
		"raft: n2 applied 4 of 7 committed entries")
	require.EqualError(t, &notConverged{id: "n2", ref: "n1", applied: 7},
		"raft: n2 and n1 applied index 7 but hold different states")
}
