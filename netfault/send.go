package netfault

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"time"
)

// Send decides the fate of m sent at now and appends zero (lost, filtered, partitioned),
// one, or two (duplicated) deliveries to out. It panics on an unknown endpoint. Apart from
// appending to out, and copying the payload of a duplicated or corrupted datagram, it does
// not allocate (on a link with a capacity, its in-flight list may grow up to the capacity).
//
// Decisions, in this order:
//  1. Partition (Reachable at send time). A datagram is gone. A stream chunk breaks its
//     stream: it is still returned as a delivery, at the latency the link draws, and Arrive
//     answers Drop for it, so the receiver side learns of the break when the chunk would
//     have arrived. The filter is not consulted.
//  2. The filter hook, if set: Drop discards the message (a stream chunk breaks its stream
//     as in 1), Delay is added to the drawn latency (negative counts as 0), a non-nil
//     Payload replaces the payload.
//  3. Datagrams only (Stream == 0): Loss, then Corrupt (one random bit of a copy of a
//     non-empty payload flips), then Duplicate (a second delivery with its own latency and
//     its own copy of the payload, corrupted or not).
//     On a link with a capacity (SetCapacity) every copy, and every stream chunk, must be
//     admitted: on a full link one message, the new one included, is dropped at random.
//  4. Latency: uniform in [LatencyMin, LatencyMax], plus with chance SpikeRate a spike
//     uniform in (0, SpikeMax]. If the link is FIFO (!Reorder) a delivery is never earlier
//     than the latest one already scheduled on the link; stream chunks are FIFO per link
//     even when Reorder is set. Ties (equal At) must be handled in the order the deliveries
//     were returned, which the world's (time, sequence) event order does.
//  5. Datagrams only, when message-age rules are installed (AddAgeRule): a hold rule adds
//     an age to a delivery's time, a replay rule appends a late copy; either marks the
//     delivery Aged. The age does not move the link's FIFO bound: later messages overtake.
func (n *Network) Send(now int64, m Message, out []Delivery) []Delivery {
	l := n.laidLink(m.From, m.To)
	if l == nil {
		l = n.linkOf("Send", m.From, m.To)
	}
	n.stats.Sent++
	if !n.reachable(l, m.From, m.To) {
		n.stats.PartitionedAtSend++
		return n.lostAtSend(now, l, m, out)
	}
	var extra time.Duration
	if n.filter != nil {
		act := n.filter(m)
		if act.Drop {
			n.stats.Filtered++
			return n.lostAtSend(now, l, m, out)
		}
		extra = max(act.Delay, 0)
		if act.Payload != nil {
			m.Payload = act.Payload
		}
	}
	if m.Stream != 0 {
		if l.rare != nil && !n.admit(l, &m) {
			return n.lostAtSend(now, l, m, out)
		}
		return append(out, Delivery{At: n.schedule(now, l, extra, true), Msg: m})
	}
	start := len(out)
	out = n.sendDatagram(now, l, &m, extra, out)
	if len(n.age.rules) > 0 {
		out = n.applyAge(out, start)
	}
	return out
}

// lostAtSend handles a message stopped at send time: a datagram vanishes; a stream chunk
// marks its stream broken and still travels, so that its Arrive reports the break.
func (n *Network) lostAtSend(now int64, l *link, m Message, out []Delivery) []Delivery {
	if m.Stream == 0 {
		return out
	}
	l.breakStream(m.Stream)
	return append(out, Delivery{At: n.schedule(now, l, 0, true), Msg: m})
}

// sendDatagram applies the link's datagram faults: loss, corruption, duplication. m is
// Send's own copy of the message, which it may change (a corrupted payload, a capacity's
// sequence number).
func (n *Network) sendDatagram(now int64, l *link, m *Message, extra time.Duration,
	out []Delivery) []Delivery {
	c := l.cfg
	if chance(l.pcg, c.Loss) {
		n.stats.Lost++
		return out
	}
	if len(m.Payload) > 0 && chance(l.pcg, c.Corrupt) {
		m.Payload = flipBit(l.rng, m.Payload)
		n.stats.Corrupted++
	}
	if l.rare == nil || n.admit(l, m) { // the nil check keeps the common path call-free
		out = append(out, Delivery{At: n.schedule(now, l, extra, false), Msg: *m})
	}
	if chance(l.pcg, c.Duplicate) {
		n.stats.Duplicated++
		dup := *m
		// The twin gets its own bytes: a receiver that (wrongly) writes into one copy must
		// not change what the other copy's receiver reads.
		dup.Payload = bytes.Clone(m.Payload)
		if l.rare == nil || n.admit(l, &dup) {
			out = append(out, Delivery{At: n.schedule(now, l, extra, false), Msg: dup})
		}
	}
	return out
}

