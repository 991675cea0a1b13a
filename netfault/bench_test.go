package netfault_test

import (
	"math/rand/v2"
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
			n.Arrive(d.At, &d.Msg)
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

// BenchmarkSetup is a run's network: nine endpoints, a message on every link, then a tenth
// endpoint added late (the probe client) and a message from it. It measures laying out the
// links, each with its own stream.
func BenchmarkSetup(b *testing.B) {
	names := []string{"n1", "n2", "n3", "n4", "n5", "c1", "c2", "c3", "c4", "probe"}
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]netfault.Delivery, 0, 4)
	m := msg(0, 0, "x")
	b.ReportAllocs()
	for b.Loop() {
		n := netfault.New(rng, netfault.Config{Default: typicalLink})
		for _, name := range names[:9] {
			n.AddEndpoint(name)
		}
		for from := range netfault.Endpoint(9) {
			for to := range netfault.Endpoint(9) {
				m.From, m.To = from, to
				out = n.Send(0, m, out[:0])
			}
		}
		m.From, m.To = n.AddEndpoint(names[9]), 0
		out = n.Send(0, m, out[:0])
	}
}
