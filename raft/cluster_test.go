package raft

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

var ids3 = []nodeapi.NodeID{"n1", "n2", "n3"}

func put(k, v string) nodeapi.Op { return nodeapi.Op{Kind: kv.Put, Key: k, Value: v} }
func get(k string) nodeapi.Op    { return nodeapi.Op{Kind: kv.Get, Key: k} }
func appendOp(k, v string) nodeapi.Op {
	return nodeapi.Op{Kind: kv.Append, Key: k, Value: v}
}

func TestSimClusterBasic(t *testing.T) {
	w := newSimWorld(t, 1, DefaultConfig())
	w.startCluster(ids3...)
	lead := w.waitLeader(5 * time.Second)
	require.NotEmpty(t, lead)
	c := w.addClient("c1", ids3...)
	out := w.do(c, put("x", "1"))
	require.False(t, out.Unknown)
	out = w.do(c, get("x"))
	require.Equal(t, nodeapi.Outcome{Result: nodeapi.Result{Value: "1", Found: true}}, out)
	w.runFor(time.Second)
	require.NoError(t, w.sys.Converged(w.liveIDs()))
}

func TestSimClusterCrashRestart(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			w := newSimWorld(t, seed, DefaultConfig())
			w.startCluster(ids3...)
			c := w.addClient("c1", ids3...)
			for i := range 20 {
				out := w.do(c, appendOp("k", fmt.Sprint(i%10)))
				require.False(t, out.Unknown, "op %d", i)
				if i%5 == 4 {
					w.crash(w.leader())
				}
				if i%5 == 0 {
					for _, id := range ids3 {
						w.restart(id)
					}
				}
			}
			for _, id := range ids3 {
				w.restart(id)
			}
			out := w.do(c, get("k"))
			require.False(t, out.Unknown)
			require.Equal(t, "01234567890123456789", out.Result.Value)
			ok := w.runUntil(func() bool { return w.sys.Converged(w.liveIDs()) == nil },
				5*time.Second)
			require.True(t, ok, "%v", w.sys.Converged(w.liveIDs()))
			require.NoError(t, w.sys.CheckAll())
		})
	}
}
