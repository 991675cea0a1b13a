package realrt

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// busyNode counts its callbacks in plain fields, as node code does (the race detector
// flags any two that overlap), and busy catches an overlap without it.
type busyNode struct {
	env                 nodeapi.Env
	busy                atomic.Bool
	overlaps            int
	msgs, timers, syncs int
	syncing, stopped    bool
}

func (n *busyNode) enter() {
	if !n.busy.CompareAndSwap(false, true) {
		n.overlaps++
	}
}

func (n *busyNode) leave() { n.busy.Store(false) }

func (n *busyNode) HandleMessage(nodeapi.NodeID, []byte) {
	n.enter()
	defer n.leave()
	n.msgs++
	n.sync()
}

func (n *busyNode) tick() {
	n.enter()
	defer n.leave()
	n.timers++
	if !n.stopped {
		n.env.After(time.Millisecond, n.tick)
	}
	_ = n.env.Disk().Append("log", []byte("x"))
	n.sync()
}

func (n *busyNode) sync() {
	if n.syncing {
		return
	}
	n.syncing = true
	n.env.Disk().Sync(func(err error) {
		n.enter()
		defer n.leave()
		n.syncing = false
		n.syncs++
	})
}

type busySystem struct{ n *busyNode }

func (s busySystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	s.n.env = env
	env.After(0, s.n.tick)
	return s.n, nil
}

func (busySystem) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) {
	panic("unused")
}

// Messages from several peers, timers and sync completions all reach the node one at a
// time, on its loop.
func TestEndpointSerialisesEveryCallback(t *testing.T) {
	ln := freeListener(t)
	peers := map[nodeapi.NodeID]string{"n": ln.Addr().String()}
	rt, err := New(Options{ID: "n", Listener: ln, Peers: peers,
		Disk: openDisk(t, t.TempDir(), false)})
	require.NoError(t, err)
	defer rt.Stop()
	node := &busyNode{}
	_, err = rt.StartNode(busySystem{node}, nodeapi.Boot{})
	require.NoError(t, err)
	senders := make([]*Runtime, 3)
	for i := range senders {
		senders[i], _ = endpoint(t, nodeapi.NodeID(fmt.Sprint("s", i)), nil, peers, false)
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	for time.Now().Before(deadline) {
		for _, s := range senders {
			send(t, s, "n", "hello")
		}
	}
	require.NoError(t, rt.Do(func() {
		node.stopped = true
		require.Zero(t, node.overlaps)
		require.Positive(t, node.msgs)
		require.Greater(t, node.timers, 10)
		require.Positive(t, node.syncs)
	}))
}
