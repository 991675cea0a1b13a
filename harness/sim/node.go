package sim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// MaxNodeIDLen bounds the length of a NodeID.
const MaxNodeIDLen = 128

// node is one endpoint of the world, a server or a client, across its incarnations.
type node struct {
	id      nodeapi.NodeID
	idx     int32
	ep      netfault.Endpoint
	client  bool
	boot    nodeapi.Boot
	servers []nodeapi.NodeID // a client's servers
	// inc is the current incarnation, stamped on every event aimed at the node. Ending an
	// incarnation (crash, stop, failed start) bumps it, so that the dead incarnation's
	// timers, syncs and stream notices are recognised as stale and skipped.
	inc    uint32
	up     bool
	paused bool
	impl   nodeapi.Node
	cli    nodeapi.Client
	env    *env
	disk   *simDisk
	clock  clock
	held   []event // due events kept while paused, in due order
	err    error   // why the last start failed
	// lastEvent is the event the node reported last (see Reporter), across incarnations:
	// its index in reachCounts.events plus one (0: none yet).
	lastEvent int32
	// check names the system's invariant check after the node's events (see leave).
	check sysFrame
}

// AddNode registers server id and starts it with System.NewNode. boot is kept for every
// restart. If NewNode fails (or panics) the node stays registered but down, NodeErr tells
// why, Restart may try again, and the error is returned.
func (w *World) AddNode(id nodeapi.NodeID, boot nodeapi.Boot) error {
	n, err := w.register(id, false)
	if err != nil {
		return err
	}
	n.boot = nodeapi.Boot{Peers: slices.Clone(boot.Peers)}
	w.servers = append(w.servers, id)
	return w.start(n)
}

// AddClient registers client id and creates it with System.NewClient. Clients are network
// endpoints with their own Env: partitions and clogs apply to them, their timers run on
// virtual time. They cannot be crashed, stopped or restarted.
func (w *World) AddClient(id nodeapi.NodeID, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	n, err := w.register(id, true)
	if err != nil {
		return nil, err
	}
	n.servers = slices.Clone(servers)
	w.clients = append(w.clients, id)
	if err := w.start(n); err != nil {
		return nil, err
	}
	return n.cli, nil
}

func (w *World) register(id nodeapi.NodeID, client bool) (*node, error) {
	what := "node"
	if client {
		what = "client"
	}
	switch {
	case id == "":
		return nil, fmt.Errorf("harness: Add %s with an empty ID", what)
	case len(id) > MaxNodeIDLen:
		return nil, fmt.Errorf("harness: %s ID %.20q... is longer than %d bytes",
			what, id, MaxNodeIDLen)
	}
	if _, dup := w.index[id]; dup {
		return nil, fmt.Errorf("harness: %s %q: the ID is already registered", what, id)
	}
	idx := int32(len(w.nodes))
	ep := w.net.AddEndpoint(string(id))
	if int32(ep) != idx {
		panic(fmt.Sprintf("harness: network endpoint %d for %q, want %d", ep, id, idx))
	}
	n := &node{id: id, idx: idx, ep: ep, client: client, inc: 1,
		check: sysFrame{what: "invariant check", about: id}}
	n.disk = newDisk(w, n)
	w.nodes = append(w.nodes, n)
	w.index[id] = idx
	return n, nil
}

// start creates incarnation n.inc of n.
func (w *World) start(n *node) error {
	prefix := "node/"
	if n.client {
		prefix = "client/"
	}
	e := &env{w: w, n: n, inc: n.inc, rng: w.newRand(incName(prefix, n.id, n.inc))}
	n.env, n.up, n.paused = e, true, false
	w.emitNode(KindStart, n, 0, "")
	var impl nodeapi.Node
	var err error
	perr := w.guard(n, func() {
		if n.client {
			var c nodeapi.Client
			if c, err = w.sys.NewClient(e, n.servers); c != nil {
				impl, n.cli = c, c
			}
			return
		}
		impl, err = w.sys.NewNode(e, n.boot)
	})
	if err == nil && perr == nil && impl == nil {
		err = errors.New("the system returned a nil node and no error")
	}
	if perr != nil {
		err = perr
	}
	if err != nil {
		w.failStart(n, err)
		return fmt.Errorf("harness: %s did not start: %w", n.id, err)
	}
	n.impl, n.err = impl, nil
	return nil
}

// failStart leaves n down after a failed NewNode or NewClient.
func (w *World) failStart(n *node, err error) {
	n.err = err
	w.emitNode(KindStart, n, 1, err.Error())
	n.up, n.impl, n.cli, n.env = false, nil, nil, nil
	n.inc++
	n.disk.endIncarnation()
	w.breakStreamsOf(n, ErrPeerCrashed)
}

// lookup returns the registered node id or an error naming it.
func (w *World) lookup(id nodeapi.NodeID) (*node, error) {
	i, ok := w.dests.lookup(w.index, id)
	if !ok {
		return nil, fmt.Errorf("harness: unknown node %q", id)
	}
	return w.nodes[i], nil
}

// lookupServer is lookup for operations that clients do not support.
func (w *World) lookupServer(id nodeapi.NodeID, op string) (*node, error) {
	n, err := w.lookup(id)
	if err == nil && n.client {
		err = fmt.Errorf("harness: %s %q: it is a client, and only servers have a lifecycle",
			op, id)
	}
	return n, err
}

// Node returns the running instance of id, or nil if id is down or unknown.
func (w *World) Node(id nodeapi.NodeID) nodeapi.Node {
	if n, err := w.lookup(id); err == nil && n.up {
		return n.impl
	}
	return nil
}

// Client returns the client id, or nil if id is not a registered, running client.
func (w *World) Client(id nodeapi.NodeID) nodeapi.Client {
	if n, err := w.lookup(id); err == nil && n.up {
		return n.cli
	}
	return nil
}

// Up reports whether id is registered and running (a paused node is up).
func (w *World) Up(id nodeapi.NodeID) bool {
	n, err := w.lookup(id)
	return err == nil && n.up
}

// Paused reports whether id is up and paused.
func (w *World) Paused(id nodeapi.NodeID) bool {
	n, err := w.lookup(id)
	return err == nil && n.up && n.paused
}

// Nodes returns the server node IDs in registration order (clients excluded).
func (w *World) Nodes() []nodeapi.NodeID { return slices.Clone(w.servers) }

// Clients returns the client IDs in registration order.
func (w *World) Clients() []nodeapi.NodeID { return slices.Clone(w.clients) }

// NodeErr is why the last start of id failed, or nil.
func (w *World) NodeErr(id nodeapi.NodeID) error {
	if n, err := w.lookup(id); err == nil {
		return n.err
	}
	return nil
}

// Incarnation is id's current incarnation number: 1 at the first start, one more after each
// crash, stop or failed start. It is 0 for an unknown id.
func (w *World) Incarnation(id nodeapi.NodeID) uint32 {
	if n, err := w.lookup(id); err == nil {
		return n.inc
	}
	return 0
}

// Known reports whether id has been added to the world (as a server or a client).
func (w *World) Known(id nodeapi.NodeID) bool {
	_, ok := w.index[id]
	return ok
}
