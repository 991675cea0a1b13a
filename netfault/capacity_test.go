package netfault_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

// A link with capacity k never has more than k of its messages arrive out of a burst sent
// before any arrives: each send beyond k drops one message of the link, the new one
// included, at random. Other links are untouched.
func TestCapacityDropsRandomMessagesOfAFullLink(t *testing.T) {
	n, e := newNet(t, 5, netfault.LinkConfig{LatencyMin: 10, LatencyMax: 10}, 3)
	n.SetCapacity(e[0], e[1], 3)
	require.Equal(t, 3, n.Capacity(e[0], e[1]))
	require.Zero(t, n.Capacity(e[1], e[0]))
	var sent []netfault.Delivery
	for i := range 20 {
		sent = n.Send(0, msg(e[0], e[1], fmt.Sprint(i)), sent)
		sent = n.Send(0, msg(e[0], e[2], fmt.Sprint("other", i)), sent)
	}
	got := arriveAll(n, sent)
	var kept []string
	for _, p := range got[netfault.Deliver] {
		if p[0] != 'o' {
			kept = append(kept, p)
		}
	}
	require.Len(t, kept, 3, "delivered on the full link: %v", kept)
	require.Len(t, got[netfault.Deliver], 23, "the other link lost nothing")
	require.NotEqual(t, []string{"0", "1", "2"}, kept, "the drops are random, not tail")
	require.Equal(t, uint64(17), n.Stats().Overflowed)

	// Arrived messages leave the link: a new burst has room for three again.
	sent = sent[:0]
	for i := range 3 {
		sent = n.Send(20, msg(e[0], e[1], fmt.Sprint("again", i)), sent)
	}
	require.Len(t, arriveAll(n, sent)[netfault.Deliver], 3)
}

// The same seed makes the same random drops; the capacity lifted, nothing is dropped.
func TestCapacityIsDeterministicAndLiftable(t *testing.T) {
	burst := func(n *netfault.Network, e []netfault.Endpoint) []string {
		var sent []netfault.Delivery
		for i := range 10 {
			sent = n.Send(0, msg(e[0], e[1], fmt.Sprint(i)), sent)
		}
		return arriveAll(n, sent)[netfault.Deliver]
	}
	a, ea := newNet(t, 9, netfault.LinkConfig{LatencyMin: 5, LatencyMax: 5}, 2)
	b, eb := newNet(t, 9, netfault.LinkConfig{LatencyMin: 5, LatencyMax: 5}, 2)
	a.SetCapacity(ea[0], ea[1], 2)
	b.SetCapacity(eb[0], eb[1], 2)
	require.Equal(t, burst(a, ea), burst(b, eb))
	require.Equal(t, 1, a.ClearCapacities())
	require.Len(t, burst(a, ea), 10)
	require.Zero(t, a.ClearCapacities(), "nothing left to lift")
}

// A stream chunk dropped by a full link breaks its stream: the receiver sees a prefix.
func TestCapacityBreaksAStreamThatLosesAChunk(t *testing.T) {
	n, e := newNet(t, 3, netfault.LinkConfig{LatencyMin: 10, LatencyMax: 10}, 2)
	n.SetCapacity(e[0], e[1], 1)
	var sent []netfault.Delivery
	for i := range 4 {
		m := msg(e[0], e[1], fmt.Sprint(i))
		m.Stream = 7
		sent = n.Send(0, m, sent)
	}
	got := arriveAll(n, sent)
	require.True(t, n.StreamBroken(e[0], e[1], 7))
	require.LessOrEqual(t, len(got[netfault.Deliver]), 1)
	for i, p := range got[netfault.Deliver] {
		require.Equal(t, fmt.Sprint(i), p, "a prefix of the stream")
	}
	n.ForgetStream(e[0], e[1], 7)
	require.False(t, n.StreamBroken(e[0], e[1], 7), "a retired stream is forgotten")
}

// Forget takes a discarded delivery off its link, so it no longer takes up room.
func TestForgetFreesCapacity(t *testing.T) {
	n, e := newNet(t, 4, netfault.LinkConfig{LatencyMin: 10, LatencyMax: 10}, 2)
	n.SetCapacity(e[0], e[1], 1)
	first := n.Send(0, msg(e[0], e[1], "a"), nil)
	n.Forget(first[0].Msg)
	second := n.Send(1, msg(e[0], e[1], "b"), nil)
	require.Equal(t, netfault.Deliver, n.Arrive(11, &second[0].Msg))
	require.Zero(t, n.Stats().Overflowed)
}

// A clog holds at most MaxHeld messages; beyond, arrivals are dropped, not stored.
func TestHeldMessagesAreBounded(t *testing.T) {
	n, e := newNet(t, 8, netfault.LinkConfig{}, 2)
	n.Clog(e[1])
	dropped := 0
	for range netfault.MaxHeld + 10 {
		d := n.Send(0, msg(e[0], e[1], "x"), nil)
		if n.Arrive(0, &d[0].Msg) == netfault.Drop {
			dropped++
		}
	}
	require.Equal(t, netfault.MaxHeld, n.HeldCount())
	require.Equal(t, 10, dropped)
	require.Equal(t, uint64(10), n.Stats().HeldOverflow)
}

func TestSetCapacityRejectsOutOfRange(t *testing.T) {
	n, e := newNet(t, 1, netfault.LinkConfig{}, 2)
	require.Panics(t, func() { n.SetCapacity(e[0], e[1], -1) })
	require.Panics(t, func() { n.SetCapacity(e[0], e[1], netfault.MaxLinkCapacity+1) })
}
