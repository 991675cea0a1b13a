package lockd

import (
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// replica is a node as far as the ghost looks at it.
func replica(g *ghost, id nodeapi.NodeID, term uint64, log ...Entry) *Node {
	n := &Node{id: id, term: term, log: log, sm: newStateMachine()}
	g.started(n)
	return n
}

func TestGhostElectionSafety(t *testing.T) {
	g := newGhost()
	g.becameLeader(replica(g, "n1", 2))
	g.becameLeader(replica(g, "n2", 3))
	require.NoError(t, g.err)
	g.becameLeader(replica(g, "n1", 2)) // a second incarnation of n1 in term 2
	require.ErrorContains(t, g.err, "Election Safety: term 2 has two leaders: n1 "+
		"(incarnation 1) and n1 (incarnation 2)")
}

func TestGhostLeaderCompleteness(t *testing.T) {
	g := newGhost()
	n1 := replica(g, "n1", 1, Entry{Term: 1})
	n1.sm.apply(1, &n1.log[0])
	g.applied(n1, 1, nil)
	g.becameLeader(replica(g, "n2", 2, Entry{Term: 1}))
	require.NoError(t, g.err)
	g.becameLeader(replica(g, "n3", 3))
	require.ErrorContains(t, g.err, "Leader Completeness: n3 leads term 3 without entry 1")
}

func TestGhostStateMachineSafety(t *testing.T) {
	g := newGhost()
	a := replica(g, "n1", 1, cmd(1, 1, "l"))
	a.sm.apply(1, &a.log[0])
	g.applied(a, 1, nil)
	b := replica(g, "n2", 1, cmd(1, 2, "l"))
	b.sm.apply(1, &b.log[0])
	g.applied(b, 1, nil)
	require.ErrorContains(t, g.err, "State Machine Safety: n2 applied acquire(l, c1)")
}

func TestGhostFencing(t *testing.T) {
	g := newGhost()
	n := replica(g, "n1", 1)
	g.granted(n, &Grant{Lock: "l", Owner: "c1", Token: 1, Index: 3})
	g.granted(n, &Grant{Lock: "l", Owner: "c1", Token: 1, Index: 3}) // a replay agrees
	g.granted(n, &Grant{Lock: "l", Owner: "c2", Token: 2, Index: 5})
	require.NoError(t, g.err)
	g.granted(n, &Grant{Lock: "l", Owner: "c3", Token: 2, Index: 8})
	require.ErrorContains(t, g.err, "Fencing: token 2 of l granted twice: to c2 at index 5 "+
		"and, by n1, to c3 at index 8")
	for _, bad := range []Grant{{Lock: "m", Owner: "c1", Token: 2, Index: 1},
		{Lock: "l", Owner: "c1", Token: 3, Index: 4}} {
		g := newGhost()
		g.granted(n, &Grant{Lock: "l", Owner: "c1", Token: 1, Index: 3})
		g.granted(n, &Grant{Lock: "l", Owner: "c2", Token: 2, Index: 5})
		g.granted(n, &bad)
		require.ErrorContains(t, g.err, "Fencing: n1 granted token")
	}
}
