package sim_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/netfault"
)

// twSys is the test system: nodes that record what they receive and run hooks the test
// sets. It keeps the latest incarnation of every node so tests can look inside.
type twSys struct {
	nodes   map[nodeapi.NodeID]*twNode
	starts  map[nodeapi.NodeID]int
	down    []nodeapi.NodeID
	onStart func(n *twNode) error
	onMsg   func(n *twNode, from nodeapi.NodeID, msg []byte)
	accept  func(n *twNode, s nodeapi.Stream) nodeapi.StreamHandler
}

func newTwSys() *twSys {
	return &twSys{nodes: map[nodeapi.NodeID]*twNode{}, starts: map[nodeapi.NodeID]int{}}
}

type twMsg struct {
	from nodeapi.NodeID
	body string
	at   time.Time
}

type twNode struct {
	sys     *twSys
	env     nodeapi.Env
	boot    nodeapi.Boot
	known   map[nodeapi.NodeID]bool
	got     []twMsg
	counter int
	stopped bool
}

func (s *twSys) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n := &twNode{sys: s, env: env, boot: boot, known: map[nodeapi.NodeID]bool{}}
	s.nodes[env.ID()] = n
	s.starts[env.ID()]++
	if s.onStart != nil {
		if err := s.onStart(n); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (s *twSys) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return &twClient{env: env, servers: servers}, nil
}

func (s *twSys) NodeDown(id nodeapi.NodeID) { s.down = append(s.down, id) }

func (n *twNode) HandleMessage(from nodeapi.NodeID, msg []byte) {
	n.got = append(n.got, twMsg{from: from, body: string(msg), at: n.env.Now()})
	if n.sys.onMsg != nil {
		n.sys.onMsg(n, from, msg)
	}
}

func (n *twNode) Stop() { n.stopped = true }

func (n *twNode) Accept(s nodeapi.Stream) nodeapi.StreamHandler {
	if n.sys.accept == nil {
		return nil
	}
	return n.sys.accept(n, s)
}

// bodies returns the payloads n received from from, in order.
func (n *twNode) bodies(from nodeapi.NodeID) []string {
	var out []string
	for _, m := range n.got {
		if m.from == from {
			out = append(out, m.body)
		}
	}
	return out
}

// twClient asks servers[0] for "get" and completes with the reply as the value.
type twClient struct {
	env     nodeapi.Env
	servers []nodeapi.NodeID
	done    func(nodeapi.Outcome)
}

func (c *twClient) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.done = done
	c.env.Send(c.servers[0], []byte("get:"+op.Key))
}

func (c *twClient) HandleMessage(from nodeapi.NodeID, msg []byte) {
	if c.done != nil {
		d := c.done
		c.done = nil
		d(nodeapi.Outcome{Result: nodeapi.Result{Value: string(msg), Found: true}})
	}
}

// newWorld makes a world over sys with nodes ids, failing the test on error.
func newWorld(t testing.TB, sys nodeapi.System, opts sim.Options,
	ids ...nodeapi.NodeID) *sim.World {
	t.Helper()
	w, err := sim.NewWorld(sys, opts)
	require.NoError(t, err)
	for _, id := range ids {
		require.NoError(t, w.AddNode(id, nodeapi.Boot{Peers: ids}))
	}
	return w
}

func ids(n int) []nodeapi.NodeID {
	out := make([]nodeapi.NodeID, n)
	for i := range out {
		out[i] = nodeapi.NodeID(fmt.Sprintf("n%d", i+1))
	}
	return out
}

// helloOnStart makes every node greet its boot peers 1 ms after it starts (by then all
// peers are registered) and remember who greeted it.
func helloOnStart(s *twSys) {
	s.onStart = func(n *twNode) error {
		n.env.After(time.Millisecond, func() {
			for _, p := range n.boot.Peers {
				if p != n.env.ID() {
					n.env.Send(p, []byte("hello"))
				}
			}
		})
		return nil
	}
	s.onMsg = func(n *twNode, from nodeapi.NodeID, msg []byte) {
		if string(msg) == "hello" {
			n.known[from] = true
		}
	}
}

func knownSorted(n *twNode) []nodeapi.NodeID {
	var out []nodeapi.NodeID
	for id := range n.known {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// sendAt schedules, as harness code, a message from node from to to at virtual time at.
func sendAt(w *sim.World, s *twSys, at time.Duration, from, to nodeapi.NodeID,
	body string) {
	w.At(at, func() { s.nodes[from].env.Send(to, []byte(body)) })
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func link(minLat, maxLat time.Duration) netfault.LinkConfig {
	return netfault.LinkConfig{LatencyMin: minLat, LatencyMax: maxLat}
}

func harnessNet(l netfault.LinkConfig) netfault.Config { return netfault.Config{Default: l} }
