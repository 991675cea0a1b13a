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

// fastConfig is the default Raft configuration with short timeouts, for a quick test.
func fastConfig() raft.Config {
	cfg := raft.DefaultConfig()
	cfg.HeartbeatInterval = 20 * time.Millisecond
	cfg.ElectionTimeout = 150 * time.Millisecond
	cfg.AttemptTimeout = 300 * time.Millisecond
	return cfg
}

// put writes key=value until the cluster acknowledges it (an attempt may time out while a
// leader is elected).
func put(t *testing.T, rt *realrt.Runtime, cl nodeapi.Client, key, value string) {
	t.Helper()
	for range 10 {
		out := invoke(t, rt, cl, nodeapi.Op{Kind: kv.Put, Key: key, Value: value})
		if !out.Unknown {
			return
		}
	}
	t.Fatalf("put %s=%s never acknowledged", key, value)
}

// The Raft KV answers a failed fsync on the real runtime as it does in the simulated
// world: it fail-stops, the runtime starts a fresh incarnation from what the lazy disk made
// durable, and the cluster (here of one node) goes on, every acknowledged write kept.
func TestRaftFailStopsOnFailedSyncOnRealRuntime(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	peers := map[nodeapi.NodeID]string{"n1": ln.Addr().String()}
	disk, err := realrt.OpenDisk(t.TempDir(), realrt.DiskOptions{Lazy: true})
	require.NoError(t, err)
	rt, err := realrt.New(realrt.Options{ID: "n1", Listener: ln, Peers: peers, Disk: disk,
		Seed: 7})
	require.NoError(t, err)
	t.Cleanup(rt.Kill)
	sys, err := raft.NewSystem(fastConfig())
	require.NoError(t, err)
	_, err = rt.StartNode(sys, nodeapi.Boot{Peers: []nodeapi.NodeID{"n1"}})
	require.NoError(t, err)

	crt, err := realrt.New(realrt.Options{ID: "c1", Peers: peers, Seed: 11})
	require.NoError(t, err)
	t.Cleanup(crt.Stop)
	csys, err := raft.NewSystem(fastConfig())
	require.NoError(t, err)
	cl, err := crt.StartClient(csys, []nodeapi.NodeID{"n1"})
	require.NoError(t, err)

	put(t, crt, cl, "a", "1")
	var old *raft.Node
	require.NoError(t, rt.Do(func() { old = sys.Node("n1") }))
	require.NotNil(t, old)
	require.NoError(t, disk.FailSyncs(1))
	put(t, crt, cl, "b", "2") // its first sync fails; a retry reaches the new incarnation

	require.EqualValues(t, 1, rt.Stats().FailStops)
	require.NoError(t, rt.RestartError())
	require.NoError(t, rt.Do(func() {
		require.EqualValues(t, 1, old.Stats().SyncErrors, "the old incarnation saw it fail")
		fresh := sys.Node("n1")
		require.NotNil(t, fresh)
		require.NotSame(t, old, fresh, "a new incarnation runs")
		require.Zero(t, fresh.Stats().SyncErrors)
	}))
	for key, want := range map[string]string{"a": "1", "b": "2"} {
		got := invoke(t, crt, cl, nodeapi.Op{Kind: kv.Get, Key: key})
		require.False(t, got.Unknown)
		require.Equal(t, nodeapi.Result{Value: want, Found: true}, got.Result, "key %s", key)
	}
}
