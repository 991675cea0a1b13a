package raft

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

var _ nodeapi.TermReporter = (*System)(nil)

// Term is the highest term of a running node: a leader's term while the cluster is stable,
// the new leader's once a majority replaced an isolated one (which, with PreVote, keeps its
// old term), and the survivors' once the newest node crashes.
func TestSystemTermIsTheHighestRunningTerm(t *testing.T) {
	c := newTestCluster(t, 7, 3, nil)
	require.Zero(t, (&System{}).Term())
	lead := c.waitLeader(5 * time.Second)
	term := c.node(lead).r.term
	require.Equal(t, term, c.sys.Term())
	c.run(2 * time.Second)
	require.Equal(t, term, c.sys.Term(), "a stable cluster keeps its term")

	require.NoError(t, c.w.Isolate(lead))
	c.run(3 * time.Second)
	next := c.sys.Leader()
	require.NotEmpty(t, next)
	require.NotEqual(t, lead, next)
	require.Greater(t, c.node(next).r.term, c.node(lead).r.term)
	require.Equal(t, c.node(next).r.term, c.sys.Term())

	c.w.Heal()
	c.run(2 * time.Second)
	c.crash(next)
	var top uint64
	for _, id := range c.up() {
		top = max(top, c.node(id).r.term)
	}
	require.Positive(t, top)
	require.Equal(t, top, c.sys.Term(), "the crashed node's term no longer counts")
}

// The world asks Leader and Term after every event, so they must not allocate; NodeIDs
// follows crashes and restarts in sorted order.
func TestSystemLeaderAndTermAllocateNothing(t *testing.T) {
	c := newTestCluster(t, 7, 5, nil)
	lead := c.waitLeader(5 * time.Second)
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = c.sys.Leader() }))
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = c.sys.Term() }))
	require.Equal(t, c.ids, c.sys.NodeIDs())

	c.crash("n2")
	c.crash(lead)
	require.Equal(t, c.up(), c.sys.NodeIDs(), "crashed nodes leave, the rest stay sorted")
	c.restart(lead)
	c.restart("n2")
	require.Equal(t, c.ids, c.sys.NodeIDs(), "restarted nodes come back in sorted order")
	require.Same(t, c.node(lead), c.sys.byID[slices.Index(c.ids, lead)].n,
		"the running incarnation, not the crashed one")
	c.waitLeader(5 * time.Second)
}
