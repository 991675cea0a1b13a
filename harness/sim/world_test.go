package sim_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/model"
)

func TestSingleNodeLifecycle(t *testing.T) {
	s := newTwSys()
	fired := 0
	s.onStart = func(n *twNode) error {
		n.env.After(ms(5), func() { fired++ })
		return nil
	}
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1")
	require.True(t, w.Up("n1"))
	require.NotNil(t, w.Node("n1"))
	require.Equal(t, []nodeapi.NodeID{"n1"}, w.Nodes())
	require.Equal(t, uint32(1), w.Incarnation("n1"))

	require.NoError(t, w.RunFor(ms(10)))
	require.Equal(t, 1, fired)
	require.Equal(t, ms(10), w.Now())

	// A graceful stop runs Stopper.Stop, tells the observer, and kills pending timers.
	first := s.nodes["n1"]
	first.env.After(ms(5), func() { fired += 100 })
	require.NoError(t, w.Stop("n1"))
	require.True(t, first.stopped)
	require.False(t, w.Up("n1"))
	require.Nil(t, w.Node("n1"))
	require.Equal(t, []nodeapi.NodeID{"n1"}, s.down)
	require.NoError(t, w.RunFor(ms(20)))
	require.Equal(t, 1, fired, "a timer of a stopped incarnation must not fire")

	require.NoError(t, w.Restart("n1"))
	require.Equal(t, 2, s.starts["n1"])
	require.Equal(t, uint32(2), w.Incarnation("n1"))
	require.NotSame(t, first, s.nodes["n1"])
	require.NoError(t, w.RunFor(ms(10)))
	require.Equal(t, 2, fired, "the new incarnation's own timer fires")

	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.False(t, w.Up("n1"))
	require.Equal(t, []nodeapi.NodeID{"n1", "n1"}, s.down)
	var texts []string
	for _, a := range w.Annotations() {
		texts = append(texts, a.Text)
	}
	require.Equal(t, []string{"stop", "restart", "crash"}, texts)
}

func TestThreeNodeClusterFormation(t *testing.T) {
	s := newTwSys()
	helloOnStart(s)
	w := newWorld(t, s, sim.Options{Seed: 3}, "a", "b", "c")
	require.NoError(t, w.RunFor(ms(10)))
	require.Equal(t, []nodeapi.NodeID{"b", "c"}, knownSorted(s.nodes["a"]))
	require.Equal(t, []nodeapi.NodeID{"a", "c"}, knownSorted(s.nodes["b"]))
	require.Equal(t, []nodeapi.NodeID{"a", "b"}, knownSorted(s.nodes["c"]))
	require.Equal(t, uint64(6), w.Stats().Delivered)
}

func TestLargeClusterFormation(t *testing.T) {
	s := newTwSys()
	helloOnStart(s)
	all := ids(10)
	w := newWorld(t, s, sim.Options{Seed: 10}, all...)
	require.NoError(t, w.SetAllLinks(link(ms(1), ms(20))))
	require.NoError(t, w.RunFor(time.Second))
	for _, id := range all {
		require.Len(t, s.nodes[id].known, 9, "node %s", id)
		require.False(t, s.nodes[id].known[id])
	}
	require.Equal(t, uint64(90), w.Stats().Delivered)
}

func TestNodeRestart(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 4, Disk: sim.DiskFaults{
		SyncLatencyMin: ms(1), SyncLatencyMax: ms(3)}}, "n1")
	n := s.nodes["n1"]
	d := n.env.Disk()
	synced := false
	w.At(0, func() {
		n.counter = 42
		require.NoError(t, d.WriteFile("state", []byte("durable")))
		d.Sync(func(err error) { synced = err == nil })
	})
	w.At(ms(10), func() {
		require.NoError(t, d.WriteFile("scratch", []byte("lost")))
		require.NoError(t, d.Append("state", []byte("+unsynced")))
	})
	require.NoError(t, w.RunFor(ms(20)))
	require.True(t, synced)
	got, err := d.ReadFile("state")
	require.NoError(t, err)
	require.Equal(t, "durable+unsynced", string(got), "reads see unsynced writes")

	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	n2 := s.nodes["n1"]
	require.Zero(t, n2.counter, "volatile state is gone")
	d2 := n2.env.Disk()
	got, err = d2.ReadFile("state")
	require.NoError(t, err)
	require.Equal(t, "durable", string(got), "synced state survives, the append does not")
	require.Equal(t, []string{"state"}, d2.List())
	_, err = d2.ReadFile("scratch")
	require.ErrorIs(t, err, nodeapi.ErrNotExist)
}

