package realrt

import (
	"bufio"
	"errors"
	"net"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

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

// greet reads the dialer's hello, answers it and hands the connection on.
func (t *transport) greet(nc net.Conn) {
	if !t.track(nc) {
		nc.Close()
		return
	}
	defer t.untrack(nc)
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
