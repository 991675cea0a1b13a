package harness_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/netfault"
)

// twSys is the test system: nodes that record what they receive and run hooks the test
// sets. It keeps the latest incarnation of every node so tests can look inside.
type twSys struct {
	nodes   map[harness.NodeID]*twNode
	starts  map[harness.NodeID]int
	down    []harness.NodeID
	onStart func(n *twNode) error
	onMsg   func(n *twNode, from harness.NodeID, msg []byte)
	accept  func(n *twNode, s harness.Stream) harness.StreamHandler
}

func newTwSys() *twSys {
	return &twSys{nodes: map[harness.NodeID]*twNode{}, starts: map[harness.NodeID]int{}}
}

type twMsg struct {
	from harness.NodeID
	body string
	at   time.Time
}

type twNode struct {
	sys     *twSys
	env     harness.Env
	boot    harness.Boot
	known   map[harness.NodeID]bool
	got     []twMsg
	counter int
	stopped bool
}

func (s *twSys) NewNode(env harness.Env, boot harness.Boot) (harness.Node, error) {
	n := &twNode{sys: s, env: env, boot: boot, known: map[harness.NodeID]bool{}}
	s.nodes[env.ID()] = n
	s.starts[env.ID()]++
	if s.onStart != nil {
		if err := s.onStart(n); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (s *twSys) NewClient(env harness.Env, servers []harness.NodeID) (harness.Client, error) {
	return &twClient{env: env, servers: servers}, nil
}

func (s *twSys) NodeDown(id harness.NodeID) { s.down = append(s.down, id) }

func (n *twNode) HandleMessage(from harness.NodeID, msg []byte) {
	n.got = append(n.got, twMsg{from: from, body: string(msg), at: n.env.Now()})
	if n.sys.onMsg != nil {
		n.sys.onMsg(n, from, msg)
	}
}

func (n *twNode) Stop() { n.stopped = true }

func (n *twNode) Accept(s harness.Stream) harness.StreamHandler {
	if n.sys.accept == nil {
		return nil
	}
	return n.sys.accept(n, s)
}

// bodies returns the payloads n received from from, in order.
func (n *twNode) bodies(from harness.NodeID) []string {
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
	env     harness.Env
	servers []harness.NodeID
	done    func(harness.Outcome)
}

func (c *twClient) Invoke(op harness.Op, done func(harness.Outcome)) {
	c.done = done
	c.env.Send(c.servers[0], []byte("get:"+op.Key))
}

func (c *twClient) HandleMessage(from harness.NodeID, msg []byte) {
	if c.done != nil {
		d := c.done
		c.done = nil
		d(harness.Outcome{Result: harness.Result{Value: string(msg), Found: true}})
	}
}

// newWorld makes a world over sys with nodes ids, failing the test on error.
func newWorld(t testing.TB, sys harness.System, opts harness.Options,
	ids ...harness.NodeID) *harness.World {
	t.Helper()
	w, err := harness.NewWorld(sys, opts)
	require.NoError(t, err)
	for _, id := range ids {
		require.NoError(t, w.AddNode(id, harness.Boot{Peers: ids}))
	}
	return w
}

func ids(n int) []harness.NodeID {
	out := make([]harness.NodeID, n)
	for i := range out {
		out[i] = harness.NodeID(fmt.Sprintf("n%d", i+1))
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
	s.onMsg = func(n *twNode, from harness.NodeID, msg []byte) {
		if string(msg) == "hello" {
			n.known[from] = true
		}
	}
}

func knownSorted(n *twNode) []harness.NodeID {
	var out []harness.NodeID
	for id := range n.known {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// sendAt schedules, as harness code, a message from node from to to at virtual time at.
func sendAt(w *harness.World, s *twSys, at time.Duration, from, to harness.NodeID,
	body string) {
	w.At(at, func() { s.nodes[from].env.Send(to, []byte(body)) })
}

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func link(minLat, maxLat time.Duration) netfault.LinkConfig {
	return netfault.LinkConfig{LatencyMin: minLat, LatencyMax: maxLat}
}

func harnessNet(l netfault.LinkConfig) netfault.Config { return netfault.Config{Default: l} }
