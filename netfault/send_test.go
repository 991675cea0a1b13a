package netfault_test

import (
	"math/bits"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

func TestLatencyWithinBounds(t *testing.T) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: 3 * time.Millisecond,
		Reorder: true}
	n, e := newNet(t, 1, c, 2)
	lo, hi := time.Hour, time.Duration(0)
	var out []netfault.Delivery
	for i := range 10000 {
		now := int64(i) * int64(time.Microsecond)
		out = n.Send(now, msg(e[0], e[1], "x"), out[:0])
		require.Len(t, out, 1)
		d := time.Duration(out[0].At - now)
		lo, hi = min(lo, d), max(hi, d)
	}
	require.GreaterOrEqual(t, lo, c.LatencyMin)
	require.LessOrEqual(t, hi, c.LatencyMax)
	// The draw spans the whole interval, not a corner of it.
	require.Less(t, lo, c.LatencyMin+50*time.Microsecond)
	require.Greater(t, hi, c.LatencyMax-50*time.Microsecond)
	require.Zero(t, n.Stats().Spiked)
}

func TestLatencySpikes(t *testing.T) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: time.Millisecond,
		SpikeRate: 0.1, SpikeMax: 50 * time.Millisecond, Reorder: true}
	n, e := newNet(t, 2, c, 2)
	const total = 20000
	spiked := 0
	longest := time.Duration(0)
	for i := range total {
		out := sendOne(n, int64(i), msg(e[0], e[1], "x"))
		d := time.Duration(out[0].At - int64(i))
		require.GreaterOrEqual(t, d, c.LatencyMin)
		require.LessOrEqual(t, d, c.LatencyMin+c.SpikeMax)
		if d > c.LatencyMin {
			spiked++
		}
		longest = max(longest, d)
	}
	require.InDelta(t, 0.1*total, spiked, 0.01*total)
	require.Equal(t, uint64(spiked), n.Stats().Spiked)
	require.Greater(t, longest, c.LatencyMin+45*time.Millisecond)
}

func TestLossRate(t *testing.T) {
	n, e := newNet(t, 3, netfault.LinkConfig{Loss: 0.1}, 2)
	const total = 100000
	got := 0
	var out []netfault.Delivery
	for i := range total {
		out = n.Send(int64(i), msg(e[0], e[1], "x"), out[:0])
		got += len(out)
	}
	lost := total - got
	require.GreaterOrEqual(t, lost, 9000)
	require.LessOrEqual(t, lost, 11000)
	st := n.Stats()
	require.Equal(t, uint64(lost), st.Lost)
	require.Equal(t, uint64(total), st.Sent)
}

func TestDuplicateGivesDistinctEqualCopies(t *testing.T) {
	c := netfault.LinkConfig{Duplicate: 1, LatencyMax: time.Millisecond, Reorder: true}
	n, e := newNet(t, 4, c, 2)
	orig := []byte("hello")
	out := sendOne(n, 7, netfault.Message{From: e[0], To: e[1], Payload: orig})
	require.Len(t, out, 2)
	a, b := out[0].Msg.Payload, out[1].Msg.Payload
	require.Equal(t, a, b)
	require.Equal(t, []byte("hello"), a)
	require.NotSame(t, &a[0], &b[0], "duplicates must not share bytes")
	b[0] = 'J'
	require.Equal(t, []byte("hello"), a)
	require.Equal(t, []byte("hello"), orig)
	require.Equal(t, uint64(1), n.Stats().Duplicated)
}

func TestCorruptFlipsExactlyOneBitOfACopy(t *testing.T) {
	n, e := newNet(t, 5, netfault.LinkConfig{Corrupt: 1}, 2)
	orig := []byte("payload bytes")
	saved := append([]byte(nil), orig...)
	positions := map[int]bool{}
	for i := range 200 {
		out := sendOne(n, int64(i), netfault.Message{From: e[0], To: e[1], Payload: orig})
		require.Len(t, out, 1)
		got := out[0].Msg.Payload
		require.Len(t, got, len(orig))
		require.NotSame(t, &orig[0], &got[0])
		diff := 0
		for j := range got {
			if x := got[j] ^ orig[j]; x != 0 {
				diff += bits.OnesCount8(x)
				positions[j] = true
			}
		}
		require.Equal(t, 1, diff, "exactly one bit must flip")
	}
	require.Equal(t, saved, orig, "the sender's slice must stay untouched")
	require.Greater(t, len(positions), len(orig)/2, "the flipped bit must move around")
	require.Equal(t, uint64(200), n.Stats().Corrupted)

	out := sendOne(n, 0, netfault.Message{From: e[0], To: e[1]})
	require.Len(t, out, 1, "an empty payload has no bit to flip and passes")
	require.Empty(t, out[0].Msg.Payload)
}

// overtakes counts deliveries that arrive strictly before one sent earlier on the link.
func overtakes(ds []netfault.Delivery) int {
	count := 0
	latest := int64(-1)
	for _, d := range ds {
		if d.At < latest {
			count++
		}
		latest = max(latest, d.At)
	}
	return count
}

