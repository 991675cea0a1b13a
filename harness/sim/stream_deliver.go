package sim

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// runChunk handles the arrival of a stream chunk at node e.node.
func (w *World) runChunk(e *event) {
	m := &e.msg
	s := w.streams.byID[m.Stream]
	if s == nil {
		w.net.Forget(*m) // the stream is done; chunks still in flight mean nothing now
		w.skip()
		return
	}
	n := w.nodes[e.node]
	side := 0
	if s.ends[1].node == n.idx {
		side = 1
	}
	x := &s.ends[side]
	switch w.arrive(e, n) {
	case netfault.Drop:
		w.breakStream(s, ErrPartitioned)
		return
	case netfault.Hold:
		return
	}
	switch {
	case !n.up:
		w.stats.DroppedDown++
		w.emitMsg(KindDrop, n, m, dropDown)
		w.breakStream(s, fmt.Errorf("%w: %s is down", ErrRefused, n.id))
	case n.paused:
		w.holdDelivery(n, e)
	case x.closed:
		w.skip() // written after this end closed: discarded like data after a reset
	case len(m.Payload) > 0:
		w.stats.StreamChunks++
		w.emitStream(KindStreamData, x, len(m.Payload), "")
		w.cur = n.idx
		x.h.Data(x, m.Payload)
		w.leave(n)
	case side == 1 && s.state == streamDialing:
		w.accept(s, n)
	default: // the peer closed
		w.emitStream(KindStreamData, x, 0, "")
		w.notify(x, nil)
		w.finish(s)
	}
}

// accept hands the acceptor end of s to node n.
func (w *World) accept(s *stream, n *node) {
	acc, ok := n.impl.(nodeapi.StreamAcceptor)
	if !ok {
		w.refuse(s, fmt.Errorf("%w: %s accepts no streams", ErrRefused, n.id))
		return
	}
	x := &s.ends[1]
	x.inc = n.inc
	s.state = streamOpen
	w.stats.StreamsOpened++
	w.emitStream(KindStreamAccept, x, 0, "")
	w.cur = n.idx
	h := acc.Accept(x)
	w.leave(n)
	switch {
	case h != nil:
		x.h = h
	case !x.closed:
		w.refuse(s, fmt.Errorf("%w: %s declined the stream", ErrRefused, n.id))
	}
}

// runStreamClosed runs a queued Closed callback (its closure was built by notify).
func (w *World) runStreamClosed(e *event) {
	n := w.due(e)
	if n == nil {
		return
	}
	w.cur = n.idx
	e.fn()
	w.leave(n)
}

// emitStream records an event at stream end x.
func (w *World) emitStream(kind EventKind, x *streamEnd, length int, text string) {
	n := w.nodes[x.node]
	r := w.record()
	*r = rec{at: w.now, kind: kind, node: x.node, inc: n.inc, peer: x.s.ends[1-x.side].node,
		stream: x.s.id, n: int32(length), text: text}
	w.emit(r)
}
