package realrt

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Connection timing. A peer that is paused (SIGSTOP) or gone stops reading; writes then
// block until writeTimeout, the connection is dropped with what it held, and the link
// reconnects. Backoff doubles from backoffMin to backoffMax, jittered so that peers do not
// reconnect in lockstep.
const (
	dialTimeout  = time.Second
	writeTimeout = 2 * time.Second
	backoffMin   = 10 * time.Millisecond
	backoffMax   = 250 * time.Millisecond
)

// outbox is a bounded queue of frames for one connection or link. Offering to a full
// queue drops the frame: datagrams may be lost, and a node must never block on a peer.
type outbox struct {
	q       chan []byte
	dropped atomic.Uint64
}

func newOutbox(n int) *outbox { return &outbox{q: make(chan []byte, n)} }

func (o *outbox) offer(frame []byte) bool {
	select {
	case o.q <- frame:
		return true
	default:
		o.dropped.Add(1)
		return false
	}
}

// discard drops every queued frame: the path to the peer is down, so they are lost.
func (o *outbox) discard() {
	for {
		select {
		case <-o.q:
			o.dropped.Add(1)
		default:
			return
		}
	}
}

// pump writes frames from o to nc until a write fails, stop closes or the connection's
// reader ends (ended). Frames are batched in a buffered writer and flushed when the queue
// runs dry, so a burst costs one system call, not one per message. A frame cut short by a
// failure is dropped by the reader's framing; the frames still in the buffer are lost.
func pump(nc net.Conn, o *outbox, stop, ended <-chan struct{}) error {
	bw := bufio.NewWriterSize(nc, 64<<10)
	for {
		var frame []byte
		select {
		case frame = <-o.q:
		case <-stop:
			return errClosed
		case <-ended:
			return errClosed
		}
		if err := writeBatch(nc, bw, o, frame); err != nil {
			return err
		}
	}
}

// writeBatch writes frame and whatever else is queued, then flushes.
func writeBatch(nc net.Conn, bw *bufio.Writer, o *outbox, frame []byte) error {
	_ = nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	for {
		if _, err := bw.Write(frame); err != nil {
			return err
		}
		select {
		case frame = <-o.q:
			continue
		default:
		}
		return bw.Flush()
	}
}

var errClosed = errors.New("realrt: closed")

// link is the outbound datagram path to one addressed peer: a queue that outlives
// connections, and a goroutine that keeps one connection up, reconnecting with backoff.
type link struct {
	t    *transport
	peer nodeapi.NodeID
	addr string
	out  *outbox
	// up is set while a connection is established (for logs and tests).
	up   atomic.Bool
	once sync.Once
}

func (l *link) run() {
	defer l.t.wg.Done()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(len(l.peer))))
	backoff, failing := backoffMin, false
	for !l.t.isClosed() {
		nc, br, err := l.t.dialHello(l.peer, l.addr, hello{purpose: purposeLink})
		if err != nil {
			l.out.discard() // unreachable: what was queued is lost, not delivered late
			if !failing {
				l.t.logf("cannot reach %s at %s: %v (retrying)", l.peer, l.addr, err)
				failing = true
			}
			l.t.sleep(backoff/2 + time.Duration(rng.Int64N(int64(backoff/2)+1)))
			backoff = min(2*backoff, backoffMax)
			continue
		}
		if failing {
			l.t.logf("connected to %s at %s", l.peer, l.addr)
			failing = false
		}
		backoff = backoffMin
		l.serve(nc, br)
	}
	l.out.discard()
}

// serve runs one connection: the reader delivers what the peer sends back, the pump
// writes the queue, and whichever ends first ends both.
func (l *link) serve(nc net.Conn, br *bufio.Reader) {
	l.up.Store(true)
	l.t.stats.connects.Add(1)
	if !l.t.track(nc) {
		nc.Close()
		return
	}
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		l.t.readDatagrams(nc, br, l.peer)
	}()
	if err := pump(nc, l.out, l.t.closing, ended); err != nil && !errors.Is(err, errClosed) {
		l.t.stats.writeErrors.Add(1)
	}
	l.up.Store(false)
	nc.Close()
	<-ended
	l.t.untrack(nc)
}