func TestFIFOVersusReorder(t *testing.T) {
	for _, reorder := range []bool{false, true} {
		c := netfault.LinkConfig{LatencyMax: 100 * time.Millisecond, Reorder: reorder}
		n, e := newNet(t, 6, c, 2)
		var out []netfault.Delivery
		for i := range 1000 {
			out = n.Send(int64(i)*int64(time.Microsecond), msg(e[0], e[1], "x"), out)
		}
		if reorder {
			require.Greater(t, overtakes(out), 100, "wide latency must reorder")
		} else {
			require.Zero(t, overtakes(out), "a FIFO link never lets a message overtake")
		}
	}
}

func TestStreamChunksAreReliableAndOrdered(t *testing.T) {
	c := netfault.LinkConfig{LatencyMax: 100 * time.Millisecond, Loss: 1, Duplicate: 1,
		Corrupt: 1, Reorder: true}
	n, e := newNet(t, 7, c, 2)
	var out []netfault.Delivery
	for i := range 500 {
		m := netfault.Message{From: e[0], To: e[1], Stream: 9, Payload: []byte{byte(i)}}
		out = n.Send(int64(i), m, out)
	}
	require.Len(t, out, 500, "one delivery per chunk: no loss, no duplicate")
	for i, d := range out {
		require.Equal(t, []byte{byte(i)}, d.Msg.Payload, "no corruption")
	}
	require.Zero(t, overtakes(out))
	st := n.Stats()
	require.Zero(t, st.Lost+st.Duplicated+st.Corrupted)
}

func TestPerLinkConfig(t *testing.T) {
	def := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: time.Millisecond}
	n, e := newNet(t, 8, def, 3)
	slow := netfault.LinkConfig{LatencyMin: time.Second, LatencyMax: time.Second}
	n.SetLink(e[0], e[1], slow)
	require.Equal(t, slow, n.Link(e[0], e[1]))
	require.Equal(t, def, n.Link(e[1], e[0]), "SetLink is one direction only")
	require.Equal(t, int64(time.Second), sendOne(n, 0, msg(e[0], e[1], "x"))[0].At)
	require.Equal(t, int64(time.Millisecond), sendOne(n, 0, msg(e[0], e[2], "x"))[0].At)

	late := n.AddEndpoint("late")
	require.Equal(t, def, n.Link(late, e[0]))
	require.Equal(t, slow, n.Link(e[0], e[1]), "adding an endpoint keeps link settings")
	require.Equal(t, "late", n.Name(late))

	lossy := netfault.LinkConfig{Loss: 1}
	n.SetAllLinks(lossy)
	require.Equal(t, lossy, n.Link(e[0], e[1]))
	require.Equal(t, lossy, n.Link(n.AddEndpoint("later"), e[2]))
	require.Empty(t, sendOne(n, 0, msg(e[0], e[1], "x")))
}

func TestFilterDropDelayAlter(t *testing.T) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: time.Millisecond}
	n, e := newNet(t, 9, c, 2)
	n.SetFilter(func(m netfault.Message) netfault.FilterAction {
		switch string(m.Payload) {
		case "drop":
			return netfault.FilterAction{Drop: true}
		case "slow":
			return netfault.FilterAction{Delay: time.Second}
		case "alter":
			return netfault.FilterAction{Payload: []byte("altered")}
		}
		return netfault.FilterAction{}
	})
	require.Empty(t, sendOne(n, 0, msg(e[0], e[1], "drop")))
	out := sendOne(n, 0, msg(e[0], e[1], "slow"))
	require.Equal(t, int64(time.Second+time.Millisecond), out[0].At)
	orig := []byte("alter")
	out = sendOne(n, 0, netfault.Message{From: e[0], To: e[1], Payload: orig})
	require.Equal(t, []byte("altered"), out[0].Msg.Payload)
	require.Equal(t, []byte("alter"), orig)
	require.Equal(t, uint64(1), n.Stats().Filtered)

	// A dropped stream chunk still travels so its arrival reports the broken stream.
	chunk := netfault.Message{From: e[0], To: e[1], Stream: 3, Payload: []byte("drop")}
	out = sendOne(n, 0, chunk)
	require.Len(t, out, 1)
	require.Equal(t, netfault.Drop, n.Arrive(out[0].At, &out[0].Msg))

	n.SetFilter(nil)
	require.Len(t, sendOne(n, 0, msg(e[0], e[1], "drop")), 1)
}

func TestSendDoesNotAllocate(t *testing.T) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: 3 * time.Millisecond,
		SpikeRate: 0.01, SpikeMax: 50 * time.Millisecond, Loss: 0.01, Reorder: true}
	n, e := newNet(t, 10, c, 3)
	n.SetFilter(func(netfault.Message) netfault.FilterAction { return netfault.FilterAction{} })
	out := make([]netfault.Delivery, 0, 4)
	m := msg(e[0], e[1], "payload")
	now := int64(0)
	allocs := testing.AllocsPerRun(1000, func() {
		now++
		out = n.Send(now, m, out[:0])
		for _, d := range out {
			n.Arrive(d.At, &d.Msg)
		}
	})
	require.Zero(t, allocs)
}
