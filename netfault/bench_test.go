package netfault_test

import (
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/netfault"
)

// typicalLink is the network of the standard benchmark scenario (docs/ARCHITECTURE.md).
var typicalLink = netfault.LinkConfig{
	LatencyMin: time.Millisecond, LatencyMax: 3 * time.Millisecond,
	SpikeRate: 0.01, SpikeMax: 50 * time.Millisecond,
	Loss: 0.001, Duplicate: 0.001, Reorder: true,
}

// BenchmarkSend measures one Send plus the Arrive of each delivery on a 5-node network, with
// the output slice reused as the world does.
func BenchmarkSend(b *testing.B) {
	n, e := newNet(b, 1, typicalLink, 5)
	out := make([]netfault.Delivery, 0, 4)
	m := msg(e[0], e[1], "append-entries payload")
	b.ReportAllocs()
	now := int64(0)
	for i := 0; b.Loop(); i++ {
		now += int64(time.Microsecond)
		m.From, m.To = e[i%5], e[(i+1)%5]
		out = n.Send(now, m, out[:0])
		for _, d := range out {
			n.Arrive(d.At, d.Msg)
		}
	}
}

// BenchmarkSendPerfectLink is the floor: a zero LinkConfig draws no randomness at all.
func BenchmarkSendPerfectLink(b *testing.B) {
	n, e := newNet(b, 1, netfault.LinkConfig{}, 5)
	out := make([]netfault.Delivery, 0, 4)
	m := msg(e[0], e[1], "x")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		out = n.Send(int64(i), m, out[:0])
	}
}
