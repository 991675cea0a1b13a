package sim

import (
	"errors"
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// A stream is a pair of ends that exchange chunks as network messages tagged with the
// stream's id. The network keeps stream chunks reliable and ordered; the world adds the
// connection: an empty chunk is control, the first one from the dialer asking to open (the
// acceptor's Accept runs when it arrives) and any later one closing. The stream breaks,
// telling each live end through Closed, when an end's node goes down, when the path between
// them is partitioned, or when the network drops a chunk.

type streamState uint8

const (
	streamDialing streamState = iota
	streamOpen
	streamDone
)

type stream struct {
	id    uint64
	state streamState
	ends  [2]streamEnd // 0 dialer, 1 acceptor
}

// streamEnd is one end; it is the Stream a node holds.
type streamEnd struct {
	w      *World
	s      *stream
	side   uint8
	node   int32 // -1: the dialed ID is unknown
	inc    uint32
	peer   nodeapi.NodeID // the node at the other end
	h      nodeapi.StreamHandler
	closed bool // told (or to be told) Closed; no more writes or callbacks
	err    error
}

var _ nodeapi.Stream = (*streamEnd)(nil)

// streamTable holds the streams that are not done, by id and in id order.
type streamTable struct {
	next uint64
	byID map[uint64]*stream
	live []*stream
}

func (w *World) dial(e *env, to nodeapi.NodeID, h nodeapi.StreamHandler) nodeapi.Stream {
	t := &w.streams
	if t.byID == nil {
		t.byID = map[uint64]*stream{}
	}
	t.next++
	s := &stream{id: t.next}
	s.ends[0] = streamEnd{w: w, s: s, node: e.n.idx, inc: e.inc, peer: to, h: h}
	s.ends[1] = streamEnd{w: w, s: s, side: 1, node: -1, peer: e.n.id}
	switch {
	case h == nil:
		s.ends[0].closed, s.ends[0].err = true, errors.New("stream: Dial with a nil handler")
		return &s.ends[0]
	case !e.live():
		s.ends[0].closed, s.ends[0].err = true, ErrStreamClosed
		return &s.ends[0]
	}
	t.byID[s.id] = s
	t.live = append(t.live, s)
	ti, ok := w.index[to]
	switch {
	case !ok || ti == e.n.idx:
		w.refuse(s, fmt.Errorf("%w: cannot dial %q from %s", ErrRefused, to, e.n.id))
		return &s.ends[0]
	case len(t.live) > MaxLiveStreams:
		w.refuse(s, fmt.Errorf("%w: %d streams are open, the most the world allows",
			ErrRefused, MaxLiveStreams))
		return &s.ends[0]
	}
	s.ends[1].node = ti
	w.transmit(e.n, ti, s.id, nil) // the open request
	return &s.ends[0]
}

// Peer implements Stream.
func (x *streamEnd) Peer() nodeapi.NodeID { return x.peer }

// Write implements Stream: p is copied and sent as one chunk.
func (x *streamEnd) Write(p []byte) error {
	if x.closed {
		if x.err != nil {
			return x.err
		}
		return ErrStreamClosed
	}
	if n := x.w.nodes[x.node]; !n.up || n.inc != x.inc {
		return ErrStreamClosed
	}
	if len(p) > MaxMessage {
		return fmt.Errorf("stream: Write of %d bytes exceeds the %d-byte chunk limit",
			len(p), MaxMessage)
	}
	if len(p) == 0 {
		return nil // an empty chunk would read as control
	}
	peer := &x.s.ends[1-x.side]
	x.w.inWorld++ // world code called by a node: a panic here is the harness's
	x.w.transmit(x.w.nodes[x.node], peer.node, x.s.id, x.w.exact(p))
	x.w.inWorld--
	return nil
}

// Close implements Stream: both ends are told Closed(nil), the peer once the chunks written
// before it have arrived.
func (x *streamEnd) Close() {
	if x.closed {
		return
	}
	w := x.w
	w.inWorld++ // world code called by a node: a panic here is the harness's
	w.notify(x, nil)
	if peer := &x.s.ends[1-x.side]; !peer.closed {
		w.transmit(w.nodes[x.node], peer.node, x.s.id, nil)
	}
	w.finish(x.s)
	w.inWorld--
}

// notify closes end x and, if its node still runs the incarnation that owns it, queues
// the Closed callback.
func (w *World) notify(x *streamEnd, err error) {
	x.closed, x.err = true, err
	if x.h == nil || x.node < 0 {
		return
	}
	if n := w.nodes[x.node]; !n.up || n.inc != x.inc {
		return
	}
	w.q.push(event{at: w.now, kind: evStreamClosed, node: x.node, inc: x.inc, id: x.s.id,
		fn: func() {
			w.emitStream(KindStreamClosed, x, 0, errText(x.err))
			x.h.Closed(x, x.err)
		}})
}

func errText(err error) string {
	if err == nil {
		return "closed"
	}
	return err.Error()
}

// finish retires s once both ends are closed.
func (w *World) finish(s *stream) {
	if !s.ends[0].closed || !s.ends[1].closed || s.state == streamDone {
		return
	}
	s.state = streamDone
	t := &w.streams
	delete(t.byID, s.id)
	if i := slices.Index(t.live, s); i >= 0 {
		t.live = slices.Delete(t.live, i, i+1)
	}
	// No chunk of a done stream reaches Arrive again (runChunk skips them), so the
	// network may forget that it broke: its lists stay as short as the live streams.
	if a, b := s.ends[0].node, s.ends[1].node; a >= 0 && b >= 0 {
		w.net.ForgetStream(w.nodes[a].ep, w.nodes[b].ep, s.id)
	}
}

// breakStream tells every open end of s why it broke.
func (w *World) breakStream(s *stream, err error) {
	for i := range s.ends {
		if !s.ends[i].closed {
			w.notify(&s.ends[i], err)
		}
	}
	w.stats.StreamsBroken++
	w.finish(s)
}

// refuse ends a stream that was never accepted.
func (w *World) refuse(s *stream, err error) {
	s.ends[1].closed = true
	w.breakStream(s, err)
}

// breakStreamsOf breaks every stream with an end on n, which just went down.
func (w *World) breakStreamsOf(n *node, err error) {
	for _, s := range slices.Clone(w.streams.live) {
		if s.ends[0].node == n.idx || s.ends[1].node == n.idx {
			w.breakStream(s, err)
		}
	}
}

// breakCutStreams breaks every stream whose path a partition just cut, either way.
func (w *World) breakCutStreams() {
	for _, s := range slices.Clone(w.streams.live) {
		a, b := s.ends[0].node, s.ends[1].node
		if b < 0 {
			continue
		}
		ea, eb := w.nodes[a].ep, w.nodes[b].ep
		if !w.net.Reachable(ea, eb) || !w.net.Reachable(eb, ea) {
			w.breakStream(s, ErrPartitioned)
		}
	}
}
