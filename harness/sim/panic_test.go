package sim_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// A panic in harness code (an At callback) is the world's own: it stops the run as a
// *HarnessPanicError, never as a *NodePanicError that would pass for a bug of the system.
func TestHarnessPanicIsAHarnessError(t *testing.T) {
	w := newWorld(t, newTwSys(), sim.Options{Seed: 1}, "n1")
	w.At(ms(5), func() { panic("bug in a fault") })
	err := w.RunFor(ms(10))
	var hp *sim.HarnessPanicError
	require.ErrorAs(t, err, &hp)
	require.Equal(t, "bug in a fault", hp.Value)
	require.Equal(t, ms(5), hp.At)
	require.Equal(t, "harness error: the world's own code panicked at 5ms: bug in a fault",
		hp.Error())
	var pe *sim.NodePanicError
	require.False(t, errors.As(err, &pe), "a harness panic must not read as the system's")
}

// World code that a node calls through its Env (here a send, whose filter hook, test
// code of the harness's user, panics) is the harness's too, although a node is running.
func TestPanicInWorldCodeCalledByANodeIsTheHarnesss(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	w.SetFilter(func(_, _ nodeapi.NodeID, _ []byte) netfault.FilterAction {
		panic("filter bug")
	})
	sendAt(w, s, ms(1), "n1", "n2", "x") // harness code calls the send
	s.onMsg = nil
	err := w.RunFor(ms(5))
	var hp *sim.HarnessPanicError
	require.ErrorAs(t, err, &hp)

	s = newTwSys()
	s.onStart = func(n *twNode) error {
		if n.env.ID() == "n1" {
			n.env.After(ms(1), func() { n.env.Send("n2", []byte("x")) }) // node code sends
		}
		return nil
	}
	w = newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	w.SetFilter(func(_, _ nodeapi.NodeID, _ []byte) netfault.FilterAction {
		panic("filter bug")
	})
	err = w.RunFor(ms(5))
	require.ErrorAs(t, err, &hp)
	require.Equal(t, nodeapi.NodeID("n1"), hp.Node, "the panic happened in a call from n1")
}

// panicInvSys is a system whose invariant check panics once a node received a message.
type panicInvSys struct{ *twSys }

func (s panicInvSys) CheckAfterEvent(id nodeapi.NodeID) error {
	if n := s.nodes[id]; n != nil && len(n.got) > 0 {
		panic("checker bug")
	}
	return nil
}

// The system's own code outside any node (its invariant check) is the system's: a panic
// there is a found bug, named after the code and the node it was checking.
func TestPanicInTheSystemsCheckIsTheSystems(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, panicInvSys{s}, sim.Options{Seed: 1,
		Network: harnessNet(link(ms(1), ms(1)))}, "n1", "n2")
	sendAt(w, s, ms(1), "n1", "n2", "x")
	err := w.RunFor(ms(5))
	var pe *sim.NodePanicError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "invariant check", pe.In)
	require.Equal(t, nodeapi.NodeID("n2"), pe.Node)
	require.Equal(t, "the system's invariant check of n2 panicked at 2ms: checker bug",
		pe.Error())
}

// The after-event hook (crash storms) runs once an event's invariants held: a panicking
// check stops the run without it, and no later event runs after the panic, although one
// recovery covers all of RunFor's events.
func TestPanicInTheCheckSkipsTheHookAndStopsTheRun(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, panicInvSys{s}, sim.Options{Seed: 1,
		Network: harnessNet(link(ms(1), ms(1)))}, "n1", "n2")
	var hooked []nodeapi.NodeID
	w.SetAfterEvent(func(id nodeapi.NodeID) { hooked = append(hooked, id) })
	sendAt(w, s, ms(1), "n1", "n2", "x")
	later := false
	w.At(ms(3), func() { later = true })
	err := w.RunFor(ms(5))
	var pe *sim.NodePanicError
	require.ErrorAs(t, err, &pe)
	require.NotContains(t, hooked, nodeapi.NodeID("n2"), "the hook ran for a failed check")
	require.False(t, later, "an event ran after the panic that stopped the run")
	require.Equal(t, ms(2), w.Now(), "the clock stays at the failed event")
}
