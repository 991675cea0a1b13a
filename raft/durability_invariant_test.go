package raft

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// ghostNode is a node with just the state the ghost checks read: a log of the given terms
// (index i+1 has terms[i]) synced up to stable.
func ghostNode(terms []uint64, stable uint64) *Node {
	l := newRaftLog([]nodeapi.NodeID{"n1"})
	for i, t := range terms {
		l.append(Entry{Index: uint64(i + 1), Term: t})
	}
	return &Node{r: &raft{log: l, stable: stable}}
}

// A restarted node must hold the last entry its previous incarnation had synced; losing it
// (as a WAL replay bug once did) is a Durability violation at the first check.
func TestDurabilityInvariant(t *testing.T) {
	g := newGhost()
	g.watch("n2", ghostNode([]uint64{1, 2, 2}, 3))
	require.NoError(t, g.check("n2"))
	g.unwatch("n2")

	g.watch("n2", ghostNode([]uint64{1, 2, 2, 2}, 4)) // recovered more: fine
	require.NoError(t, g.check("n2"))
	g.unwatch("n2")

	g.watch("n2", ghostNode([]uint64{1, 2}, 2)) // lost entry 4@2
	err := g.check("n2")
	var v *Violation
	require.ErrorAs(t, err, &v)
	require.Equal(t, Durability, v.Invariant)
	require.Contains(t, err.Error(), "n2 restarted without entry 4@2")
}

// Entries replaced by a new leader's truncation lower the synced index first, so they are
// not demanded back after a restart.
func TestDurabilityAllowsTruncatedSuffix(t *testing.T) {
	g := newGhost()
	n := ghostNode([]uint64{1, 2, 2}, 3)
	g.watch("n3", n)
	require.NoError(t, g.check("n3"))
	n.r.log.truncateFrom(3)
	n.r.stable = 2
	require.NoError(t, g.check("n3"))
	g.unwatch("n3")
	g.watch("n3", ghostNode([]uint64{1, 2}, 2))
	require.NoError(t, g.check("n3"))
}

// Campaign seed 96481: n3 had synced 1@1, a new leader's 1@2 replaced it (stable fell to 0),
// and a torn crash kept the unsynced 1@2. Nothing synced remains, so nothing is demanded.
func TestDurabilityAllowsTruncationOfTheWholeLog(t *testing.T) {
	g := newGhost()
	n := ghostNode([]uint64{1}, 1)
	g.watch("n3", n)
	require.NoError(t, g.check("n3"))
	n.r.log.truncateFrom(1)
	n.r.stable = 0
	require.NoError(t, g.check("n3"))
	g.unwatch("n3")
	g.watch("n3", ghostNode([]uint64{2}, 1))
	require.NoError(t, g.check("n3"))
}

// TestScenarioInvariant96481 replays the shrunk campaign failure.
func TestScenarioInvariant96481(t *testing.T) {
	replayScenario(t, "testdata/invariant-96481.json")
}
