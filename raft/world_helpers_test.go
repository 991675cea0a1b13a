package raft

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// testCluster runs the store on sim.World (the integration tests).
type testCluster struct {
	t   testing.TB
	w   *sim.World
	sys *System
	ids []nodeapi.NodeID
}

func nodeIDs(n int) []nodeapi.NodeID {
	ids := make([]nodeapi.NodeID, n)
	for i := range ids {
		ids[i] = nodeapi.NodeID(fmt.Sprintf("n%d", i+1))
	}
	return ids
}

// standardNet is the network of the standard benchmark without its faults.
var standardNet = scenario.NetworkConfig{LatencyMin: scenario.Duration(time.Millisecond),
	LatencyMax: scenario.Duration(3 * time.Millisecond), Reorder: true}

var standardDisk = scenario.DiskConfig{SyncLatencyMin: scenario.Duration(200 * time.Microsecond),
	SyncLatencyMax: scenario.Duration(2 * time.Millisecond)}

func newTestCluster(t testing.TB, seed uint64, n int, mut func(*Config)) *testCluster {
	t.Helper()
	return newClusterWith(t, seed, n, mut, sim.Options{})
}

// newClusterWith is newTestCluster with world options (RecordTrace, say); the seed, the
// network and the disks are the cluster's own.
func newClusterWith(t testing.TB, seed uint64, n int, mut func(*Config),
	opts sim.Options) *testCluster {
	t.Helper()
	cfg := DefaultConfig()
	if mut != nil {
		mut(&cfg)
	}
	sys, err := NewSystem(cfg)
	require.NoError(t, err)
	opts.Seed, opts.Disk = seed, harness.DiskFaults(standardDisk)
	opts.Network.Default = standardNet.Link()
	w, err := sim.NewWorld(sys, opts)
	require.NoError(t, err)
	c := &testCluster{t: t, w: w, sys: sys, ids: nodeIDs(n)}
	for _, id := range c.ids {
		require.NoError(t, w.AddNode(id, nodeapi.Boot{Peers: c.ids}))
	}
	return c
}

func (c *testCluster) client(id nodeapi.NodeID, servers ...nodeapi.NodeID) *Client {
	c.t.Helper()
	if len(servers) == 0 {
		servers = c.ids
	}
	cl, err := c.w.AddClient(id, servers)
	require.NoError(c.t, err)
	return cl.(*Client)
}

// do runs op on cl to completion.
func (c *testCluster) do(cl *Client, op nodeapi.Op) nodeapi.Outcome {
	c.t.Helper()
	var out *nodeapi.Outcome
	require.NoError(c.t, c.w.Exec(cl.Env().ID(), func() {
		cl.Invoke(op, func(o nodeapi.Outcome) { out = &o })
	}))
	require.NoError(c.t, c.w.RunUntil(func() bool { return out != nil }, 10*time.Second),
		"operation %v did not complete", op)
	return *out
}

// mustWrite runs a write that must be acknowledged.
func (c *testCluster) mustWrite(cl *Client, op nodeapi.Op) {
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

func (c *testCluster) waitLeader(limit time.Duration) nodeapi.NodeID {
	c.t.Helper()
	require.NoError(c.t, c.w.RunUntil(func() bool { return c.sys.Leader() != "" }, limit),
		"no leader within %v", limit)
	return c.sys.Leader()
}

func (c *testCluster) run(d time.Duration) {
	c.t.Helper()
	require.NoError(c.t, c.w.RunFor(d))
}

func (c *testCluster) up() []nodeapi.NodeID {
	var ids []nodeapi.NodeID
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

func (c *testCluster) node(id nodeapi.NodeID) *Node { return c.sys.Node(id) }

func (c *testCluster) crash(id nodeapi.NodeID) {
	c.t.Helper()
	require.NoError(c.t, c.w.Crash(id, sim.CrashOptions{}))
}

func (c *testCluster) restart(id nodeapi.NodeID) {
	c.t.Helper()
	require.NoError(c.t, c.w.Restart(id))
}

func others(ids []nodeapi.NodeID, not ...nodeapi.NodeID) []nodeapi.NodeID {
	var out []nodeapi.NodeID
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
