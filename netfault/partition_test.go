package netfault_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

// reach returns the reachability matrix of the first k endpoints.
func reach(n *netfault.Network, k int) [][]bool {
	m := make([][]bool, k)
	for i := range k {
		m[i] = make([]bool, k)
		for j := range k {
			m[i][j] = n.Reachable(netfault.Endpoint(i), netfault.Endpoint(j))
		}
	}
	return m
}

func TestPartitionSymmetric(t *testing.T) {
	n, e := newNet(t, 11, netfault.LinkConfig{}, 5)
	n.Partition([]netfault.Endpoint{e[0], e[1]}, []netfault.Endpoint{e[2]})
	// e3 and e4 are named in no group, so they form a third group.
	const T, F = true, false
	require.Equal(t, [][]bool{
		{T, T, F, F, F},
		{T, T, F, F, F},
		{F, F, T, F, F},
		{F, F, F, T, T},
		{F, F, F, T, T},
	}, reach(n, 5))
	require.Empty(t, sendOne(n, 0, msg(e[0], e[2], "x")))
	require.Empty(t, sendOne(n, 0, msg(e[2], e[0], "x")))
	require.Len(t, sendOne(n, 0, msg(e[3], e[4], "x")), 1)
	require.Equal(t, uint64(2), n.Stats().PartitionedAtSend)

	late := n.AddEndpoint("late")
	require.True(t, n.Reachable(late, e[3]), "new endpoints join the unnamed group")
	require.False(t, n.Reachable(late, e[0]))

	n.Partition([]netfault.Endpoint{e[0], e[2]})
	require.True(t, n.Reachable(e[0], e[2]), "a new Partition replaces the old one")
	require.True(t, n.Reachable(e[1], e[3]))
	require.False(t, n.Reachable(e[0], e[1]))
}

func TestCutIsOneWay(t *testing.T) {
	n, e := newNet(t, 12, netfault.LinkConfig{}, 3)
	n.Cut(e[0], e[1])
	require.False(t, n.Reachable(e[0], e[1]))
	require.True(t, n.Reachable(e[1], e[0]))
	require.True(t, n.Reachable(e[0], e[2]))
	require.Empty(t, sendOne(n, 0, msg(e[0], e[1], "x")))
	require.Len(t, sendOne(n, 0, msg(e[1], e[0], "x")), 1)
	n.Cut(e[0], e[0])
	require.True(t, n.Reachable(e[0], e[0]), "an endpoint always reaches itself")
}

func TestIsolateAndHeal(t *testing.T) {
	n, e := newNet(t, 13, netfault.LinkConfig{}, 4)
	n.Isolate(e[1])
	for _, other := range []netfault.Endpoint{e[0], e[2], e[3]} {
		require.False(t, n.Reachable(e[1], other))
		require.False(t, n.Reachable(other, e[1]))
	}
	require.True(t, n.Reachable(e[1], e[1]))
	require.True(t, n.Reachable(e[0], e[2]))

	n.Partition([]netfault.Endpoint{e[0]})
	n.Cut(e[2], e[3])
	n.ClogLink(e[0], e[0])
	n.Heal()
	for i, row := range reach(n, 4) {
		for j, ok := range row {
			require.True(t, ok, "after Heal %d -> %d must be reachable", i, j)
		}
	}
	require.True(t, n.Clogged(e[0], e[0]), "Heal leaves clogs alone")
}

func TestPartitionAfterSendDropsAtArrival(t *testing.T) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: time.Millisecond}
	n, e := newNet(t, 14, c, 2)
	out := sendOne(n, 0, msg(e[0], e[1], "x"))
	require.Len(t, out, 1)
	n.Cut(e[0], e[1])
	require.Equal(t, netfault.Drop, n.Arrive(out[0].At, &out[0].Msg))
	n.Heal()
	require.Equal(t, netfault.Deliver, n.Arrive(out[0].At, &out[0].Msg))
	require.Equal(t, uint64(1), n.Stats().DroppedAtArrival)
}

