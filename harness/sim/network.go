package sim

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// Net is the world's network, for the few things the wrappers below do not cover (its
// statistics, say). Changing faults through it bypasses the trace and the annotations.
func (w *World) Net() *netfault.Network { return w.net }

// sendDatagram is Env.Send: copy, judge, schedule.
func (w *World) sendDatagram(from *node, to nodeapi.NodeID, msg []byte) {
	ti, ok := w.dests.lookup(w.index, to)
	if !ok {
		w.stats.UnknownDest++
		w.emitNode(KindLog, from, 0, fmt.Sprintf("send to unknown node %q dropped", to))
		return
	}
	if len(msg) > MaxMessage {
		w.emitNode(KindLog, from, 0, fmt.Sprintf("send to %s of %d bytes dropped: over "+
			"the %d-byte message limit", to, len(msg), MaxMessage))
		return
	}
	w.transmit(from, ti, 0, w.payloads.copyOf(msg))
}

// destCache remembers where recent destinations are in World.index, keyed by the address
// of the ID's bytes: a node sends to the same few IDs over and over, mostly the very same
// strings (its peer list), and hashing the ID for every datagram was 1.5 % of a run; the
// harness, too, names the same nodes by the same strings (World.lookup asks here). Two
// strings with the same address and length are the same string, since strings never
// change; an entry holds its string, so its address cannot be reused meanwhile. A miss
// asks the map. Entries stay right because IDs are never removed from the index.
type destCache [16]struct {
	id  nodeapi.NodeID
	idx int32
}

func (c *destCache) lookup(index map[nodeapi.NodeID]int32, to nodeapi.NodeID) (int32, bool) {
	p := unsafe.StringData(string(to))
	// A multiplicative hash of the address: short IDs share 16-byte blocks of memory.
	slot := &c[uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15>>60]
	if len(to) > 0 && len(slot.id) == len(to) && unsafe.StringData(string(slot.id)) == p {
		return slot.idx, true
	}
	i, ok := index[to]
	if ok {
		slot.id, slot.idx = to, i
	}
	return i, ok
}

// transmit hands one message to the network, queues its deliveries and records the send.
func (w *World) transmit(from *node, to int32, stream uint64, p []byte) {
	m := netfault.Message{From: from.ep, To: netfault.Endpoint(to), Stream: stream, Payload: p}
	w.deliv = w.net.Send(w.now, m, w.deliv[:0])
	sum := hashBytes(fnvOffset, p)
	aged := false
	for i := range w.deliv {
		d := &w.deliv[i]
		var flags uint8
		if d.Aged != netfault.NotAged {
			flags, aged = agedFlags[d.Aged], true
		}
		e := w.q.add(max(d.At, w.now))
		if e != nil {
			e.kind, e.msg, e.node = evDeliver, d.Msg, to
			if stream == 0 && samePayload(d.Msg.Payload, p) {
				// The delivery carries the very bytes sent, which only this event
				// holds until the receiver gets them (a corrupted or duplicated copy
				// is a copy): their hash for the trace at arrival is the one
				// computed here.
				e.id, flags = sum, flags|evSummed
			}
			e.flags = flags
		}
		if d.Aged == netfault.NotAged {
			d.Msg.Payload = nil
		}
	}
	w.stats.Sent++
	r := w.record()
	*r = rec{at: w.now, kind: KindSend, node: from.idx, inc: from.inc, peer: to,
		stream: stream, n: int32(len(p)), sum: sum, aux: uint8(len(w.deliv))}
	w.emit(r)
	if aged {
		w.recordAged(to)
	}
}

