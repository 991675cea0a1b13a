package realrt

import (
	"bufio"
	"net"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// closeLinger bounds how long an end that closed waits for the peer to close too.
const closeLinger = 5 * time.Second

// run carries an established stream: a pump goroutine writes the queue, this goroutine
// reads the peer's frames and posts them to the loop.
func (e *streamEnd) run(nc net.Conn, br *bufio.Reader) {
	e.mu.Lock()
	e.nc = nc
	broken := e.closed && e.err != nil
	e.mu.Unlock()
	if broken {
		nc.Close()
		e.tab.forget(e)
		return
	}
	done := make(chan struct{})
	e.tab.wg.Add(1)
	go func() {
		defer e.tab.wg.Done()
		e.pump(nc, done)
	}()
	e.read(nc, br)
	close(done)
	nc.Close()
	e.tab.forget(e)
}

// pump writes queued frames; after a close frame it half-closes the connection, so the
// peer reads everything written before it and then EOF.
func (e *streamEnd) pump(nc net.Conn, done <-chan struct{}) {
	bw := bufio.NewWriterSize(nc, 64<<10)
	stop := e.tab.rt.tr.closing
	for {
		var frame []byte
		select {
		case frame = <-e.out.q:
		case <-stop:
			return
		case <-done:
			return
		}
		if err := writeBatch(nc, bw, e.out, frame); err != nil {
			e.fail(nodeapi.ErrPeerCrashed)
			return
		}
		if frameKind(frame[frameHeader]) == kindStreamClose {
			if tc, ok := nc.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			_ = nc.SetReadDeadline(time.Now().Add(closeLinger))
			return
		}
	}
}

// read posts the peer's chunks until its close frame or the end of the connection.
func (e *streamEnd) read(nc net.Conn, br *bufio.Reader) {
	faults, l := e.tab.rt.faults, e.tab.rt.loop
	for {
		kind, body, err := readFrame(br)
		switch {
		case err != nil:
			e.fail(nodeapi.ErrPeerCrashed) // a no-op once we closed the stream ourselves
			return
		case kind == kindStreamData && faults.dropIn(e.peer):
			e.fail(nodeapi.ErrPartitioned)
			return
		case kind == kindStreamData:
			l.post(func() {
				if !e.ended && e.inc.live() {
					e.h.Data(e, body)
				}
			})
		case kind == kindStreamClose:
			e.peerClosed(body)
			return
		default:
			e.fail(nodeapi.ErrPeerCrashed)
			return
		}
	}
}

// peerClosed handles the peer's close frame: Closed(nil), or ErrPeerStopped when the
// peer's endpoint stopped.
func (e *streamEnd) peerClosed(body []byte) {
	var err error
	if len(body) == 1 && closeReason(body[0]) == reasonStopped {
		err = nodeapi.ErrPeerStopped
	}
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.tell(err)
}

// accepted runs a stream dialed to us: the node's Accept decides on the loop, then the
// stream runs on this goroutine.
func (tab *streamTable) accepted(nc net.Conn, br *bufio.Reader, from nodeapi.NodeID) {
	e := tab.newEnd(nil, from, nil)
	e.accepting = true
	decided := make(chan bool, 1)
	if !tab.rt.loop.post(func() { decided <- e.accept() }) {
		decided <- false
	}
	ok := false
	select {
	case ok = <-decided:
	case <-tab.rt.loop.quit: // stopped before Accept ran
	}
	if !ok || tab.rt.faults.cut(from) {
		_, _ = nc.Write(appendFrame(nil, kindStreamRefuse))
		nc.Close()
		tab.forget(e)
		return
	}
	e.run(nc, br)
}

// accept asks the node (on the loop) for a handler and queues the accept frame ahead of
// whatever Accept wrote.
func (e *streamEnd) accept() bool {
	acc, ok := e.tab.rt.node.(nodeapi.StreamAcceptor)
	if !ok {
		return false
	}
	h := acc.Accept(e)
	if h == nil {
		return false
	}
	e.mu.Lock()
	e.h, e.inc, e.accepting = h, e.tab.rt.cur.Load(), false
	e.out.offer(appendFrame(nil, kindStreamAccept))
	for _, f := range e.early {
		e.out.offer(f)
	}
	e.early = nil
	broken, told, err := e.closed, e.told, e.err
	e.mu.Unlock()
	if broken && told { // broke while Accept ran: the handler has not heard yet
		e.mu.Lock()
		e.told = false
		e.mu.Unlock()
		e.tell(err)
	}
	return true
}

// stopAll ends every stream as the endpoint goes away: a graceful stop sends close frames
// saying so (the peers are told ErrPeerStopped) and gives them a moment to leave.
func (tab *streamTable) stopAll(graceful bool) {
	ends := tab.snapshot()
	for _, e := range ends {
		e.mu.Lock()
		open := !e.closed
		e.closed, e.told = true, true
		e.mu.Unlock()
		if open && graceful {
			e.queue(appendFrame(nil, kindStreamClose, []byte{byte(reasonStopped)}))
		}
	}
	if graceful {
		deadline := time.Now().Add(200 * time.Millisecond)
		for len(tab.snapshot()) > 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
}
