package realrt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// transport carries an endpoint's datagrams and streams over TCP. Addressed peers get an
// outbound link each; an endpoint without an address (a client) is answered over the newest
// link connection it opened to us (a reply connection).
type transport struct {
	self    nodeapi.NodeID
	addrs   map[nodeapi.NodeID]string
	ln      net.Listener
	faults  *Faults
	loop    *loop
	deliver func(from nodeapi.NodeID, msg []byte) // runs on the loop
	streams *streamTable
	logf    func(format string, args ...any)
	queue   int
	// tls, if set, makes every connection mutual TLS (tls.go).
	tls *TLS
	// refused rate-limits the log lines of refused connections (refusals.go).
	refused refusals

	mu      sync.Mutex
	links   map[nodeapi.NodeID]*link
	replies map[nodeapi.NodeID]*outbox
	conns   map[net.Conn]struct{}
	// unrouted are the peers a datagram was sent to that have no address and no reply
	// connection, in first-seen order (bounded): a client learns of a leader it was not
	// given this way, and a command can say so.
	unrouted []nodeapi.NodeID
	closing  chan struct{}
	closed   atomic.Bool
	wg       sync.WaitGroup
	stats    transportStats
}

// transportStats count what happened to datagrams; see Stats.
type transportStats struct {
	sent, received, noRoute, badFrames, writeErrors, connects atomic.Uint64
}

func (t *transport) isClosed() bool { return t.closed.Load() }

// start launches the accept loop and one link per addressed peer.
func (t *transport) start() {
	t.links, t.replies = map[nodeapi.NodeID]*link{}, map[nodeapi.NodeID]*outbox{}
	t.conns, t.closing = map[net.Conn]struct{}{}, make(chan struct{})
	for peer, addr := range t.addrs {
		if peer == t.self {
			continue
		}
		l := &link{t: t, peer: peer, addr: addr, out: newOutbox(t.queue)}
		t.links[peer] = l
		t.wg.Add(1)
		go l.run()
	}
	if t.ln != nil {
		t.wg.Add(1)
		go t.acceptLoop()
	}
}

// go runs f on a tracked goroutine unless the transport is closing.
func (t *transport) goTracked(f func()) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed.Load() {
		return false
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		f()
	}()
	return true
}

// track registers a connection to be closed on shutdown; false if shutting down already.
func (t *transport) track(nc net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed.Load() {
		return false
	}
	t.conns[nc] = struct{}{}
	return true
}

func (t *transport) untrack(nc net.Conn) {
	t.mu.Lock()
	delete(t.conns, nc)
	t.mu.Unlock()
}

// close stops accepting, closes every connection and waits for the helper goroutines.
func (t *transport) close() {
	t.mu.Lock()
	if t.closed.Load() {
		t.mu.Unlock()
		return
	}
	t.closed.Store(true)
	close(t.closing)
	for nc := range t.conns {
		nc.Close()
	}
	t.mu.Unlock()
	if t.ln != nil {
		t.ln.Close()
	}
	t.wg.Wait()
}

// sleep waits d or until the transport closes.
func (t *transport) sleep(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-t.closing:
	}
}

// send routes one datagram: the peer's link if it has an address, else the reply
// connection it opened, else nowhere (counted, like any lost datagram).
func (t *transport) send(to nodeapi.NodeID, msg []byte) {
	if len(msg) > MaxMessage || t.faults.dropOut(to) {
		return
	}
	if to == t.self {
		body := append([]byte{}, msg...)
		t.loop.postMessage(func() { t.deliver(to, body) })
		return
	}
	frame := appendFrame(nil, kindDatagram, msg)
	t.mu.Lock()
	var out *outbox
	if l := t.links[to]; l != nil {
		out = l.out
	} else {
		out = t.replies[to]
	}
	t.mu.Unlock()
	if out == nil {
		t.stats.noRoute.Add(1)
		t.noteUnrouted(to)
		return
	}
	if out.offer(frame) {
		t.stats.sent.Add(1)
	}
}

// readDatagrams delivers the datagrams peer sends on nc until the connection ends or a
// frame is damaged; the rest of a damaged connection is dropped, never delivered.
func (t *transport) readDatagrams(nc net.Conn, br *bufio.Reader, peer nodeapi.NodeID) {
	for {
		kind, body, err := readFrame(br)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) &&
				!errors.Is(err, io.ErrUnexpectedEOF) {
				t.stats.badFrames.Add(1)
			}
			return
		}
		if kind != kindDatagram {
			t.stats.badFrames.Add(1)
			return
		}
		t.stats.received.Add(1)
		if t.faults.dropIn(peer) {
			continue
		}
		t.loop.postMessage(func() { t.deliver(peer, body) })
	}
}

// dialHello connects to the peer at addr and exchanges hellos; the peer must answer as
// itself, so a port now used by another node is not mistaken for it.
func (t *transport) dialHello(peer nodeapi.NodeID, addr string,
	h hello) (net.Conn, *bufio.Reader, error) {
	nc, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return nil, nil, err
	}
	if t.tls != nil {
		tc, err := t.handshakeClient(nc, peer)
		if err != nil {
			nc.Close() // the link logs it as a failed connection (and retries)
			return nil, nil, fmt.Errorf("TLS: %w", err)
		}
		nc = tc
	}
	h.from, h.to = string(t.self), string(peer)
	_ = nc.SetDeadline(time.Now().Add(dialTimeout))
	br := bufio.NewReaderSize(nc, 64<<10)
	reply, err := exchangeHello(nc, br, h)
	if err == nil && reply.from != string(peer) {
		err = fmt.Errorf("%s answers as %q", addr, reply.from)
	}
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	_ = nc.SetDeadline(time.Time{})
	return nc, br, nil
}

