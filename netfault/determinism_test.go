package netfault_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/netfault"
)

// script drives a network with every fault and records each decision as data: every
// delivery, and the verdict Arrive gave it.
func script(t *testing.T, seed uint64) ([]netfault.Delivery, []netfault.Verdict) {
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: 5 * time.Millisecond,
		SpikeRate: 0.05, SpikeMax: 20 * time.Millisecond, Loss: 0.1, Duplicate: 0.1,
		Corrupt: 0.1, Reorder: true}
	n, e := newNet(t, seed, c, 4)
	n.SetLink(e[0], e[1], netfault.LinkConfig{LatencyMax: 50 * time.Millisecond})
	n.SetFilter(func(m netfault.Message) netfault.FilterAction {
		if len(m.Payload) > 0 && m.Payload[0]%7 == 0 {
			return netfault.FilterAction{Delay: time.Millisecond}
		}
		return netfault.FilterAction{}
	})
	var log []netfault.Delivery
	var verdicts []netfault.Verdict
	for i := range 2000 {
		switch i {
		case 500:
			n.Partition([]netfault.Endpoint{e[0], e[2]})
		case 900:
			n.Heal()
			n.Clog(e[2])
		case 1400:
			log = n.Unclog(int64(i), e[2], log)
		}
		m := netfault.Message{From: e[i%4], To: e[(i*7+1)%4], Payload: []byte{byte(i), 1, 2}}
		if i%5 == 0 {
			m.Stream = uint64(1 + i%3)
		}
		start := len(log)
		log = n.Send(int64(i)*int64(time.Millisecond), m, log)
		for _, d := range log[start:] {
			verdicts = append(verdicts, n.Arrive(d.At, &d.Msg))
		}
	}
	return log, verdicts
}

func TestDeterminism(t *testing.T) {
	a, va := script(t, 42)
	b, vb := script(t, 42)
	require.Equal(t, a, b, "same seed, same calls: same deliveries")
	require.Equal(t, va, vb, "same seed, same calls: same verdicts")
	require.True(t, slices.Contains(va, netfault.Drop), "the script must exercise partitions")
	require.True(t, slices.Contains(va, netfault.Hold), "the script must exercise clogs")
	c, _ := script(t, 43)
	require.NotEqual(t, a, c, "a different seed must change the decisions")
}

// A link's stream and state do not depend on when its endpoints were added: endpoints added
// one at a time between sends (links laid out again and again, the matrix widened) give
// every link the deliveries it gets when all endpoints come first, and a link's settings
// and FIFO history survive the later additions.
func TestLinksDoNotDependOnWhenEndpointsAreAdded(t *testing.T) {
	const k = 14
	c := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: 5 * time.Millisecond,
		SpikeRate: 0.2, SpikeMax: 20 * time.Millisecond, Loss: 0.1, Duplicate: 0.1}
	slow := netfault.LinkConfig{LatencyMin: time.Second, LatencyMax: 2 * time.Second}
	type send struct {
		from, to netfault.Endpoint
		at       int64
	}
	type key struct{ from, to netfault.Endpoint }
	run := func(n *netfault.Network, sends []send, got map[key][]int64) {
		for _, s := range sends {
			for _, d := range n.Send(s.at, msg(s.from, s.to, "x"), nil) {
				got[key{s.from, s.to}] = append(got[key{s.from, s.to}], d.At)
			}
		}
	}

	late, _ := newNet(t, 5, c, 0)
	lateGot := map[key][]int64{}
	var sends []send
	now := int64(0)
	for i := range k {
		require.Equal(t, netfault.Endpoint(i), late.AddEndpoint(string(rune('a'+i))))
		if i == 1 { // before the link's first message
			late.SetLink(0, 1, slow)
		}
		if i%3 == 2 { // sometimes lay out two new endpoints at once
			continue
		}
		var round []send
		for from := range i + 1 {
			for to := range i + 1 {
				now += int64(time.Millisecond)
				round = append(round, send{netfault.Endpoint(from), netfault.Endpoint(to), now})
			}
		}
		run(late, round, lateGot)
		sends = append(sends, round...)
		require.Equal(t, c, late.Link(netfault.Endpoint(i), 0))
		if i >= 1 {
			require.Equal(t, slow, late.Link(0, 1), "a link's setting survives added endpoints")
		}
	}

	early, _ := newNet(t, 5, c, k)
	early.SetLink(0, 1, slow)
	earlyGot := map[key][]int64{}
	run(early, sends, earlyGot)
	require.Equal(t, earlyGot, lateGot)
}
