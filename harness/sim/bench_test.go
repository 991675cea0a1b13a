package sim_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// pingSys nodes ping their right-hand neighbour and answer pings, forever.
type pingSys struct{ ring []nodeapi.NodeID }

type pingNode struct {
	env  nodeapi.Env
	next nodeapi.NodeID
}

var (
	pingMsg = []byte("ping")
	pongMsg = []byte("pong")
)

func (s *pingSys) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n := &pingNode{env: env}
	for i, id := range s.ring {
		if id == env.ID() {
			n.next = s.ring[(i+1)%len(s.ring)]
		}
	}
	return n, nil
}

func (s *pingSys) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) {
	return nil, fmt.Errorf("no clients")
}

func (n *pingNode) HandleMessage(from nodeapi.NodeID, msg []byte) {
	if msg[1] == 'i' {
		n.env.Send(from, pongMsg)
	} else {
		n.env.Send(n.next, pingMsg)
	}
}

// pingCase is one shape of the benchmark.
type pingCase struct {
	nodes, inflight int
	latMin, latMax  time.Duration
}

// pingWorld is a ring of nodes, each with c.inflight pings in flight.
func pingWorld(b *testing.B, c pingCase) *sim.World {
	ring := ids(c.nodes)
	w, err := sim.NewWorld(&pingSys{ring: ring},
		sim.Options{Seed: 1, Network: harnessNet(link(c.latMin, c.latMax))})
	if err != nil {
		b.Fatal(err)
	}
	for _, id := range ring {
		if err := w.AddNode(id, nodeapi.Boot{Peers: ring}); err != nil {
			b.Fatal(err)
		}
	}
	for i, id := range ring {
		next := ring[(i+1)%len(ring)]
		for range c.inflight {
			w.At(0, func() { w.Node(id).(*pingNode).env.Send(next, pingMsg) })
		}
	}
	return w
}

// BenchmarkWorldPingPong measures the world's per-event cost: one op is one event (a
// delivery whose handler sends the next message).
func BenchmarkWorldPingPong(b *testing.B) {
	for _, c := range []pingCase{{3, 1, 0, 0}, {3, 1, ms(1), ms(1)},
		{10, 10, ms(1), ms(3)}} {
		name := fmt.Sprintf("nodes=%d/inflight=%d/latency=%v-%v", c.nodes, c.inflight,
			c.latMin, c.latMax)
		b.Run(name, func(b *testing.B) {
			w := pingWorld(b, c)
			for range 1000 { // warm up: grow the queue and scratch slices
				_, _ = w.Step()
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for range b.N {
				if ok, err := w.Step(); !ok || err != nil {
					b.Fatalf("step: %v %v", ok, err)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
		})
	}
}