func exchangeHello(nc net.Conn, br *bufio.Reader, h hello) (hello, error) {
	if _, err := nc.Write(appendFrame(nil, kindHello, h.encode())); err != nil {
		return hello{}, err
	}
	kind, body, err := readFrame(br)
	if err != nil {
		return hello{}, err
	}
	if kind != kindHello {
		return hello{}, errors.New("realrt: peer did not say hello")
	}
	return decodeHello(body)
}

// acceptLoop takes connections until the listener closes; each is greeted on its own
// goroutine so that a silent dialer cannot hold up the others.
func (t *transport) acceptLoop() {
	defer t.wg.Done()
	for {
		nc, err := t.ln.Accept()
		if err != nil {
			if t.isClosed() || errors.Is(err, net.ErrClosed) {
				return
			}
			t.sleep(backoffMin) // out of file descriptors, say: try again shortly
			continue
		}
		if !t.goTracked(func() { t.greet(nc) }) {
			nc.Close()
			return
		}
	}
}

// logRefusal logs a refused connection ("refused connection from ADDR" + why) unless its
// host was refused for the same reason moments ago.
func (t *transport) logRefusal(from net.Addr, why string) {
	log, suppressed := t.refused.admit(from, why)
	if !log {
		return
	}
	if suppressed > 0 {
		why += fmt.Sprintf(" (and %d more from this host since the last line, not logged)",
			suppressed)
	}
	t.logf("refused connection from %s%s", from, why)
}

// greet reads the dialer's hello, answers it and hands the connection on.
func (t *transport) greet(nc net.Conn) {
	if !t.track(nc) {
		nc.Close()
		return
	}
	defer t.untrack(nc)
	if t.tls != nil {
		tc, err := t.handshakeServer(nc)
		if err != nil {
			t.logRefusal(nc.RemoteAddr(), fmt.Sprintf(": TLS: %v", err))
			nc.Close()
			return
		}
		nc = tc
	}
	_ = nc.SetDeadline(time.Now().Add(dialTimeout))
	br := bufio.NewReaderSize(nc, 64<<10)
	kind, body, err := readFrame(br)
	if err != nil || kind != kindHello {
		nc.Close()
		return
	}
	h, err := decodeHello(body)
	if err != nil || h.to != string(t.self) {
		nc.Close() // meant for another node (a reused port) or not ours at all
		return
	}
	_, addressed := t.addrs[nodeapi.NodeID(h.from)]
	if err := checkPeer(nc, nodeapi.NodeID(h.from), addressed); err != nil {
		t.logRefusal(nc.RemoteAddr(), fmt.Sprintf(" claiming to be %s: %v", h.from, err))
		nc.Close()
		return
	}
	reply := hello{from: string(t.self), to: h.from, purpose: h.purpose, stream: h.stream}
	if _, err := nc.Write(appendFrame(nil, kindHello, reply.encode())); err != nil {
		nc.Close()
		return
	}
	_ = nc.SetDeadline(time.Time{})
	if h.purpose == purposeStream {
		t.streams.accepted(nc, br, nodeapi.NodeID(h.from))
		return
	}
	t.serveReply(nc, br, nodeapi.NodeID(h.from))
}

// serveReply reads the datagrams of an inbound link connection and, for a peer we have no
// address for, makes it the way back: replies to that peer are written here.
func (t *transport) serveReply(nc net.Conn, br *bufio.Reader, peer nodeapi.NodeID) {
	t.stats.connects.Add(1)
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		t.readDatagrams(nc, br, peer)
	}()
	if _, addressed := t.addrs[peer]; addressed {
		<-ended // we send to it over our own link
		nc.Close()
		return
	}
	out := newOutbox(t.queue)
	t.mu.Lock()
	t.replies[peer] = out // the newest connection wins; an older one drains and ends
	t.mu.Unlock()
	if err := pump(nc, out, t.closing, ended); err != nil && !errors.Is(err, errClosed) {
		t.stats.writeErrors.Add(1)
	}
	nc.Close()
	<-ended
	t.mu.Lock()
	if t.replies[peer] == out {
		delete(t.replies, peer)
	}
	t.mu.Unlock()
	out.discard()
}

// maxUnrouted bounds the peers remembered by noteUnrouted.
const maxUnrouted = 16

// noteUnrouted remembers a peer a datagram could not be routed to.
func (t *transport) noteUnrouted(to nodeapi.NodeID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, addressed := t.addrs[to]; addressed || len(t.unrouted) >= maxUnrouted ||
		slices.Contains(t.unrouted, to) {
		return
	}
	t.unrouted = append(t.unrouted, to)
}

// Unrouted lists the peers the endpoint sent datagrams to that it has no address for and
// that never connected to it, in the order first seen (at most 16): for a client, a server
// it was not given, which another server named (a leader outside its --peers, say).
func (rt *Runtime) Unrouted() []nodeapi.NodeID {
	rt.tr.mu.Lock()
	defer rt.tr.mu.Unlock()
	return slices.Clone(rt.tr.unrouted)
}
