package raft

import (
	"fmt"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

// testCluster runs the store on harness.World (the integration tests).
type testCluster struct {
	t   testing.TB
	w   *harness.World
	sys *System
	ids []harness.NodeID
}

func nodeIDs(n int) []harness.NodeID {
	ids := make([]harness.NodeID, n)
	for i := range ids {
		ids[i] = harness.NodeID(fmt.Sprintf("n%d", i+1))
	}
	return ids
}

// standardNet is the network of the standard benchmark without its faults.
var standardNet = harness.NetworkConfig{LatencyMin: harness.Duration(time.Millisecond),
	LatencyMax: harness.Duration(3 * time.Millisecond), Reorder: true}

var standardDisk = harness.DiskConfig{SyncLatencyMin: harness.Duration(200 * time.Microsecond),
	SyncLatencyMax: harness.Duration(2 * time.Millisecond)}

func newTestCluster(t testing.TB, seed uint64, n int, mut func(*Config)) *testCluster {
	t.Helper()
	return newClusterWith(t, seed, n, mut, harness.Options{})
}

// newClusterWith is newTestCluster with world options (RecordTrace, say); the seed, the
// network and the disks are the cluster's own.
func newClusterWith(t testing.TB, seed uint64, n int, mut func(*Config),
	opts harness.Options) *testCluster {
	t.Helper()
	cfg := DefaultConfig()
	if mut != nil {
		mut(&cfg)
	}
	sys, err := NewSystem(cfg)
	require.NoError(t, err)
	opts.Seed, opts.Disk = seed, standardDisk.Faults()
	opts.Network.Default = standardNet.Link()
	w, err := harness.NewWorld(sys, opts)
	require.NoError(t, err)
	c := &testCluster{t: t, w: w, sys: sys, ids: nodeIDs(n)}
	for _, id := range c.ids {
		require.NoError(t, w.AddNode(id, harness.Boot{Peers: c.ids}))
	}
	return c
}

func (c *testCluster) client(id harness.NodeID, servers ...harness.NodeID) *Client {
	c.t.Helper()
	if len(servers) == 0 {
		servers = c.ids
	}
	cl, err := c.w.AddClient(id, servers)
	require.NoError(c.t, err)
	return cl.(*Client)
}

// do runs op on cl to completion.
func (c *testCluster) do(cl *Client, op harness.Op) harness.Outcome {
	c.t.Helper()
	var out *harness.Outcome
	require.NoError(c.t, c.w.Exec(cl.env.ID(), func() {
		cl.Invoke(op, func(o harness.Outcome) { out = &o })
	}))
	require.NoError(c.t, c.w.RunUntil(func() bool { return out != nil }, 10*time.Second),
		"operation %v did not complete", op)
	return *out
}

// mustWrite runs a write that must be acknowledged.
func (c *testCluster) mustWrite(cl *Client, op harness.Op) {
	c.t.Helper()
	out := c.do(cl, op)
	require.False(c.t, out.Unknown, "write %v not acknowledged", op)
}

// admin runs a membership change to completion and returns its error.
func (c *testCluster) admin(f func(done func(error))) error {
	c.t.Helper()
	var res *error
	f(func(err error) { res = &err })
	require.NoError(c.t, c.w.RunUntil(func() bool { return res != nil }, 20*time.Second))
	return *res
}

func (c *testCluster) waitLeader(limit time.Duration) harness.NodeID {
	c.t.Helper()
	require.NoError(c.t, c.w.RunUntil(func() bool { return c.sys.Leader() != "" }, limit),
		"no leader within %v", limit)
	return c.sys.Leader()
}

func (c *testCluster) run(d time.Duration) {
	c.t.Helper()
	require.NoError(c.t, c.w.RunFor(d))
}

func (c *testCluster) up() []harness.NodeID {
	var ids []harness.NodeID
	for _, id := range c.w.Nodes() {
		if c.w.Up(id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// waitConverged runs until every live replica applied the same state.
func (c *testCluster) waitConverged(limit time.Duration) {
	c.t.Helper()
	var last error
	err := c.w.RunUntil(func() bool {
		last = c.sys.Converged(c.up())
		return last == nil
	}, limit)
	require.NoError(c.t, err, "not converged: %v", last)
	require.NoError(c.t, c.sys.CheckAll())
}

func (c *testCluster) node(id harness.NodeID) *Node { return c.sys.Node(id) }

func (c *testCluster) crash(id harness.NodeID) {
	c.t.Helper()
	require.NoError(c.t, c.w.Crash(id, harness.CrashOptions{}))
}

func (c *testCluster) restart(id harness.NodeID) {
	c.t.Helper()
	require.NoError(c.t, c.w.Restart(id))
}

func others(ids []harness.NodeID, not ...harness.NodeID) []harness.NodeID {
	var out []harness.NodeID
	for _, id := range ids {
		skip := false
		for _, n := range not {
			skip = skip || n == id
		}
		if !skip {
			out = append(out, id)
		}
	}
	return out
}
