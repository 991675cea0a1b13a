package netfault_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

// arriveAll passes every delivery to Arrive and returns the payloads per verdict.
func arriveAll(n *netfault.Network, ds []netfault.Delivery) map[netfault.Verdict][]string {
	got := map[netfault.Verdict][]string{}
	for _, d := range ds {
		v := n.Arrive(d.At, &d.Msg)
		got[v] = append(got[v], string(d.Msg.Payload))
	}
	return got
}

func payloads(ds []netfault.Delivery) []string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d.Msg.Payload)
	}
	return s
}

func TestClogNodeHoldsThenReleasesInOrder(t *testing.T) {
	n, e := newNet(t, 21, netfault.LinkConfig{}, 3)
	n.Clog(e[1])
	var sent []netfault.Delivery
	for _, p := range []string{"1", "2", "3"} {
		sent = n.Send(0, msg(e[0], e[1], p), sent)
	}
	sent = n.Send(0, msg(e[1], e[2], "from-clogged"), sent)
	sent = n.Send(0, msg(e[0], e[2], "free"), sent)
	got := arriveAll(n, sent)
	require.Equal(t, []string{"1", "2", "3", "from-clogged"}, got[netfault.Hold])
	require.Equal(t, []string{"free"}, got[netfault.Deliver])
	require.Equal(t, 4, n.HeldCount())

	rel := n.Unclog(50, e[1], nil)
	require.Equal(t, []string{"1", "2", "3", "from-clogged"}, payloads(rel))
	for _, d := range rel {
		require.Equal(t, int64(50), d.At)
		require.Equal(t, netfault.Deliver, n.Arrive(d.At, &d.Msg))
	}
	require.Zero(t, n.HeldCount())
	st := n.Stats()
	require.Equal(t, uint64(4), st.Held)
	require.Equal(t, uint64(4), st.Released)
}

func TestClogLinkIsOneDirection(t *testing.T) {
	n, e := newNet(t, 22, netfault.LinkConfig{}, 2)
	n.ClogLink(e[0], e[1])
	ab := sendOne(n, 0, msg(e[0], e[1], "ab"))
	ba := sendOne(n, 0, msg(e[1], e[0], "ba"))
	require.Equal(t, netfault.Hold, n.Arrive(ab[0].At, &ab[0].Msg))
	require.Equal(t, netfault.Deliver, n.Arrive(ba[0].At, &ba[0].Msg))
	require.Empty(t, n.Unclog(1, e[0], nil), "an endpoint unclog does not lift a link clog")
	rel := n.UnclogLink(2, e[0], e[1], nil)
	require.Equal(t, []string{"ab"}, payloads(rel))
}

func TestSecondClogKeepsMessageHeld(t *testing.T) {
	n, e := newNet(t, 23, netfault.LinkConfig{}, 3)
	n.Clog(e[2])
	n.ClogLink(e[0], e[2])
	var sent []netfault.Delivery
	sent = n.Send(0, msg(e[0], e[2], "a1"), sent)
	sent = n.Send(0, msg(e[1], e[2], "b1"), sent)
	sent = n.Send(0, msg(e[0], e[2], "a2"), sent)
	sent = n.Send(0, msg(e[1], e[2], "b2"), sent)
	require.Len(t, arriveAll(n, sent)[netfault.Hold], 4)

	rel := n.Unclog(10, e[2], nil)
	require.Equal(t, []string{"b1", "b2"}, payloads(rel))
	require.Equal(t, 2, n.HeldCount(), "messages on the clogged link stay held")
	rel = n.UnclogLink(20, e[0], e[2], rel[:0])
	require.Equal(t, []string{"a1", "a2"}, payloads(rel))
	require.Zero(t, n.HeldCount())
}

func TestReleasedMessageObeysPartitionMadeWhileHeld(t *testing.T) {
	n, e := newNet(t, 24, netfault.LinkConfig{}, 2)
	n.Clog(e[0])
	d := sendOne(n, 0, msg(e[0], e[1], "x"))
	require.Equal(t, netfault.Hold, n.Arrive(0, &d[0].Msg))
	n.Isolate(e[1])
	rel := n.Unclog(5, e[0], nil)
	require.Len(t, rel, 1)
	require.Equal(t, netfault.Drop, n.Arrive(rel[0].At, &rel[0].Msg))
}

func TestDropHeld(t *testing.T) {
	n, e := newNet(t, 25, netfault.LinkConfig{}, 3)
	n.Clog(e[0])
	n.Clog(e[1])
	n.Clog(e[2])
	var sent []netfault.Delivery
	sent = n.Send(0, msg(e[0], e[1], "01"), sent)
	sent = n.Send(0, msg(e[1], e[2], "12"), sent)
	sent = n.Send(0, msg(e[2], e[0], "20"), sent)
	sent = n.Send(0, netfault.Message{From: e[2], To: e[1], Stream: 4}, sent)
	require.Len(t, arriveAll(n, sent)[netfault.Hold], 4)

	require.Equal(t, 3, n.DropHeld(e[1]))
	require.Equal(t, 1, n.HeldCount())
	require.True(t, n.StreamBroken(e[2], e[1], 4), "a dropped held chunk breaks its stream")
	require.Zero(t, n.DropHeld(e[1]))
	rel := n.UnclogAll(9, nil)
	require.Equal(t, []string{"20"}, payloads(rel))
	require.False(t, n.Clogged(e[0], e[1]))
	require.Equal(t, uint64(3), n.Stats().DroppedHeld)
}
