package sim_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

func TestPause(t *testing.T) {
	s := newTwSys()
	var log []string
	var at []time.Duration
	var w *sim.World
	note := func(what string) { log, at = append(log, what), append(at, w.Now()) }
	s.onMsg = func(n *twNode, from nodeapi.NodeID, msg []byte) { note("msg " + string(msg)) }
	w = newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(1), ms(1))),
		Disk: sim.DiskFaults{SyncLatencyMin: ms(5), SyncLatencyMax: ms(5)}}, "n1", "n2")
	n1 := s.nodes["n1"]
	n1.env.After(ms(10), func() { note("timer") })
	w.At(ms(2), func() { n1.env.Disk().Sync(func(error) { note("sync") }) })
	sendAt(w, s, ms(5), "n2", "n1", "hi")
	w.At(ms(3), func() { require.NoError(t, w.Pause("n1")) })
	w.At(ms(50), func() { require.NoError(t, w.Resume("n1")) })

	require.NoError(t, w.RunFor(ms(40)))
	require.True(t, w.Paused("n1"))
	require.True(t, w.Up("n1"), "a paused node is up")
	require.Empty(t, log, "nothing of a paused node runs")

	require.NoError(t, w.RunFor(ms(20)))
	require.Equal(t, []string{"msg hi", "sync", "timer"}, log, "held events run in due order")
	require.Equal(t, []time.Duration{ms(50), ms(50), ms(50)}, at, "at resume time")

	// A crash while paused drops what was held.
	n2 := s.nodes["n2"]
	n2.env.After(ms(5), func() { t.Error("timer of a crashed node fired") })
	sendAt(w, s, w.Now(), "n1", "n2", "lost")
	require.NoError(t, w.Pause("n2"))
	require.NoError(t, w.RunFor(ms(10)))
	require.NoError(t, w.Crash("n2", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n2"))
	require.NoError(t, w.RunFor(ms(10)))
	require.Empty(t, s.nodes["n2"].got)
	require.Empty(t, n2.got)
}

func TestClockSkew(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2", "n3")
	require.NoError(t, w.SetClock("n1", 2*time.Second, 0))
	require.NoError(t, w.SetClock("n2", 0, 100_000))  // 10% fast
	require.NoError(t, w.SetClock("n3", 0, -100_000)) // 10% slow
	fired := map[nodeapi.NodeID]time.Duration{}
	w.At(0, func() {
		for id, d := range map[nodeapi.NodeID]time.Duration{"n1": time.Second,
			"n2": 1100 * time.Millisecond, "n3": 900 * time.Millisecond} {
			s.nodes[id].env.After(d, func() { fired[id] = w.Now() })
		}
	})
	require.NoError(t, w.RunFor(10*time.Second))
	require.Equal(t, map[nodeapi.NodeID]time.Duration{"n1": time.Second, "n2": time.Second,
		"n3": time.Second}, fired, "a local duration stretches with the drift")
	epoch := sim.DefaultEpoch
	require.Equal(t, epoch.Add(12*time.Second), s.nodes["n1"].env.Now())
	require.Equal(t, epoch.Add(11*time.Second), s.nodes["n2"].env.Now())
	require.Equal(t, epoch.Add(9*time.Second), s.nodes["n3"].env.Now())

	// Setting a clock later: skew is the offset from then, drift accumulates from then.
	require.NoError(t, w.SetClock("n2", 0, 0))
	require.Equal(t, epoch.Add(10*time.Second), s.nodes["n2"].env.Now())
	require.NoError(t, w.SetClock("n1", -time.Second, 500_000))
	require.NoError(t, w.RunFor(4*time.Second))
	require.Equal(t, epoch.Add(15*time.Second), s.nodes["n1"].env.Now(), "14s - 1s + 2s")
}