// schedule draws the delivery time of one message on l and records it for FIFO ordering.
func (n *Network) schedule(now int64, l *link, extra time.Duration, stream bool) int64 {
	at := now + int64(n.latency(l)+extra)
	if !l.cfg.Reorder {
		at = max(at, l.lastAt)
	}
	if stream {
		at = max(at, l.streamLastAt)
		l.streamLastAt = at
	}
	l.lastAt = max(l.lastAt, at)
	return at
}

// latency draws one base latency plus an optional spike from the link's own stream.
func (n *Network) latency(l *link) time.Duration {
	c := l.cfg
	d := c.LatencyMin
	if span := c.LatencyMax - c.LatencyMin; span > 0 {
		d += time.Duration(int64n(l.pcg, int64(span)+1))
	}
	if c.SpikeMax > 0 && chance(l.pcg, c.SpikeRate) {
		d += 1 + time.Duration(int64n(l.pcg, int64(c.SpikeMax)))
		n.stats.Spiked++
	}
	return d
}

// flipBit returns a copy of p with one uniformly chosen bit flipped; p is left untouched.
func flipBit(r *rand.Rand, p []byte) []byte {
	c := bytes.Clone(p)
	bit := r.IntN(len(c) * 8)
	c[bit/8] ^= 1 << (bit % 8)
	return c
}

// Arrive is called when a delivery falls due, with the delivery's message (by address: a
// world asks once per delivery, and the message is seven words). In this order:
//   - a message that overflowed its link's capacity while in flight answers Drop (a
//     stream chunk breaks its stream);
//   - a chunk of a broken stream (one that already lost a chunk on this link, at send, at
//     arrival or by DropHeld) answers Drop, so a receiver only ever sees a stream prefix;
//   - if from -> to is not Reachable now, Drop: a partition made after the send still stops
//     the message, and a stream chunk breaks its stream;
//   - if the sender, the receiver or the link from -> to is clogged, Hold: the network keeps
//     the message and hands it back from Unclog, UnclogLink or UnclogAll (or, with MaxHeld
//     messages held already, Drop);
//   - else Deliver: hand the message to its receiver now.
//
// now is not used by today's rules; it is part of the contract so that rules that depend
// on time need no signature change. Arrive never draws randomness.
func (n *Network) Arrive(now int64, m *Message) Verdict {
	l := n.laidLink(m.From, m.To)
	if l == nil {
		l = n.linkOf("Arrive", m.From, m.To)
	}
	if m.seq != 0 && l.land(m.seq) {
		if m.Stream != 0 {
			l.breakStream(m.Stream)
		}
		return Drop
	}
	if m.Stream != 0 && l.isBroken(m.Stream) {
		n.stats.DroppedAtArrival++
		return Drop
	}
	if !n.reachable(l, m.From, m.To) {
		if m.Stream != 0 {
			l.breakStream(m.Stream)
		}
		n.stats.DroppedAtArrival++
		return Drop
	}
	if n.blocked(l, m.From, m.To) {
		if len(n.held) >= MaxHeld {
			if m.Stream != 0 {
				l.breakStream(m.Stream)
			}
			n.stats.HeldOverflow++
			return Drop
		}
		n.held = append(n.held, *m)
		n.stats.Held++
		return Hold
	}
	return Deliver
}

// StreamBroken reports whether stream lost a chunk on from -> to, so that every later chunk
// of it on that link will be dropped at arrival.
func (n *Network) StreamBroken(from, to Endpoint, stream uint64) bool {
	return n.linkOf("StreamBroken", from, to).isBroken(stream)
}

// reachable is Reachable with the link already looked up.
func (n *Network) reachable(l *link, from, to Endpoint) bool {
	if from == to || !n.split {
		return true
	}
	return !l.cut && n.group[from] == n.group[to] && !n.isolated[from] && !n.isolated[to]
}

func (l *link) isBroken(stream uint64) bool {
	return l.rare != nil && slices.Contains(l.rare.broken, stream)
}

func (l *link) breakStream(stream uint64) {
	if l.rare == nil {
		l.rare = &linkRare{}
	}
	if !l.isBroken(stream) {
		l.rare.broken = append(l.rare.broken, stream)
	}
}