func TestStreamBreaksAndStaysBroken(t *testing.T) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: time.Millisecond}
	n, e := newNet(t, 15, c, 2)
	chunk := func(s uint64) netfault.Message {
		return netfault.Message{From: e[0], To: e[1], Stream: s, Payload: []byte("c")}
	}
	n.Isolate(e[1])
	out := sendOne(n, 0, chunk(1))
	require.Len(t, out, 1, "a chunk sent into a partition still travels")
	require.Equal(t, int64(time.Millisecond), out[0].At)
	require.True(t, n.StreamBroken(e[0], e[1], 1))
	n.Heal()
	require.Equal(t, netfault.Drop, n.Arrive(out[0].At, &out[0].Msg))
	later := sendOne(n, 5, chunk(1))
	require.Equal(t, netfault.Drop, n.Arrive(later[0].At, &later[0].Msg),
		"a broken stream never delivers a later chunk (no gaps)")
	other := sendOne(n, 5, chunk(2))
	require.Equal(t, netfault.Deliver, n.Arrive(other[0].At, &other[0].Msg))
	require.False(t, n.StreamBroken(e[1], e[0], 1), "breaks are per direction")

	// Partition after send breaks the stream too.
	inFlight := sendOne(n, 10, chunk(2))
	n.Cut(e[0], e[1])
	require.Equal(t, netfault.Drop, n.Arrive(inFlight[0].At, &inFlight[0].Msg))
	n.Heal()
	require.True(t, n.StreamBroken(e[0], e[1], 2))
}

func TestValidatePartition(t *testing.T) {
	n, e := newNet(t, 16, netfault.LinkConfig{}, 3)
	require.NoError(t, n.ValidatePartition([]netfault.Endpoint{e[0], e[0]}, nil))
	err := n.ValidatePartition([]netfault.Endpoint{e[0]}, []netfault.Endpoint{e[1], e[0]})
	require.ErrorContains(t, err, "groups 0 and 1")
	err = n.ValidatePartition([]netfault.Endpoint{7})
	require.ErrorContains(t, err, "unknown endpoint 7")
	require.PanicsWithValue(t, err.Error(), func() { n.Partition([]netfault.Endpoint{7}) })
	require.Panics(t, func() { n.Isolate(-1) })
	require.Panics(t, func() { n.Reachable(e[0], 3) })
}

// Reachable after any sequence of Partition, Cut, Isolate and Heal is what the three
// layers say, computed from scratch: the shortcut for a network with none in force must
// never outlive one.
func TestReachableFollowsEveryLayerChange(t *testing.T) {
	const k = 5
	n, e := newNet(t, 3, netfault.LinkConfig{}, k)
	r := rand.New(rand.NewPCG(5, 6))
	group := make([]int, k)
	var isolated [k]bool
	var cut [k][k]bool
	for step := range 3000 {
		switch op := r.IntN(8); {
		case op == 0:
			n.Heal()
			clear(group)
			isolated, cut = [k]bool{}, [k][k]bool{}
		case op <= 2:
			var groups [][]netfault.Endpoint
			clear(group)
			for i := range k {
				if g := r.IntN(3); g > 0 {
					for len(groups) < g {
						groups = append(groups, nil)
					}
					groups[g-1] = append(groups[g-1], e[i])
					group[i] = g
				}
			}
			n.Partition(groups...)
		case op <= 4:
			a, b := r.IntN(k), r.IntN(k)
			n.Cut(e[a], e[b])
			cut[a][b] = true
		case op == 5:
			a := r.IntN(k)
			n.Isolate(e[a])
			isolated[a] = true
		}
		for a := range k {
			for b := range k {
				want := a == b || !cut[a][b] && group[a] == group[b] && !isolated[a] &&
					!isolated[b]
				require.Equal(t, want, n.Reachable(e[a], e[b]), "step %d: %d -> %d", step, a, b)
			}
		}
	}
}
