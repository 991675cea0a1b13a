package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// buggifyRun runs three nodes that, every 10 ms, ask site "t.a" whether to send an extra
// message and draw once from their own Rand; it returns the world after 1 s.
func buggifyRun(t *testing.T, active []string) (*sim.World, []uint64) {
	s := newTwSys()
	var draws []uint64
	s.onStart = func(n *twNode) error {
		var tick func()
		tick = func() {
			if nodeapi.Buggify(n.env, "t.a") {
				n.env.Send("n1", []byte("extra"))
			}
			_ = nodeapi.BuggifyProb(n.env, "t.never", 1) // never active in these runs
			draws = append(draws, n.env.Rand().Uint64())
			n.env.After(10*time.Millisecond, tick)
		}
		n.env.After(10*time.Millisecond, tick)
		return nil
	}
	w := newWorld(t, s, sim.Options{Seed: 7, Buggify: active}, ids(3)...)
	require.NoError(t, w.RunFor(time.Second))
	return w, draws
}

func TestBuggifyInactiveSiteChangesNothing(t *testing.T) {
	plain, plainDraws := buggifyRun(t, nil)
	other, otherDraws := buggifyRun(t, []string{"t.b"}) // active, but never called
	require.Equal(t, plain.TraceHash(), other.TraceHash())
	require.Equal(t, plainDraws, otherDraws)
	require.Nil(t, plain.Buggified())
	require.Empty(t, other.Buggified())
}

func TestBuggifyActiveSiteFiresDeterministically(t *testing.T) {
	plain, plainDraws := buggifyRun(t, nil)
	on, onDraws := buggifyRun(t, []string{"t.a"})
	again, _ := buggifyRun(t, []string{"t.a"})
	require.NotEqual(t, plain.TraceHash(), on.TraceHash(), "the site changes the run")
	require.Equal(t, on.TraceHash(), again.TraceHash(), "the same seed fires the same way")
	// The buggify stream is the node's own: the node's Rand draws are the same.
	require.Equal(t, plainDraws, onDraws)
	fired := on.Buggified()["t.a"]
	// 3 nodes x ~99 calls at 1/4: far from 0 and from all.
	require.Greater(t, fired, uint64(30))
	require.Less(t, fired, uint64(150))
	require.Equal(t, fired, on.Stats().Delivered-plain.Stats().Delivered+
		(on.Stats().DroppedNet-plain.Stats().DroppedNet))
}