// samePayload reports whether a and b are the same bytes of memory, not only equal ones.
func samePayload(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// endpoints resolves IDs to network endpoints, naming the first unknown one.
func (w *World) endpoints(ids ...nodeapi.NodeID) ([]netfault.Endpoint, error) {
	eps := make([]netfault.Endpoint, len(ids))
	for i, id := range ids {
		n, err := w.lookup(id)
		if err != nil {
			return nil, err
		}
		eps[i] = n.ep
	}
	return eps, nil
}

// Partition splits the endpoints into groups that cannot reach each other, both ways;
// endpoints named in no group form one more group. It replaces an earlier Partition
// (cuts and isolations stay). Streams across the new boundaries break.
func (w *World) Partition(groups ...[]nodeapi.NodeID) error {
	eg := make([][]netfault.Endpoint, len(groups))
	names := make([]string, len(groups))
	for i, g := range groups {
		eps, err := w.endpoints(g...)
		if err != nil {
			return fmt.Errorf("harness: Partition group %d: %w", i, err)
		}
		eg[i] = eps
		names[i] = fmt.Sprint(g)
	}
	if err := w.net.ValidatePartition(eg...); err != nil {
		return fmt.Errorf("harness: Partition: %w", err)
	}
	w.net.Partition(eg...)
	w.annotate("", "partition "+strings.Join(names, " "))
	w.breakCutStreams()
	return nil
}

// Split separates the named endpoints: every pair in different groups is cut both ways,
// while endpoints named in no group (clients, say) keep reaching everyone. Unlike Partition
// it adds to earlier cuts; Heal removes it. Streams across the new cuts break.
func (w *World) Split(groups ...[]nodeapi.NodeID) error {
	eg := make([][]netfault.Endpoint, len(groups))
	names := make([]string, len(groups))
	for i, g := range groups {
		eps, err := w.endpoints(g...)
		if err != nil {
			return fmt.Errorf("harness: Split group %d: %w", i, err)
		}
		eg[i], names[i] = eps, fmt.Sprint(g)
	}
	for i, a := range eg {
		for _, b := range eg[i+1:] {
			for _, x := range a {
				for _, y := range b {
					w.net.Cut(x, y)
					w.net.Cut(y, x)
				}
			}
		}
	}
	w.annotate("", "partition "+strings.Join(names, " | "))
	w.breakCutStreams()
	return nil
}

// Cut blocks the direction from -> to only (a one-way partition).
func (w *World) Cut(from, to nodeapi.NodeID) error {
	eps, err := w.endpoints(from, to)
	if err != nil {
		return fmt.Errorf("harness: Cut: %w", err)
	}
	w.net.Cut(eps[0], eps[1])
	w.annotate(from, "cut -> "+string(to))
	w.breakCutStreams()
	return nil
}

// Isolate cuts id off from every other endpoint, both ways, until Heal.
func (w *World) Isolate(id nodeapi.NodeID) error {
	eps, err := w.endpoints(id)
	if err != nil {
		return fmt.Errorf("harness: Isolate: %w", err)
	}
	w.net.Isolate(eps[0])
	w.annotate(id, "isolate")
	w.breakCutStreams()
	return nil
}

// Heal removes every partition, cut and isolation (not clogs, not link settings).
func (w *World) Heal() {
	w.net.Heal()
	w.annotate("", "heal")
}

// payloadSlab copies datagrams into shared chunks: the world copies every datagram a node
// sends (the sender may reuse its buffer), and one allocation per message was the largest
// count of objects in a run. Each copy's capacity is its length, so a receiver that
// appends to its datagram gets a new array and never writes into a neighbour's. A chunk
// lives as long as any datagram carved from it is referenced: at most slabChunk bytes
// kept alive by one message a node retains.
type payloadSlab struct {
	chunk []byte
	// box carries the chunk's unused room to the next world when this one is released
	// (slab_tail.go).
	box *[]byte
}

const (
	slabChunk = 8 << 10 // bytes of one chunk
	slabMax   = 1 << 10 // a datagram larger than this gets an array of its own
)

// copyOf returns a copy of msg that the receiver owns, nil for an empty msg.
func (s *payloadSlab) copyOf(msg []byte) []byte {
	n := len(msg)
	switch {
	case n == 0:
		return nil
	case n > slabMax:
		return append(make([]byte, 0, n), msg...)
	case len(s.chunk)+n > cap(s.chunk):
		s.chunk = make([]byte, 0, slabChunk)
	}
	off := len(s.chunk)
	s.chunk = append(s.chunk, msg...)
	return s.chunk[off : off+n : off+n]
}
