package jepsen

import (
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/stretchr/testify/require"
)

func TestParsePeers(t *testing.T) {
	p, err := ParsePeers(" n2=127.0.0.1:7002, n1=127.0.0.1:7001 ")
	require.NoError(t, err)
	require.Equal(t, []nodeapi.NodeID{"n1", "n2"}, p.IDs())
	require.Equal(t, "n1=127.0.0.1:7001,n2=127.0.0.1:7002", p.String())
	for _, bad := range []string{"", "n1", "n1=", "n1=h", "n1=:1", "n1=h:0", "n1=h:x",
		"n 1=h:1", "n1=h:1,n1=h:2", "n1=h:1,n2=h:1"} {
		_, err := ParsePeers(bad)
		require.Error(t, err, "%q", bad)
	}
}

// The schedule is a function of the seed; kinds that need peers are left out of one node.
func TestScheduleFromSeed(t *testing.T) {
	nodes := []nodeapi.NodeID{"n1", "n2", "n3"}
	a := DrawSchedule(7, nodes, 60*time.Second, SwarmKinds(7, 3))
	b := DrawSchedule(7, nodes, 60*time.Second, SwarmKinds(7, 3))
	require.Equal(t, a, b)
	require.NotEmpty(t, a.Faults)
	for _, f := range a.Faults {
		require.Contains(t, a.Kinds, f.Kind)
		require.LessOrEqual(t, f.At+f.For, 60*time.Second)
		if f.Kind == FaultCut {
			require.NotEqual(t, f.Node, f.Peer)
		}
	}
	for seed := range uint64(50) {
		for _, k := range SwarmKinds(seed, 1) {
			require.False(t, k.needsPeers(), "seed %d: %s on one node", seed, k)
		}
	}
	require.Empty(t, DrawSchedule(7, nodes, time.Minute, []FaultKind{}).Faults)
	kinds, err := ParseKinds("kill, pause,kill")
	require.NoError(t, err)
	require.Equal(t, []FaultKind{FaultKill, FaultPause}, kinds)
	_, err = ParseKinds("kill,meteor")
	require.ErrorContains(t, err, "meteor")
}

// With a lazy disk, lag-crash is always among the drawn kinds: it is what the lazy disk
// is for.
func TestLazyDiskAlwaysDrawsLagCrash(t *testing.T) {
	for seed := range uint64(20) {
		o := CheckOptions{Nodes: 3, Seed: seed, LazyDisk: true}
		require.Contains(t, o.kinds(), FaultLagCrash, "seed %d", seed)
		require.Contains(t, o.kinds(), FaultLagFollower, "seed %d", seed)
	}
	require.Equal(t, []FaultKind{FaultPause},
		CheckOptions{LazyDisk: true, Faults: []FaultKind{FaultPause}}.kinds())
}

// The drop tables: a partition cuts both ways between the groups, a cut one way, and a
// node's loss applies to its specific peers too.
func TestNemesisTables(t *testing.T) {
	c := &Cluster{peers: Peers{"n1": "a:1", "n2": "a:2", "n3": "a:3"}}
	n := newNemesis(c, newHistory(), nil)
	n.open[0] = &openFault{f: Fault{Kind: FaultPartition}, group: []nodeapi.NodeID{"n1"}}
	n.open[1] = &openFault{f: Fault{Kind: FaultCut, Node: "n2", Peer: "n3"}}
	n.open[2] = &openFault{f: Fault{Kind: FaultLoss, Node: "n2", Rate: 0.2}}
	tabs := n.tables()
	cut := realrt.Rule{Out: 1, In: 1}
	require.Equal(t, FaultTable{"n2": cut, "n3": cut}, tabs["n1"])
	require.Equal(t, FaultTable{"n1": cut, realrt.AnyPeer: {Out: 0.2, In: 0.2},
		"n3": {Out: 1, In: 0.2}}, tabs["n2"])
	require.Equal(t, FaultTable{"n1": cut}, tabs["n3"])
}

// The simulated half of the benchmark runs the standard workload with the row's faults.
func TestBenchSimulatedRow(t *testing.T) {
	c := Conditions()[2] // leader crash every 10 s
	scripts := benchScripts(fuzz.RaftKV, 3, 1, 12*time.Second)
	require.Len(t, scripts, 3)
	s := simScenario(fuzz.RaftKV, c, 3, 1, 12*time.Second, scripts)
	require.Len(t, s.Faults, 1, "one crash at 5 s within 12 s")
	m, err := simRun(fuzz.RaftKV, c, 3, 1, 12*time.Second, scripts)
	require.NoError(t, err)
	require.True(t, m.Linearizable)
	require.Greater(t, m.Acked, 100)
	require.Greater(t, m.Virtual, m.Span, "the liveness phase follows the workload")
	long := benchScripts(fuzz.RaftKV, 3, 1, 2*time.Minute)
	require.Greater(t, len(long[0].Ops), len(scripts[0].Ops), "stretched past 50 s")
}
