package realrt

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Options configure one endpoint.
type Options struct {
	// ID names the endpoint; it must be unique among the endpoints that talk to each other.
	ID nodeapi.NodeID
	// Listen is the TCP address peers reach this endpoint at ("127.0.0.1:7001"). Empty for
	// a client: it is answered over the connections it opens.
	Listen string
	// Listener, if set, is used instead of listening on Listen (a test can pass one bound
	// to an OS-chosen port).
	Listener net.Listener
	// Peers are the addresses of the other addressed endpoints; an entry for ID is ignored.
	Peers map[nodeapi.NodeID]string
	// Disk is the endpoint's storage (OpenDisk); nil gives a MemoryDisk. The runtime owns
	// it from New on and closes it on Stop or Kill.
	Disk *Disk
	// Seed seeds the endpoint's random stream and its drop table's draws; 0 picks one at
	// random (a real run is not replayable by seed anyway).
	Seed uint64
	// Log receives the Logf lines and the runtime's own notices; nil discards them.
	Log io.Writer
	// SendQueue bounds the frames queued towards each peer (default 1024); Inbox bounds
	// the datagrams waiting for the loop (default 4096). Past either, datagrams are dropped.
	SendQueue, Inbox int
	// FailStopRestart is how long a node that fail-stopped (nodeapi.FailStopper) stays down
	// before the endpoint starts its next incarnation from the disk: 0 (or less) means the
	// default, 100 ms, the simulated world's delay. See failstop.go.
	FailStopRestart time.Duration
	// TLS, if set, makes every link of the endpoint mutual TLS (tls.go); nil is plain TCP.
	TLS *TLS
}

// Runtime is one endpoint on the real runtime: its loop goroutine, timers, random stream,
// disk, transport and drop table. Build it with New, put a node or client on it with
// StartNode or StartClient, end it with Stop (graceful) or Kill (as a crash would).
type Runtime struct {
	id      nodeapi.NodeID
	loop    *loop
	timers  *timerTable
	rng     *rand.Rand
	disk    *Disk
	tr      *transport
	streams *streamTable
	faults  *Faults
	log     io.Writer
	logMu   sync.Mutex
	// cur is the current incarnation's Env (ended from a fail-stop until the restart).
	cur atomic.Pointer[env]
	// node is set on the loop by StartNode, StartClient or a restart and read there only;
	// it is nil while no incarnation runs one.
	node nodeapi.Node
	// life is the fail-stop state: the System and Boot to restart with, the counters.
	life     lifecycle
	stopOnce sync.Once
}

// New starts an endpoint: it listens (if it has an address), begins connecting to its
// peers and runs its loop. No node runs on it yet; datagrams that arrive before one does
// are dropped.
func New(o Options) (*Runtime, error) {
	if o.ID == "" {
		return nil, errors.New("realrt: empty endpoint ID")
	}
	if o.Seed == 0 {
		o.Seed = rand.Uint64()
	}
	o.SendQueue = positiveOr(o.SendQueue, 1024)
	o.Inbox = positiveOr(o.Inbox, 4096)
	if o.Disk == nil {
		o.Disk = MemoryDisk()
	}
	ln, err := listen(o)
	if err != nil {
		o.Disk.Close()
		return nil, err
	}
	rt := &Runtime{id: o.ID, loop: newLoop(o.Inbox), disk: o.Disk, log: o.Log,
		rng: rand.New(rand.NewPCG(o.Seed, idHash(o.ID))), faults: newFaults(o.Seed ^ 1)}
	rt.life.delay = o.FailStopRestart
	if rt.life.delay <= 0 {
		rt.life.delay = defaultFailStopRestart
	}
	rt.timers = newTimerTable(rt.loop)
	rt.streams = newStreamTable(rt)
	rt.disk.attach(rt.loop.post)
	rt.tr = &transport{self: o.ID, addrs: maps.Clone(o.Peers), ln: ln, faults: rt.faults,
		loop: rt.loop, deliver: rt.deliver, streams: rt.streams, logf: rt.notice,
		queue: o.SendQueue, tls: o.TLS}
	rt.faults.changed = rt.streams.breakCut
	rt.cur.Store(rt.newIncarnation())
	rt.tr.start()
	return rt, nil
}

func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func listen(o Options) (net.Listener, error) {
	switch {
	case o.Listener != nil:
		return o.Listener, nil
	case o.Listen == "":
		return nil, nil
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("realrt: %s cannot listen on %s: %w", o.ID, o.Listen, err)
	}
	return ln, nil
}

func idHash(id nodeapi.NodeID) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}

// deliver hands a datagram to the node (on the loop).
func (rt *Runtime) deliver(from nodeapi.NodeID, msg []byte) {
	if rt.node != nil {
		rt.node.HandleMessage(from, msg)
	}
}

