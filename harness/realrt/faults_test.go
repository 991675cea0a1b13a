package realrt

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// countFrom counts the datagrams r has received from a peer.
func countFrom(r *recorder, from nodeapi.NodeID) int {
	n := 0
	for _, d := range r.received() {
		if d.from == from {
			n++
		}
	}
	return n
}

// exchange sends n datagrams each way and waits until the traffic has settled.
func exchange(t *testing.T, a, b *Runtime, n int) {
	for i := range n {
		send(t, a, "b", fmt.Sprint("a", i))
		send(t, b, "a", fmt.Sprint("b", i))
	}
	require.NoError(t, a.Do(func() {}))
	time.Sleep(100 * time.Millisecond)
}

// Out=1 on one side is a one-way cut; In=1 drops what arrives; both sides' rules make a
// partition; clearing heals.
func TestDropTableCutsAndHeals(t *testing.T) {
	a, b, ra, rb := pair(t)
	eventually(t, 5*time.Second, "links up", func() bool {
		return a.Connected("b") && b.Connected("a")
	})
	require.NoError(t, a.Faults().Set("b", Rule{Out: 1}))
	exchange(t, a, b, 20)
	require.Equal(t, 0, countFrom(rb, "a"), "a -> b is cut")
	require.Equal(t, 20, countFrom(ra, "b"), "b -> a still flows")

	require.NoError(t, a.Faults().Set("b", Rule{In: 1}))
	exchange(t, a, b, 20)
	require.Equal(t, 20, countFrom(rb, "a"))
	require.Equal(t, 20, countFrom(ra, "b"), "a drops what b sends")

	a.Faults().Clear()
	require.NoError(t, b.Faults().Set(AnyPeer, Rule{Out: 1, In: 1}))
	exchange(t, a, b, 10)
	require.Equal(t, 20, countFrom(rb, "a"), "b is isolated: it hears nothing")
	require.Equal(t, 20, countFrom(ra, "b"), "b is isolated: it says nothing")

	b.Faults().Clear()
	exchange(t, a, b, 10)
	require.Equal(t, 30, countFrom(rb, "a"))
	require.Equal(t, 30, countFrom(ra, "b"))
	require.Equal(t, uint64(40), a.Faults().Dropped(), "20 out, then 20 in")
	require.Equal(t, uint64(20), b.Faults().Dropped(), "10 out, 10 in")
}

// A fraction drops about that share of the messages, at random.
func TestDropTableLossFraction(t *testing.T) {
	a, _, _, rb := pair(t)
	eventually(t, 5*time.Second, "link up", func() bool { return a.Connected("b") })
	require.NoError(t, a.Faults().Set("b", Rule{Out: 0.3}))
	const n = 2000
	for i := range n {
		send(t, a, "b", fmt.Sprint(i))
	}
	// The table draws before the send queue; a burst may also overflow the queue.
	eventually(t, 5*time.Second, "the survivors", func() bool {
		return uint64(countFrom(rb, "a"))+a.Faults().Dropped()+a.Stats().DroppedQueue == n
	})
	dropped := a.Faults().Dropped()
	require.InDelta(t, 0.3*n, float64(dropped), 0.05*n, "the table dropped %d of %d", dropped, n)
	require.Positive(t, countFrom(rb, "a"))
}

func TestDropRulesAreValidated(t *testing.T) {
	f := newFaults(1)
	for _, r := range []Rule{{Out: -0.1}, {In: 1.5}, {Out: math.NaN()}} {
		require.Error(t, f.Set("x", r))
	}
	require.Error(t, f.Replace(map[nodeapi.NodeID]Rule{"ok": {Out: 1}, "bad": {In: 2}}))
	require.Empty(t, f.Table(), "a refused table changes nothing")
	require.NoError(t, f.Replace(map[nodeapi.NodeID]Rule{"x": {Out: 1}, "y": {}}))
	require.Equal(t, map[nodeapi.NodeID]Rule{"x": {Out: 1}}, f.Table())
	require.NoError(t, f.Set("x", Rule{}))
	require.Empty(t, f.Table(), "the zero rule removes the entry")
}
