package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
)

// burstAt makes from send count numbered messages to to at once, as node code.
func burstAt(w *harness.World, s *twSys, at time.Duration, from, to harness.NodeID,
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
	w := newWorld(t, s, harness.Options{Seed: 3, Network: harnessNet(link(ms(5), ms(5)))},
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

// The link-capacity fault of a scenario is applied, rendered and undone through its spec.
func TestLinkCapacityFault(t *testing.T) {
	s := toyScenario()
	f := harness.Fault{At: harness.Duration(time.Second), Kind: harness.FaultLinkCap,
		Node: "n1", Peer: "c1", Capacity: 1, For: harness.Duration(500 * time.Millisecond)}
	s.Faults = []harness.Fault{f}
	require.Equal(t, "at 1s link-capacity n1<->c1 capacity 1 for 500ms", f.String())
	res, err := harness.Run(s, &toyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	var notes []string
	for _, a := range res.Annotations {
		if a.Node == "n1" {
			notes = append(notes, fmt.Sprintf("%v %s", a.At, a.Text))
		}
	}
	require.Equal(t, []string{"1s link capacity <-> c1: 1", "1.5s link capacity <-> c1: 0"},
		notes[:2])

	s.Faults[0].Peer, s.Faults[0].Capacity = "", 0
	require.Equal(t, "at 1s link-capacity n1<->all capacity 4 for 500ms",
		s.Faults[0].String(), "no peer: every link; no capacity: the default")
	require.NoError(t, s.Validate())
	s.Faults[0].Capacity = -3
	require.ErrorContains(t, s.Validate(), "faults[0].capacity: -3 is outside")
}
