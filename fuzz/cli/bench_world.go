package cli

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// pingSys is the world benchmark's system: each node answers every message by sending it on
// to the next node, so the world runs one delivery event per message, forever.
type pingSys struct{ ring []nodeapi.NodeID }

type pingNode struct {
	env  nodeapi.Env
	next nodeapi.NodeID
}

func (p *pingSys) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	for i, id := range p.ring {
		if id == env.ID() {
			return &pingNode{env: env, next: p.ring[(i+1)%len(p.ring)]}, nil
		}
	}
	return nil, fmt.Errorf("node %s is not in the ring", env.ID())
}

func (p *pingSys) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) {
	return nil, fmt.Errorf("the ping system has no clients")
}

func (n *pingNode) HandleMessage(_ nodeapi.NodeID, msg []byte) { n.env.Send(n.next, msg) }

// worldRow measures the world's raw event rate: 3 nodes passing 3 messages around a ring
// over 1 ms links for 10 simulated minutes.
func worldRow() [3]string {
	sys := &pingSys{ring: []nodeapi.NodeID{"n1", "n2", "n3"}}
	link := netfault.LinkConfig{LatencyMin: time.Millisecond, LatencyMax: time.Millisecond}
	w, err := sim.NewWorld(sys, sim.Options{Seed: 1,
		Network: netfault.Config{Default: link}, TraceTail: 1})
	if err == nil {
		for _, id := range sys.ring {
			if err = w.AddNode(id, nodeapi.Boot{Peers: sys.ring}); err != nil {
				break
			}
		}
	}
	if err != nil {
		return [3]string{"world events/s (ping ring)", "error: " + err.Error(), ""}
	}
	for i, id := range sys.ring {
		from := sys.ring[(i+len(sys.ring)-1)%len(sys.ring)]
		_ = w.Exec(from, func() { w.Node(from).(*pingNode).env.Send(id, []byte("ping")) })
	}
	start := time.Now()
	err = w.RunFor(10 * time.Minute)
	wall := time.Since(start)
	if err != nil {
		return [3]string{"world events/s (ping ring)", "error: " + err.Error(), ""}
	}
	return [3]string{"world events/s (ping ring)",
		fmt.Sprintf("%.2fM", float64(w.Events())/wall.Seconds()/1e6), ">= 2M"}
}
