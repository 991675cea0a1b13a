package sim_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// chaosRun runs a busy five-node world with every kind of fault for 3 s of virtual time.
// perturb adds one extra message at 1.5 s.
func chaosRun(seed uint64, perturb bool) (*sim.World, error) {
	s := newTwSys()
	s.onStart = func(n *twNode) error {
		var tick func()
		tick = func() {
			r := n.env.Rand()
			p := n.boot.Peers[r.IntN(len(n.boot.Peers))]
			n.env.Send(p, []byte{byte(r.Uint64()), byte(n.counter)})
			n.env.After(time.Duration(5+r.IntN(45))*time.Millisecond, tick)
		}
		n.env.After(time.Millisecond, tick)
		return nil
	}
	s.onMsg = func(n *twNode, from nodeapi.NodeID, msg []byte) {
		n.counter++
		_ = n.env.Disk().Append("log", msg)
		if n.counter%5 == 0 {
			n.env.Disk().Sync(func(err error) {
				if err != nil {
					n.env.Logf("sync failed: %v", err)
				}
			})
		}
	}
	echoServers(s)
	net := netfault.LinkConfig{LatencyMin: ms(1), LatencyMax: ms(3), SpikeRate: 0.01,
		SpikeMax: ms(50), Loss: 0.01, Duplicate: 0.01, Corrupt: 0.01, Reorder: true}
	w, err := sim.NewWorld(s, sim.Options{Seed: seed, RecordTrace: true,
		Network: harnessNet(net), Disk: sim.DiskFaults{SyncLatencyMin: ms(1),
			SyncLatencyMax: ms(2), SyncFailRate: 0.05}})
	if err != nil {
		return nil, err
	}
	all := ids(5)
	for _, id := range all {
		if err := w.AddNode(id, nodeapi.Boot{Peers: all}); err != nil {
			return nil, err
		}
	}
	scheduleChaos(w, s, perturb)
	return w, w.RunFor(3 * time.Second)
}

func scheduleChaos(w *sim.World, s *twSys, perturb bool) {
	w.At(ms(100), func() {
		st := s.nodes["n1"].env.Dial("n2", &twStream{})
		for range 10 {
			_ = st.Write([]byte("chunk"))
		}
	})
	w.At(ms(300), func() { _ = w.Partition([]nodeapi.NodeID{"n1", "n2"}) })
	w.At(ms(600), w.Heal)
	w.At(ms(700), func() { _ = w.Crash("n3", sim.CrashOptions{TornWrite: true}) })
	w.At(ms(900), func() { _ = w.Restart("n3") })
	w.At(ms(1000), func() { _ = w.Pause("n4") })
	w.At(ms(1200), func() { _ = w.Resume("n4") })
	w.At(ms(1300), func() { _ = w.SetClock("n5", ms(250), 20_000) })
	w.At(ms(1400), func() { _ = w.Clog("n2") })
	w.At(ms(1700), func() { _ = w.Unclog("n2") })
	if perturb {
		w.At(ms(1500), func() { s.nodes["n1"].env.Send("n2", []byte("extra")) })
	}
}

func TestDeterminism(t *testing.T) {
	a, err := chaosRun(42, false)
	require.NoError(t, err)
	b, err := chaosRun(42, false)
	require.NoError(t, err)
	require.Equal(t, a.TraceHash(), b.TraceHash())
	require.Equal(t, a.Events(), b.Events())
	require.Greater(t, a.Events(), uint64(1000))
	require.Equal(t, a.TraceTail(), b.TraceTail())
	_, same := sim.DiffTraces(a.Trace(), b.Trace())
	require.True(t, same)
	require.NoError(t, sim.CheckDeterminism(func() (*sim.World, error) {
		return chaosRun(42, false)
	}))

	c, err := chaosRun(43, false)
	require.NoError(t, err)
	require.NotEqual(t, a.TraceHash(), c.TraceHash(), "another seed, another run")

	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	for _, procs := range []int{1, 4} {
		runtime.GOMAXPROCS(procs)
		d, err := chaosRun(42, false)
		require.NoError(t, err)
		require.Equal(t, a.TraceHash(), d.TraceHash(), "GOMAXPROCS=%d", procs)
	}
}

func TestDiffTracesNamesFirstDifference(t *testing.T) {
	a, err := chaosRun(42, false)
	require.NoError(t, err)
	p, err := chaosRun(42, true)
	require.NoError(t, err)
	require.NotEqual(t, a.TraceHash(), p.TraceHash())
	ta, tp := a.Trace(), p.Trace()
	i, same := sim.DiffTraces(ta, tp)
	require.False(t, same)
	require.Equal(t, ta[:i], tp[:i])
	require.Equal(t, ms(1500), tp[i].At, "the first difference is the perturbation")
	desc := sim.DescribeTraceDiff(ta, tp)
	require.Contains(t, desc, "1.500000s world action")
	require.Contains(t, desc, "last common event")

	calls := 0
	err = sim.CheckDeterminism(func() (*sim.World, error) {
		calls++
		return chaosRun(42, calls == 2)
	})
	require.ErrorContains(t, err, "nondeterministic run")
	require.ErrorContains(t, err, "traces differ at event")
}

func TestTraceHashCoversFaultCalls(t *testing.T) {
	var lines []string
	run := func(extra bool) *sim.World {
		s := newTwSys()
		helloOnStart(s)
		w := newWorld(t, s, sim.Options{Seed: 9, TraceTail: 3,
			Logf: func(l string) { lines = append(lines, l) }}, "n1", "n2")
		if extra {
			require.NoError(t, w.SetClock("n1", 0, 0)) // changes nothing but the record
		}
		require.NoError(t, w.RunFor(ms(5)))
		return w
	}
	a, b := run(false), run(true)
	require.Equal(t, a.Events(), b.Events())
	require.NotEqual(t, a.TraceHash(), b.TraceHash(), "a fault call feeds the hash")
	require.Len(t, a.TraceTail(), 3, "the tail keeps Options.TraceTail lines")
	require.Contains(t, lines, "   0.000000s n1 fault: clock skew 0s drift 0 ppm")
	require.Contains(t, lines, "   0.001000s n2 recv from n1 (5 B)")
	require.Nil(t, a.Trace(), "no full trace unless RecordTrace")
}

// Worlds released on several goroutines at once, whose queues' arrays then pass from one
// world to the next, run exactly as a world made alone does.
func TestReleasedWorldsRunAlikeConcurrently(t *testing.T) {
	want := map[uint64]uint64{}
	for _, seed := range []uint64{42, 43} {
		w, err := chaosRun(seed, false)
		require.NoError(t, err)
		want[seed] = w.TraceHash()
	}
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := range 6 {
				seed := uint64(42 + (g+i)%2)
				w, err := chaosRun(seed, false)
				if err == nil && w.TraceHash() != want[seed] {
					err = fmt.Errorf("seed %d: trace hash %x, want %x", seed, w.TraceHash(),
						want[seed])
				}
				if err != nil {
					errs <- err
					return
				}
				w.Release()
			}
			errs <- nil
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
}

// A world stepped after Release runs what is scheduled from then on.
func TestWorldUsableAfterRelease(t *testing.T) {
	w, err := chaosRun(42, false)
	require.NoError(t, err)
	hash := w.TraceHash()
	w.Release()
	require.Equal(t, hash, w.TraceHash(), "the trace stays readable")
	ran := false
	w.After(ms(10), func() { ran = true })
	require.NoError(t, w.RunFor(ms(20)))
	require.True(t, ran)
}
