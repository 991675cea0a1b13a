package realrt

import (
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// A stream is a TCP connection of its own (after the hellos): the dialer waits for the
// acceptor's accept or refuse frame, then both ends exchange data frames and end with a
// close frame. A connection that ends without a close frame breaks the stream:
// ErrPeerCrashed; a drop-table rule that cuts the path or drops a chunk breaks it with
// ErrPartitioned (a stream is reliable or it is broken).

// streamQueue bounds the chunks an end has written and not yet sent; a writer that gets
// that far ahead of the network breaks its stream rather than block the node.
const streamQueue = 4096

// errStreamQueueFull breaks a stream whose writer outran the connection.
var errStreamQueueFull = errors.New("stream: send queue full (the peer is not reading)")

// closeReason is the body of a close frame.
type closeReason byte

const (
	reasonClosed  closeReason = iota + 1 // Stream.Close
	reasonStopped                        // the endpoint stopped gracefully
)

// streamTable tracks an endpoint's open streams.
type streamTable struct {
	rt   *Runtime
	mu   sync.Mutex
	next uint64
	live map[*streamEnd]struct{}
	wg   sync.WaitGroup
}

func newStreamTable(rt *Runtime) *streamTable {
	return &streamTable{rt: rt, live: map[*streamEnd]struct{}{}}
}

// streamEnd is one end of a stream; it is the nodeapi.Stream a node holds.
type streamEnd struct {
	tab  *streamTable
	peer nodeapi.NodeID
	h    nodeapi.StreamHandler
	out  *outbox
	// inc is the incarnation whose handler h is (set with h, on the loop): its callbacks
	// run only while that incarnation lives.
	inc *env
	// ended is touched on the loop only: once set, queued Data callbacks are dropped.
	ended bool

	mu        sync.Mutex
	accepting bool     // the acceptor's Accept is running: writes wait in early
	early     [][]byte // frames written during Accept
	closed    bool     // no more writes (closed or broken)
	told      bool     // Closed has been posted
	err       error
	nc        net.Conn
}

var _ nodeapi.Stream = (*streamEnd)(nil)

func (tab *streamTable) newEnd(inc *env, peer nodeapi.NodeID,
	h nodeapi.StreamHandler) *streamEnd {
	e := &streamEnd{tab: tab, peer: peer, h: h, inc: inc, out: newOutbox(streamQueue)}
	tab.mu.Lock()
	tab.live[e] = struct{}{}
	tab.mu.Unlock()
	return e
}

func (tab *streamTable) forget(e *streamEnd) {
	tab.mu.Lock()
	delete(tab.live, e)
	tab.mu.Unlock()
}

// dial implements Env.Dial for incarnation inc.
func (tab *streamTable) dial(inc *env, to nodeapi.NodeID,
	h nodeapi.StreamHandler) nodeapi.Stream {
	e := tab.newEnd(inc, to, h)
	t := tab.rt.tr
	addr, ok := t.addrs[to]
	switch {
	case h == nil:
		e.closed, e.told, e.err = true, true, errors.New("stream: Dial with a nil handler")
		tab.forget(e)
	case !ok || to == t.self:
		e.fail(fmt.Errorf("%w: no address for %q", nodeapi.ErrRefused, to))
	case t.faults.cut(to):
		e.fail(nodeapi.ErrPartitioned)
	case !t.goTracked(func() { e.dialAndRun(addr) }):
		e.fail(nodeapi.ErrStreamClosed)
	}
	return e
}

func (e *streamEnd) dialAndRun(addr string) {
	t := e.tab.rt.tr
	nc, br, err := t.dialHello(e.peer, addr, hello{purpose: purposeStream})
	if err != nil {
		e.fail(fmt.Errorf("%w: %v", nodeapi.ErrRefused, err))
		return
	}
	if !t.track(nc) {
		nc.Close()
		e.fail(nodeapi.ErrStreamClosed)
		return
	}
	defer t.untrack(nc)
	kind, _, err := readFrame(br)
	if err != nil || kind != kindStreamAccept {
		nc.Close()
		e.fail(nodeapi.ErrRefused)
		return
	}
	e.run(nc, br)
}

// Peer implements nodeapi.Stream.
func (e *streamEnd) Peer() nodeapi.NodeID { return e.peer }

// Write implements nodeapi.Stream: p is copied and queued as one chunk.
func (e *streamEnd) Write(p []byte) error {
	if len(p) > MaxMessage {
		return fmt.Errorf("stream: Write of %d bytes exceeds the %d-byte chunk limit",
			len(p), MaxMessage)
	}
	e.mu.Lock()
	if e.closed {
		err := e.err
		e.mu.Unlock()
		if err == nil {
			err = nodeapi.ErrStreamClosed
		}
		return err
	}
	e.mu.Unlock()
	if len(p) == 0 {
		return nil
	}
	if e.tab.rt.faults.dropOut(e.peer) {
		e.fail(nodeapi.ErrPartitioned)
		return nodeapi.ErrPartitioned
	}
	if !e.queue(appendFrame(nil, kindStreamData, p)) {
		e.fail(errStreamQueueFull)
		return errStreamQueueFull
	}
	return nil
}

// queue offers a frame, holding it back while Accept runs.
func (e *streamEnd) queue(frame []byte) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.accepting {
		e.early = append(e.early, frame)
		return len(e.early) <= streamQueue
	}
	return e.out.offer(frame)
}

