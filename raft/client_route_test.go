package raft

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// routeCluster is a 3-node cluster with a leader, a client c1 that knows it, and a log of
// the servers each of c1's requests was sent to.
type routeCluster struct {
	*testCluster
	cl       *Client
	leader   nodeapi.NodeID
	follower nodeapi.NodeID
	sent     []nodeapi.NodeID
}

func newRouteCluster(t *testing.T) *routeCluster {
	c := &routeCluster{testCluster: newTestCluster(t, 11, 3, nil)}
	c.leader = c.waitLeader(5 * time.Second)
	c.follower = others(c.ids, c.leader)[0]
	c.cl = c.client("c1")
	c.mustWrite(c.cl, put("k", "v1")) // the client now prefers the leader
	c.w.SetFilter(func(from, to nodeapi.NodeID, _ []byte) netfault.FilterAction {
		if from == "c1" {
			c.sent = append(c.sent, to)
		}
		return netfault.FilterAction{}
	})
	return c
}

// routed runs op with route to completion and returns the servers its attempts went to.
func (c *routeCluster) routed(op nodeapi.Op, route nodeapi.Route) []nodeapi.NodeID {
	c.t.Helper()
	c.sent = nil
	var out *nodeapi.Outcome
	require.NoError(c.t, c.w.Exec("c1", func() {
		c.cl.InvokeRouted(op, route, func(o nodeapi.Outcome) { out = &o })
	}))
	require.NoError(c.t, c.w.RunUntil(func() bool { return out != nil }, 10*time.Second))
	require.False(c.t, out.Unknown, "routed %v timed out", op)
	return c.sent
}

// A routed operation starts at the server named, follows its redirect to the leader, and
// leaves the client with the leader, as Invoke would.
func TestRoutedOperationStartsAtTheServerNamed(t *testing.T) {
	c := newRouteCluster(t)
	sent := c.routed(get("k"), nodeapi.Route{To: c.follower})
	require.Equal(t, []nodeapi.NodeID{c.follower, c.leader}, sent)
	require.Equal(t, []nodeapi.NodeID{c.leader}, c.routed(get("k"), nodeapi.Route{}),
		"after a route without Sticky the client keeps the leader it found")
}

// A sticky operation hands the client back to the server it started at: every later
// operation starts there again and is redirected, instead of going to the leader at once.
func TestStickyClientReturnsToItsServer(t *testing.T) {
	c := newRouteCluster(t)
	sticky := nodeapi.Route{To: c.follower, Sticky: true}
	require.Equal(t, []nodeapi.NodeID{c.follower, c.leader}, c.routed(get("k"), sticky))
	for range 3 {
		require.Equal(t, []nodeapi.NodeID{c.follower, c.leader},
			c.routed(get("k"), nodeapi.Route{Sticky: true}))
	}
	require.Equal(t, []nodeapi.NodeID{c.follower, c.leader}, c.routed(put("k", "v2"),
		nodeapi.Route{}), "a plain operation starts at the sticky server too")
	require.Equal(t, []nodeapi.NodeID{c.leader}, c.routed(get("k"), nodeapi.Route{}),
		"and, not being sticky, leaves the client with the leader")
}

// A sticky client gives its server up when the server leaves an attempt unanswered: it
// then stays with the server that answered.
func TestStickyClientLeavesAServerThatDoesNotAnswer(t *testing.T) {
	c := newRouteCluster(t)
	c.routed(get("k"), nodeapi.Route{To: c.follower, Sticky: true})
	c.crash(c.follower)
	sent := c.routed(get("k"), nodeapi.Route{Sticky: true})
	require.Equal(t, c.follower, sent[0])
	require.Equal(t, c.leader, sent[len(sent)-1])
	require.Equal(t, []nodeapi.NodeID{c.leader}, c.routed(get("k"), nodeapi.Route{Sticky: true}))
}

// A route to a server the client was not given is learnt, as a redirect hint would be.
func TestRouteToAnUnknownServerIsLearnt(t *testing.T) {
	c := newRouteCluster(t)
	cl := c.client("c2", c.leader)
	c.cl = cl
	c.w.SetFilter(func(from, to nodeapi.NodeID, _ []byte) netfault.FilterAction {
		if from == "c2" {
			c.sent = append(c.sent, to)
		}
		return netfault.FilterAction{}
	})
	c.sent = nil
	var out *nodeapi.Outcome
	require.NoError(t, c.w.Exec("c2", func() {
		cl.InvokeRouted(get("k"), nodeapi.Route{To: c.follower, Sticky: true},
			func(o nodeapi.Outcome) { out = &o })
	}))
	require.NoError(t, c.w.RunUntil(func() bool { return out != nil }, 10*time.Second))
	require.Equal(t, "v1", out.Result.Value)
	require.Equal(t, []nodeapi.NodeID{c.follower, c.leader}, c.sent)
	require.Contains(t, cl.Servers(), c.follower)
}

// A copy of a "no leader known" answer changes nothing: the client moves its round of
// servers on once per answered attempt. Found by a campaign (5 nodes, all but n6 removed,
// 30 % duplication): every copy of n5's answer moved the round on a second time, so the
// probe went from n5 to n1 and never asked n6, the only member left.
func TestDuplicatedAnswerMovesTheRoundOnce(t *testing.T) {
	c := newTestCluster(t, 5, 3, nil)
	c.crash("n2")
	c.crash("n3") // n1 alone never learns of a leader and answers without a hint
	cl := c.client("c1")
	require.True(t, cl.StartRoundAt("n1"))
	link := standardNet.Link()
	link.Duplicate = 1
	require.NoError(t, c.w.SetLink("n1", "c1", link))
	var sent []nodeapi.NodeID
	c.w.SetFilter(func(from, to nodeapi.NodeID, _ []byte) netfault.FilterAction {
		if from == "c1" {
			sent = append(sent, to)
		}
		return netfault.FilterAction{}
	})
	require.NoError(t, c.w.Exec("c1", func() {
		cl.Invoke(put("k", "v"), func(nodeapi.Outcome) {})
	}))
	require.NoError(t, c.w.RunUntil(func() bool { return len(sent) >= 4 }, 10*time.Second))
	require.Equal(t, []nodeapi.NodeID{"n1", "n2", "n3", "n1"}, sent[:4],
		"every server comes round in order, however many copies of an answer arrive")
}
