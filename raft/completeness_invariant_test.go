package raft

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// ghostLeader is a ghostNode that leads term with everything synced and commit committed.
func ghostLeader(terms []uint64, term, commit uint64) *Node {
	n := ghostNode(terms, uint64(len(terms)))
	n.r.role, n.r.term, n.r.commit = Leader, term, commit
	return n
}

// Leader Completeness binds the leaders of terms after the commit (Figure 3.2). In chaos
// seed 129 the leader trap isolated n3 as soon as it won term 5, with 2@5 in place of the
// uncommitted 2@4; n5 then won term 6 and committed 2@4. n3, a leader of an earlier term
// that never saw the commit, is no violation; a leader of term 7 without 2@4 is one.
func TestLeaderCompletenessBindsLaterTermsOnly(t *testing.T) {
	g := newGhost()
	g.watch("n3", ghostLeader([]uint64{1, 5}, 5, 0))
	require.NoError(t, g.check("n3"))

	n5 := ghostLeader([]uint64{1, 4, 6}, 6, 0)
	g.watch("n5", n5)
	require.NoError(t, g.check("n5"))
	n5.r.commit = 3
	require.NoError(t, g.check("n5"), "the stale leader of term 5 need not hold 2@4")

	g.watch("n2", ghostLeader([]uint64{1, 5}, 7, 0))
	err := g.check("n2")
	var v *Violation
	require.ErrorAs(t, err, &v)
	require.Equal(t, LeaderCompleteness, v.Invariant)
	require.Contains(t, err.Error(), "leader n2 of term 7 lacks committed entry 2@4")
}