// Close implements nodeapi.Stream: both ends are told Closed(nil), the peer after the
// chunks written before it.
func (e *streamEnd) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()
	e.ended = true // Close runs on the loop: data still queued for us is not delivered
	e.queue(appendFrame(nil, kindStreamClose, []byte{byte(reasonClosed)}))
	e.tell(nil)
}

// fail breaks the stream: no more writes, the connection is dropped, the handler is told
// err. Safe from any goroutine; only the first call counts.
func (e *streamEnd) fail(err error) {
	e.mu.Lock()
	if !e.closed {
		e.closed, e.err = true, err
	}
	nc, first := e.nc, e.err
	e.mu.Unlock()
	if nc != nil {
		nc.Close()
	}
	e.tell(first) // the first cause, even if a reader saw the closed connection first
}

// tell posts Closed(err) to the handler, once.
func (e *streamEnd) tell(err error) {
	e.mu.Lock()
	if e.told || e.h == nil {
		e.told = true
		e.mu.Unlock()
		return
	}
	e.told = true
	e.mu.Unlock()
	e.tab.rt.loop.post(func() {
		if !e.inc.live() {
			return // the incarnation ended: its handler hears nothing more
		}
		e.ended = true
		e.h.Closed(e, err)
	})
}

// deadStream is what Dial gives an ended incarnation: a stream already closed, whose
// handler is never called.
func deadStream(to nodeapi.NodeID) nodeapi.Stream {
	return &streamEnd{peer: to, closed: true, told: true, err: nodeapi.ErrStreamClosed}
}

// crash breaks every stream of incarnation inc as a crash would: no handler of inc hears
// anything more, and each peer sees its connection end without a close frame
// (ErrPeerCrashed). It runs on the loop.
func (tab *streamTable) crash(inc *env) {
	for _, e := range tab.snapshot() {
		e.mu.Lock()
		if e.inc != inc {
			e.mu.Unlock()
			continue
		}
		e.closed, e.told, e.ended = true, true, true
		if e.err == nil {
			e.err = nodeapi.ErrPeerCrashed // a dial still under way drops its connection
		}
		nc := e.nc
		e.mu.Unlock()
		if nc != nil {
			nc.Close()
		}
	}
}

// breakCut breaks every stream whose path the drop table now cuts.
func (tab *streamTable) breakCut() {
	for _, e := range tab.snapshot() {
		if tab.rt.faults.cut(e.peer) {
			e.fail(nodeapi.ErrPartitioned)
		}
	}
}

func (tab *streamTable) snapshot() []*streamEnd {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	out := make([]*streamEnd, 0, len(tab.live))
	for e := range tab.live {
		out = append(out, e)
	}
	return out
}
