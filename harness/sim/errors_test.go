package sim_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

func TestOptionsValidation(t *testing.T) {
	_, err := sim.NewWorld(nil, sim.Options{})
	require.ErrorContains(t, err, "nil System")
	bad := []struct {
		opts sim.Options
		want string
	}{
		{sim.Options{TraceTail: -1}, "TraceTail"},
		{sim.Options{Network: harnessNet(netfault.LinkConfig{Loss: 2})}, "Loss"},
		{sim.Options{Network: harnessNet(link(ms(5), ms(1)))}, "LatencyMax"},
		{sim.Options{Disk: sim.DiskFaults{SyncLatencyMin: ms(2),
			SyncLatencyMax: ms(1)}}, "SyncLatencyMax"},
		{sim.Options{Disk: sim.DiskFaults{SyncFailRate: -0.5}}, "SyncFailRate"},
	}
	for _, b := range bad {
		_, err := sim.NewWorld(newTwSys(), b.opts)
		require.ErrorContains(t, err, b.want)
	}
}

func TestCallValidation(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	_, err := w.AddClient("c1", []nodeapi.NodeID{"n1"})
	require.NoError(t, err)
	checks := []struct {
		err  error
		want string
	}{
		{w.AddNode("", nodeapi.Boot{}), "empty ID"},
		{w.AddNode("n1", nodeapi.Boot{}), `"n1": the ID is already registered`},
		{w.Crash("zz", sim.CrashOptions{}), `unknown node "zz"`},
		{w.Restart("n1"), `Restart "n1": the node is up`},
		{w.Crash("c1", sim.CrashOptions{}), `"c1": it is a client`},
		{w.Resume("n1"), `Resume "n1": the node is not paused`},
		{w.SetClock("n1", 0, 2_000_000), `drift 2000000 ppm is outside`},
		{w.SetLink("n1", "n2", netfault.LinkConfig{Duplicate: 1.5}), "Duplicate"},
		{w.SetLink("n1", "nope", netfault.LinkConfig{}), `unknown node "nope"`},
		{w.Partition([]nodeapi.NodeID{"n1"}, []nodeapi.NodeID{"n1", "n2"}),
			"in partition groups 0 and 1"},
		{w.Partition([]nodeapi.NodeID{"x"}), `group 0: harness: unknown node "x"`},
		{w.SetDiskFaults("n2", sim.DiskFaults{ReadCorruptRate: 7}), "ReadCorruptRate"},
		{w.Clog("ghost"), `unknown node "ghost"`},
	}
	for _, c := range checks {
		require.ErrorContains(t, c.err, c.want)
	}
	require.NoError(t, w.Crash("n2", sim.CrashOptions{}))
	require.ErrorContains(t, w.Crash("n2", sim.CrashOptions{}), "already down")
	require.ErrorContains(t, w.Pause("n2"), `Pause "n2": the node is down`)
	require.ErrorContains(t, w.Stop("n2"), "already down")
	require.NoError(t, w.Pause("n1"))
	require.ErrorContains(t, w.Pause("n1"), "already paused")
	require.ErrorContains(t, w.Stop("n1"), "paused")
	require.ErrorContains(t, w.RunFor(-1), "negative")
}

func TestStartFailure(t *testing.T) {
	s := newTwSys()
	fail := true
	s.onStart = func(n *twNode) error {
		if fail {
			return errors.New("corrupt record")
		}
		return nil
	}
	w, err := sim.NewWorld(s, sim.Options{Seed: 1})
	require.NoError(t, err)
	err = w.AddNode("n1", nodeapi.Boot{})
	require.ErrorContains(t, err, "n1 did not start: corrupt record")
	require.False(t, w.Up("n1"))
	require.ErrorContains(t, w.NodeErr("n1"), "corrupt record")
	require.Equal(t, []nodeapi.NodeID{"n1"}, w.Nodes(), "a failed node stays registered")
	fail = false
	require.NoError(t, w.Restart("n1"))
	require.True(t, w.Up("n1"))
	require.NoError(t, w.NodeErr("n1"))
}

func TestDeadlockAndTimeLimit(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1")
	never := func() bool { return false }
	err := w.RunUntil(never, time.Second)
	var dl *sim.DeadlockError
	require.ErrorAs(t, err, &dl)
	require.Zero(t, dl.At)

	s.onStart = func(n *twNode) error {
		var tick func()
		tick = func() { n.env.After(ms(300), tick) }
		tick()
		return nil
	}
	w = newWorld(t, s, sim.Options{Seed: 1}, "n1")
	err = w.RunUntil(never, time.Second)
	var tl *sim.TimeLimitError
	require.ErrorAs(t, err, &tl)
	require.Equal(t, time.Second, tl.At)
	require.Equal(t, time.Second, w.Now())
	require.NoError(t, w.Pause("n1"))
	require.NoError(t, w.RunFor(time.Second)) // the held timer leaves the queue empty
	err = w.RunUntil(never, time.Second)
	require.ErrorAs(t, err, &dl)
	require.Equal(t, []nodeapi.NodeID{"n1"}, dl.Paused)
}

func TestNodePanic(t *testing.T) {
	s := newTwSys()
	s.onMsg = func(n *twNode, from nodeapi.NodeID, msg []byte) {
		if string(msg) == "boom" {
			panic("boom from " + string(from))
		}
	}
	w := newWorld(t, s, sim.Options{Seed: 1, Network: harnessNet(link(ms(1), ms(1)))},
		"n1", "n2")
	sendAt(w, s, ms(5), "n1", "n2", "fine")
	sendAt(w, s, ms(10), "n1", "n2", "boom")
	sendAt(w, s, ms(20), "n1", "n2", "never")
	err := w.RunFor(time.Second)
	var pe *sim.NodePanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, nodeapi.NodeID("n2"), pe.Node)
	require.Equal(t, ms(11), pe.At)
	require.Equal(t, "boom from n1", pe.Value)
	require.Contains(t, pe.Stack, "world_helpers_test.go")
	require.Equal(t, "n2 panicked at 11ms: boom from n1", pe.Error())
	require.Equal(t, ms(11), w.Now(), "the run stops at the panic")
	progressed, err2 := w.Step()
	require.False(t, progressed)
	require.Same(t, pe, err2.(*sim.NodePanicError))
	require.Equal(t, []string{"fine", "boom"}, s.nodes["n2"].bodies("n1"))
}

// twInvSys adds invariants to the test system: no node may count past limit.
type twInvSys struct {
	*twSys
	limit int
}

var errTooMany = errors.New("counter over the limit")

func (s twInvSys) CheckAfterEvent(id nodeapi.NodeID) error {
	if n := s.nodes[id]; n != nil && n.counter > s.limit {
		return errTooMany
	}
	return nil
}

func TestInvariantError(t *testing.T) {
	s := newTwSys()
	s.onMsg = func(n *twNode, _ nodeapi.NodeID, _ []byte) { n.counter++ }
	w := newWorld(t, twInvSys{s, 2}, sim.Options{Seed: 1}, "n1", "n2")
	for i := range 5 {
		sendAt(w, s, ms(i+1), "n2", "n1", "x")
	}
	err := w.RunFor(time.Second)
	var ie *sim.InvariantError
	require.ErrorAs(t, err, &ie)
	require.ErrorIs(t, err, errTooMany)
	require.Equal(t, nodeapi.NodeID("n1"), ie.Node)
	require.Equal(t, ms(3), ie.At)
	require.Equal(t, 3, s.nodes["n1"].counter, "the run stops after the violating event")
	require.Equal(t, err, w.Err())
}
