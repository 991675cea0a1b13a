package realrt_test

import (
	"net"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/simfuzz/simfuzz/raft"
	"github.com/stretchr/testify/require"
)

// cluster is an in-process Raft KV on the real runtime: one Runtime per node, each with its
// own System (as separate processes would have), real TCP on loopback and real files.
type cluster struct {
	t     *testing.T
	ids   []nodeapi.NodeID
	addrs map[nodeapi.NodeID]string
	dirs  map[nodeapi.NodeID]string
	rts   map[nodeapi.NodeID]*realrt.Runtime
}

func newCluster(t *testing.T, n int) *cluster {
	c := &cluster{t: t, addrs: map[nodeapi.NodeID]string{}, dirs: map[nodeapi.NodeID]string{},
		rts: map[nodeapi.NodeID]*realrt.Runtime{}}
	lns := map[nodeapi.NodeID]net.Listener{}
	for i := range n {
		id := nodeapi.NodeID("n" + string(rune('1'+i)))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		c.ids = append(c.ids, id)
		c.addrs[id], lns[id], c.dirs[id] = ln.Addr().String(), ln, t.TempDir()
	}
	for _, id := range c.ids {
		c.start(id, lns[id])
	}
	t.Cleanup(func() {
		for _, rt := range c.rts {
			rt.Kill()
		}
	})
	return c
}

func (c *cluster) start(id nodeapi.NodeID, ln net.Listener) {
	disk, err := realrt.OpenDisk(c.dirs[id], realrt.DiskOptions{Lazy: true})
	require.NoError(c.t, err)
	o := realrt.Options{ID: id, Listener: ln, Listen: c.addrs[id], Peers: c.addrs, Disk: disk,
		Seed: 7}
	rt, err := realrt.New(o)
	require.NoError(c.t, err)
	sys, err := raft.NewSystem(raft.DefaultConfig())
	require.NoError(c.t, err)
	_, err = rt.StartNode(sys, nodeapi.Boot{Peers: c.ids})
	require.NoError(c.t, err)
	c.rts[id] = rt
}

// client is a raft client endpoint on its own runtime (no listener: answered over the
// connections it opens).
func (c *cluster) client(id nodeapi.NodeID) (*realrt.Runtime, nodeapi.Client) {
	rt, err := realrt.New(realrt.Options{ID: id, Peers: c.addrs, Seed: 11})
	require.NoError(c.t, err)
	c.t.Cleanup(rt.Stop)
	sys, err := raft.NewSystem(raft.DefaultConfig())
	require.NoError(c.t, err)
	cl, err := rt.StartClient(sys, c.ids)
	require.NoError(c.t, err)
	return rt, cl
}

// invoke runs one operation to completion (or the test's bound).
func invoke(t *testing.T, rt *realrt.Runtime, cl nodeapi.Client,
	op nodeapi.Op) nodeapi.Outcome {
	ch := make(chan nodeapi.Outcome, 1)
	require.NoError(t, rt.Do(func() { cl.Invoke(op, func(o nodeapi.Outcome) { ch <- o }) }))
	select {
	case o := <-ch:
		return o
	case <-time.After(15 * time.Second):
		t.Fatalf("operation %v did not complete", op)
		return nodeapi.Outcome{}
	}
}

// The raft package runs on the real runtime unchanged: a write is acknowledged and read
// back through a leader that three real TCP endpoints elected.
func TestRaftRunsOnRealRuntime(t *testing.T) {
	c := newCluster(t, 3)
	rt, cl := c.client("c1")
	var out nodeapi.Outcome
	for range 10 { // the first attempts may fall into the first election
		out = invoke(t, rt, cl, nodeapi.Op{Kind: kv.Put, Key: "k", Value: "v1"})
		if !out.Unknown {
			break
		}
	}
	require.False(t, out.Unknown, "put never acknowledged")
	got := invoke(t, rt, cl, nodeapi.Op{Kind: kv.Get, Key: "k"})
	require.False(t, got.Unknown)
	require.Equal(t, nodeapi.Result{Value: "v1", Found: true}, got.Result)
}
