package sim

import (
	"fmt"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// Clog holds every message to or from id, at arrival, until Unclog: the node is slow, not
// cut off.
func (w *World) Clog(id nodeapi.NodeID) error {
	eps, err := w.endpoints(id)
	if err != nil {
		return fmt.Errorf("harness: Clog: %w", err)
	}
	w.net.Clog(eps[0])
	w.annotate(id, "clog")
	return nil
}

// Unclog lifts the clog on id; held messages no other clog blocks arrive now, in order.
func (w *World) Unclog(id nodeapi.NodeID) error {
	eps, err := w.endpoints(id)
	if err != nil {
		return fmt.Errorf("harness: Unclog: %w", err)
	}
	w.annotate(id, "unclog")
	w.release(w.net.Unclog(w.now, eps[0], w.deliv[:0]))
	return nil
}

// ClogLink holds every message on the direction from -> to until UnclogLink.
func (w *World) ClogLink(from, to nodeapi.NodeID) error {
	eps, err := w.endpoints(from, to)
	if err != nil {
		return fmt.Errorf("harness: ClogLink: %w", err)
	}
	w.net.ClogLink(eps[0], eps[1])
	w.annotate(from, "clog link -> "+string(to))
	return nil
}

// UnclogLink lifts the clog on from -> to, releasing held messages as Unclog does.
func (w *World) UnclogLink(from, to nodeapi.NodeID) error {
	eps, err := w.endpoints(from, to)
	if err != nil {
		return fmt.Errorf("harness: UnclogLink: %w", err)
	}
	w.annotate(from, "unclog link -> "+string(to))
	w.release(w.net.UnclogLink(w.now, eps[0], eps[1], w.deliv[:0]))
	return nil
}

// UnclogAll lifts every node and link clog and releases every held message.
func (w *World) UnclogAll() {
	w.annotate("", "unclog all")
	w.release(w.net.UnclogAll(w.now, w.deliv[:0]))
}

// release queues deliveries the network handed back; they are judged again on arrival.
func (w *World) release(ds []netfault.Delivery) {
	for i := range ds {
		d := &ds[i]
		w.q.push(event{at: max(d.At, w.now), kind: evDeliver, msg: d.Msg, node: int32(d.Msg.To)})
		d.Msg.Payload = nil
	}
	w.deliv = ds[:0]
}

// SetLink sets the behaviour of the directed link from -> to.
func (w *World) SetLink(from, to nodeapi.NodeID, c netfault.LinkConfig) error {
	eps, err := w.endpoints(from, to)
	if err != nil {
		return fmt.Errorf("harness: SetLink: %w", err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("harness: SetLink %s -> %s: %w", from, to, err)
	}
	w.net.SetLink(eps[0], eps[1], c)
	w.annotate(from, "link -> "+string(to)+": "+describeLink(c))
	return nil
}

// SetAllLinks sets every link, present and future, to c.
func (w *World) SetAllLinks(c netfault.LinkConfig) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("harness: SetAllLinks: %w", err)
	}
	w.net.SetAllLinks(c)
	w.annotate("", "all links: "+describeLink(c))
	return nil
}

// SetFilter installs (or, with nil, removes) a hook that sees every message at send time,
// after partitions, and may drop, delay or replace it.
func (w *World) SetFilter(f func(from, to nodeapi.NodeID, msg []byte) netfault.FilterAction) {
	if f == nil {
		w.net.SetFilter(nil)
		w.annotate("", "filter removed")
		return
	}
	w.net.SetFilter(func(m netfault.Message) netfault.FilterAction {
		return f(w.nodes[m.From].id, w.nodes[m.To].id, m.Payload)
	})
	w.annotate("", "filter installed")
}

// describeLink renders a link config compactly for annotations.
func describeLink(c netfault.LinkConfig) string {
	var b strings.Builder
	fmt.Fprintf(&b, "latency %v-%v", c.LatencyMin, c.LatencyMax)
	if c.SpikeRate > 0 {
		fmt.Fprintf(&b, " spike %g up to %v", c.SpikeRate, c.SpikeMax)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", c.Loss}, {"dup", c.Duplicate}, {"corrupt", c.Corrupt}} {
		if p.v > 0 {
			fmt.Fprintf(&b, " %s %g", p.name, p.v)
		}
	}
	if c.Reorder {
		b.WriteString(" reorder")
	}
	return b.String()
}

// SetLinkCapacity bounds the messages in flight at once on each direction between a and
// b, or, with b empty, between a and every other endpoint (a congested node): a send onto
// a full link drops one of the link's messages, itself included, at random (see
// netfault.Network.SetCapacity). Capacity 0 lifts the bound.
func (w *World) SetLinkCapacity(a, b nodeapi.NodeID, capacity int) error {
	if capacity < 0 || capacity > netfault.MaxLinkCapacity {
		return fmt.Errorf("harness: SetLinkCapacity %s: capacity %d is outside [0, %d]", a,
			capacity, netfault.MaxLinkCapacity)
	}
	peers := []nodeapi.NodeID{b}
	if b == "" {
		peers = nil
		for _, n := range w.nodes {
			if n.id != a {
				peers = append(peers, n.id)
			}
		}
	}
	for _, p := range peers {
		eps, err := w.endpoints(a, p)
		if err != nil {
			return fmt.Errorf("harness: SetLinkCapacity: %w", err)
		}
		w.net.SetCapacity(eps[0], eps[1], capacity)
		w.net.SetCapacity(eps[1], eps[0], capacity)
	}
	other := string(b)
	if b == "" {
		other = "all"
	}
	w.annotate(a, fmt.Sprintf("link capacity <-> %s: %d", other, capacity))
	return nil
}

// ClearLinkCapacities lifts the capacity of every link (the timeline notes it only if some
// link had one).
func (w *World) ClearLinkCapacities() {
	if w.net.ClearCapacities() > 0 {
		w.annotate("", "link capacities lifted")
	}
}

// IsolateFromServers cuts id off from every other server, both ways, until Heal; clients
// keep reaching it and it them. This is the isolate fault: a leader cut off from its
// followers still hears from clients, and so keeps taking writes it cannot commit. (Isolate
// cuts a node off from every endpoint, clients included.)
func (w *World) IsolateFromServers(id nodeapi.NodeID) error {
	n, err := w.lookup(id)
	if err != nil {
		return fmt.Errorf("harness: IsolateFromServers: %w", err)
	}
	for _, sid := range w.servers {
		if o := w.nodes[w.index[sid]]; o != n {
			w.net.Cut(n.ep, o.ep)
			w.net.Cut(o.ep, n.ep)
		}
	}
	w.annotate(id, "isolate from servers")
	w.breakCutStreams()
	return nil
}
