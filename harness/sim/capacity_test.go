package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// burstAt makes from send count numbered messages to to at once, as node code.
func burstAt(w *sim.World, s *twSys, at time.Duration, from, to nodeapi.NodeID,
	count int) {
	w.At(at, func() {
		for i := range count {
			s.nodes[from].env.Send(to, []byte(fmt.Sprint(i)))
		}
	})
}

// A link capacity set through the world drops all but a few messages of a burst, on the
// links it names only, and lifting it lets the next burst through whole.
func TestWorldLinkCapacity(t *testing.T) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: 3, Network: harnessNet(link(ms(5), ms(5)))},
		"n1", "n2", "n3")
	require.NoError(t, w.SetLinkCapacity("n1", "", 2)) // every link of n1, both ways
	burstAt(w, s, ms(1), "n1", "n2", 10)
	burstAt(w, s, ms(1), "n3", "n1", 10)
	burstAt(w, s, ms(1), "n2", "n3", 10)
	require.NoError(t, w.RunFor(ms(20)))
	require.Len(t, s.nodes["n2"].bodies("n1"), 2)
	require.Len(t, s.nodes["n1"].bodies("n3"), 2)
	require.Len(t, s.nodes["n3"].bodies("n2"), 10, "n2 -> n3 has no capacity")
	require.Equal(t, uint64(16), w.Net().Stats().Overflowed)

	w.ClearLinkCapacities()
	burstAt(w, s, ms(30), "n1", "n2", 10)
	require.NoError(t, w.RunFor(ms(20)))
	require.Len(t, s.nodes["n2"].bodies("n1"), 12)
	require.Error(t, w.SetLinkCapacity("n1", "n9", 2))
	require.Error(t, w.SetLinkCapacity("n1", "n2", -1))
}
