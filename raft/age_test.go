package raft

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// newTracedCluster is newTestCluster with every trace event kept.
func newTracedCluster(t *testing.T, seed uint64, n int) *testCluster {
	t.Helper()
	return newClusterWith(t, seed, n, nil, sim.Options{RecordTrace: true})
}

// A hold of the leader's appends: the write's AppendEntries of term T reach the followers
// seconds late, after the old leader was cut off and a new one elected in a later term.
// The trace shows them arriving (marked held) after the election; the followers refuse
// the old term, the hold took only appends (heartbeats flowed on time), and the cluster
// converges with every invariant holding.
func TestHeldAppendArrivesAfterANewLeader(t *testing.T) {
	c := newTracedCluster(t, 11, 3)
	old := c.waitLeader(5 * time.Second)
	oldTerm := c.node(old).r.term
	cl := c.client("c1")
	c.mustWrite(cl, nodeapi.Op{Kind: kv.Put, Key: "k", Value: "v1"})

	sent := map[string]int{}
	var appendTerms []uint64
	c.w.SetFilter(func(from, _ nodeapi.NodeID, msg []byte) netfault.FilterAction {
		if kind := c.sys.MessageKind(msg); from == old && kind != "" {
			sent[kind]++
			if m, err := decodeMessage(msg); err == nil && kind == kindAppend {
				appendTerms = append(appendTerms, m.Term)
			}
		}
		return netfault.FilterAction{}
	})
	hold, err := c.w.AgeMessages(sim.MessageAge{From: old, Kind: kindAppend,
		Age: 10 * time.Second})
	require.NoError(t, err)
	require.NoError(t, c.w.Exec("c1", func() {
		cl.Invoke(nodeapi.Op{Kind: kv.Put, Key: "k", Value: "v2"}, func(nodeapi.Outcome) {})
	}))
	c.run(300 * time.Millisecond)
	c.w.EndAging(hold)
	c.w.SetFilter(nil)
	require.Positive(t, sent[kindAppend], "the leader sent the write's entries")
	require.Positive(t, sent[kindHeartbeat])
	require.Equal(t, uint64(sent[kindAppend]), c.w.Net().Stats().AgeHeld,
		"every append of the window was held, nothing else")
	for _, term := range appendTerms {
		require.Equal(t, oldTerm, term)
	}

	require.NoError(t, c.w.IsolateFromServers(old))
	require.NoError(t, c.w.RunUntil(func() bool {
		l := c.sys.Leader()
		return l != "" && l != old
	}, 4*time.Second))
	elected := c.w.Now()
	newLeader := c.sys.Leader()
	require.Greater(t, c.node(newLeader).r.term, oldTerm)
	require.Less(t, elected, 5*time.Second, "elected before the held appends fall due")
	c.w.Heal()
	c.run(12 * time.Second)

	late := 0
	for _, e := range c.w.Trace() {
		if e.Kind == sim.KindRecv && e.Peer == old && strings.HasSuffix(e.String(),
			", held)") {
			require.Greater(t, e.At, elected, "%s", e)
			late++
		}
	}
	require.Positive(t, late, "an old-term append reached a follower after the election")
	require.Zero(t, c.w.AgedInFlight())
	c.waitConverged(5 * time.Second)
}