func TestConcurrentNodeOperations(t *testing.T) {
	const perPeer = 40
	s := newTwSys()
	s.onStart = func(n *twNode) error {
		next := map[nodeapi.NodeID]int{}
		var tick func()
		tick = func() {
			for _, p := range n.boot.Peers {
				if p != n.env.ID() && next[p] < perPeer && n.env.Rand().IntN(2) == 0 {
					n.env.Send(p, []byte{byte(next[p])})
					next[p]++
				}
			}
			n.env.After(time.Duration(1+n.env.Rand().IntN(3))*time.Millisecond, tick)
		}
		n.env.After(ms(1), tick)
		return nil
	}
	all := ids(8)
	w := newWorld(t, s, sim.Options{Seed: 8,
		Network: harnessNet(link(ms(1), ms(9)))}, all...)
	require.NoError(t, w.RunFor(2*time.Second))
	for _, to := range all {
		for _, from := range all {
			if from == to {
				continue
			}
			got := s.nodes[to].bodies(from)
			require.Len(t, got, perPeer, "%s from %s", to, from)
			for i, b := range got {
				require.Equal(t, string([]byte{byte(i)}), b, "FIFO %s from %s", to, from)
			}
		}
	}
	require.Equal(t, uint64(8*7*perPeer), w.Stats().Delivered)
}

func TestBasicSimulation(t *testing.T) {
	s := newTwSys()
	s.onMsg = func(n *twNode, from nodeapi.NodeID, msg []byte) {
		if key, ok := strings.CutPrefix(string(msg), "get:"); ok {
			n.env.Logf("serving %s to %s", key, from)
			n.env.Send(from, []byte("value-of-"+key))
		}
	}
	w := newWorld(t, s, sim.Options{Seed: 5, Network: harnessNet(link(ms(2), ms(2)))},
		"srv")
	c, err := w.AddClient("cli", []nodeapi.NodeID{"srv"})
	require.NoError(t, err)
	require.Equal(t, []nodeapi.NodeID{"cli"}, w.Clients())
	require.Equal(t, []nodeapi.NodeID{"srv"}, w.Nodes())
	var out *nodeapi.Outcome
	w.At(ms(1), func() {
		require.NoError(t, w.Exec("cli", func() {
			c.Invoke(nodeapi.Op{Kind: model.Get, Key: "k"}, func(o nodeapi.Outcome) { out = &o })
		}))
	})
	require.NoError(t, w.RunUntil(func() bool { return out != nil }, time.Second))
	require.Equal(t, "value-of-k", out.Result.Value)
	require.Equal(t, ms(5), w.Now(), "sent at 1ms, 2ms each way")
	tail := strings.Join(w.TraceTail(), "\n")
	require.Contains(t, tail, "   0.003000s srv recv from cli (5 B)")
	require.Contains(t, tail, "srv log: serving k to cli")
	require.Contains(t, tail, "   0.005000s cli recv from srv (10 B)")
}

func TestTimeControl(t *testing.T) {
	s := newTwSys()
	ticks := 0
	s.onStart = func(n *twNode) error {
		var tick func()
		tick = func() { ticks++; n.env.After(time.Second, tick) }
		n.env.After(time.Second, tick)
		return nil
	}
	w := newWorld(t, s, sim.Options{Seed: 6}, "n1")
	start := time.Now()
	require.NoError(t, w.RunFor(5*time.Hour))
	t.Logf("5h of virtual time with %d events took %v of wall time", w.Events(),
		time.Since(start))
	require.Equal(t, 5*time.Hour, w.Now())
	require.Equal(t, 5*3600, ticks)
	require.Equal(t, sim.DefaultEpoch.Add(5*time.Hour), s.nodes["n1"].env.Now())
}

func TestDeterministicRandomness(t *testing.T) {
	draws := func(seed uint64, extra bool) (first, second []uint64) {
		s := newTwSys()
		w := newWorld(t, s, sim.Options{Seed: seed}, "n1")
		if extra {
			require.NoError(t, w.AddNode("n0", nodeapi.Boot{}))
			_, err := w.AddClient("c0", nil)
			require.NoError(t, err)
		}
		r := s.nodes["n1"].env.Rand()
		first = []uint64{r.Uint64(), r.Uint64(), r.Uint64()}
		require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
		require.NoError(t, w.Restart("n1"))
		r = s.nodes["n1"].env.Rand()
		second = []uint64{r.Uint64(), r.Uint64(), r.Uint64()}
		return first, second
	}
	a1, a2 := draws(7, false)
	b1, b2 := draws(7, false)
	require.Equal(t, a1, b1)
	require.Equal(t, a2, b2)
	require.NotEqual(t, a1, a2, "a new incarnation gets a fresh stream")
	c1, _ := draws(8, false)
	require.NotEqual(t, a1, c1, "another seed gives other numbers")
	d1, d2 := draws(7, true)
	require.Equal(t, a1, d1, "adding a node and a client leaves n1's stream alone")
	require.Equal(t, a2, d2)
}