// StartNode creates the node on the loop with sys.NewNode; its error (a corrupted disk,
// say) is returned as is, so the caller can tell a *raft.CorruptionError apart. The endpoint
// keeps sys and boot: a node that fail-stops is started again with them (failstop.go).
func (rt *Runtime) StartNode(sys nodeapi.System, boot nodeapi.Boot) (nodeapi.Node, error) {
	var n nodeapi.Node
	var err error
	if derr := rt.loop.do(func() {
		rt.life.sys, rt.life.boot = sys, boot
		n, err = rt.startIncarnation(func(e *env) (nodeapi.Node, error) {
			return sys.NewNode(e, boot)
		})
	}); derr != nil {
		return nil, derr
	}
	return n, err
}

// StartClient creates a client endpoint on the loop with sys.NewClient. Its Invoke must be
// called on the loop too: use Do. A client does not fail-stop (failstop.go).
func (rt *Runtime) StartClient(sys nodeapi.System,
	servers []nodeapi.NodeID) (nodeapi.Client, error) {
	var c nodeapi.Client
	var err error
	if derr := rt.loop.do(func() {
		var n nodeapi.Node
		n, err = rt.startIncarnation(func(e *env) (nodeapi.Node, error) {
			return sys.NewClient(e, servers)
		})
		c, _ = n.(nodeapi.Client)
	}); derr != nil {
		return nil, derr
	}
	return c, err
}

// Do runs fn on the endpoint's loop, between callbacks, and waits for it: the way for code
// outside the node (a command, a test, a workload driver) to call into it. It must not be
// called from a callback. It fails once the endpoint has stopped.
func (rt *Runtime) Do(fn func()) error { return rt.loop.do(fn) }

// Post queues fn to run on the loop without waiting; false if the endpoint has stopped.
func (rt *Runtime) Post(fn func()) bool { return rt.loop.post(fn) }

// Env is the nodeapi.Env of the endpoint's current incarnation. Between a fail-stop and the
// restart it is the ended incarnation's, which has no effect.
func (rt *Runtime) Env() nodeapi.Env { return rt.cur.Load() }

// ID is the endpoint's name.
func (rt *Runtime) ID() nodeapi.NodeID { return rt.id }

// Addr is the address the endpoint listens on ("" for a client).
func (rt *Runtime) Addr() string {
	if rt.tr.ln == nil {
		return ""
	}
	return rt.tr.ln.Addr().String()
}

// Faults is the endpoint's drop table.
func (rt *Runtime) Faults() *Faults { return rt.faults }

// Disk is the endpoint's disk.
func (rt *Runtime) Disk() *Disk { return rt.disk }

// Stop ends the endpoint gracefully: the node's Stop (nodeapi.Stopper) runs on the loop,
// then no callback runs again; streams are closed with ErrPeerStopped for their peers;
// connections close; the syncs the node already asked for complete (their callbacks are
// not run) and the disk is unlocked. Unsynced lazy writes are discarded: the contract's disk
// keeps what was synced. Stop must not be called from a callback; it is idempotent.
func (rt *Runtime) Stop() {
	rt.stopOnce.Do(func() {
		_ = rt.loop.do(func() {
			if s, ok := rt.node.(nodeapi.Stopper); ok {
				s.Stop()
			}
		})
		rt.shutdown(true)
	})
}

// Kill ends the endpoint as a crash would, for tests that cannot kill a process: no Stop
// callback, queued callbacks and syncs are dropped, connections are cut, and a lazy disk
// loses its unsynced writes. (With an eager disk the operating system already has every
// write, so only a real machine crash could lose them.)
func (rt *Runtime) Kill() {
	rt.stopOnce.Do(func() { rt.shutdown(false) })
}

func (rt *Runtime) shutdown(graceful bool) {
	rt.loop.stop()
	rt.timers.stopAll()
	rt.streams.stopAll(graceful)
	rt.tr.close()
	rt.streams.wg.Wait()
	rt.loop.wait()
	if graceful {
		rt.disk.Close()
	} else {
		rt.disk.Kill()
	}
}

// Connected reports whether the endpoint's link to peer has a connection up (false for a
// peer without an address).
func (rt *Runtime) Connected(peer nodeapi.NodeID) bool {
	rt.tr.mu.Lock()
	defer rt.tr.mu.Unlock()
	l := rt.tr.links[peer]
	return l != nil && l.up.Load()
}

// Notice writes one line to the endpoint's log, stamped like its own notices: for the code
// around a node (a server's admin endpoint, say) to log beside it.
func (rt *Runtime) Notice(format string, args ...any) { rt.notice(format, args...) }
