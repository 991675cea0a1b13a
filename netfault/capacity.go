package netfault

import (
	"fmt"
	"slices"
)

// Limits of the network's own memory.
const (
	// MaxLinkCapacity bounds SetCapacity.
	MaxLinkCapacity = 1 << 16
	// MaxHeld bounds the messages clogs hold at once; a message that would be held beyond
	// it is dropped at arrival instead (a stream chunk breaks its stream), as a full
	// buffer would. A clogged node must not grow memory without bound during a long clog.
	MaxHeld = 1 << 16
)

// linkRare is what few links ever need, made on first use: the state of a link given a
// capacity (max > 0: the messages in flight on it, sent and not yet arrived, in send order,
// and those an overflow doomed) and the streams on it that lost a chunk. A run lays out a
// link per pair of endpoints; keeping these out of the link keeps the layout small, and a
// link with neither costs the common path one nil check.
type linkRare struct {
	max    int
	flight []uint64
	doomed []uint64
	// broken lists the streams on this link that lost a chunk; every later chunk of such
	// a stream is dropped at arrival, so a receiver only ever sees a prefix of a stream.
	broken []uint64
}

// SetCapacity bounds the messages in flight on from -> to (0: no bound), the way
// TigerBeetle's packet simulator bounds a path: a message sent onto a link that already
// carries capacity messages makes the link drop one of them, the new one included, chosen
// at random from the link's own stream. A dropped datagram is gone; a dropped stream chunk
// breaks its stream. Messages already in flight when the capacity is set are not counted.
// It panics on a capacity outside [0, MaxLinkCapacity].
func (n *Network) SetCapacity(from, to Endpoint, capacity int) {
	if capacity < 0 || capacity > MaxLinkCapacity {
		panic(fmt.Sprintf("netfault: SetCapacity(%d): want in [0, %d]", capacity,
			MaxLinkCapacity))
	}
	l := n.linkOf("SetCapacity", from, to)
	if l.rare == nil && capacity == 0 {
		return
	}
	if l.rare == nil {
		l.rare = &linkRare{}
	}
	l.rare.max = capacity
}

// Capacity returns the bound set by SetCapacity on from -> to (0: none).
func (n *Network) Capacity(from, to Endpoint) int {
	if c := n.linkOf("Capacity", from, to).rare; c != nil {
		return c.max
	}
	return 0
}

// ClearCapacities lifts every link's capacity and returns how many links had one.
// Messages sent under a capacity and still in flight keep their fate.
func (n *Network) ClearCapacities() int {
	lifted := 0
	for i := range n.links {
		if c := n.links[i].rare; c != nil && c.max > 0 {
			c.max = 0
			lifted++
		}
	}
	return lifted
}

// admit stamps m and records it in flight on l when l has a capacity, dropping a random
// message of the link while it is full. It reports whether m itself travels.
func (n *Network) admit(l *link, m *Message) bool {
	c := l.rare
	if c == nil || c.max == 0 {
		return true
	}
	n.seq++
	m.seq = n.seq
	for len(c.flight) >= c.max {
		n.stats.Overflowed++
		i := l.rng.IntN(len(c.flight) + 1)
		if i == len(c.flight) {
			return false
		}
		c.doomed = append(c.doomed, c.flight[i])
		c.flight = slices.Delete(c.flight, i, i+1)
	}
	c.flight = append(c.flight, m.seq)
	return true
}

// land takes a message that arrives off its link's in-flight list and reports whether an
// overflow doomed it. A message that was never counted, or arrives a second time (released
// from a clog), is not on either list.
func (l *link) land(seq uint64) (doomed bool) {
	c := l.rare
	if seq == 0 || c == nil {
		return false
	}
	if i := slices.Index(c.flight, seq); i >= 0 {
		c.flight = slices.Delete(c.flight, i, i+1)
		return false
	}
	if i := slices.Index(c.doomed, seq); i >= 0 {
		c.doomed = slices.Delete(c.doomed, i, i+1)
		return true
	}
	return false
}

// Forget tells the network that the caller discarded a delivery without passing it to
// Arrive (a chunk of a stream that is over, say), so that the link stops counting it.
func (n *Network) Forget(m Message) {
	n.linkOf("Forget", m.From, m.To).land(m.seq)
}

// ForgetStream drops what the network remembers about a broken stream on both links
// between a and b. Call it once no chunk of the stream will be passed to Arrive again
// (the caller retired the stream): the broken-stream lists then stay as short as the
// number of live streams.
func (n *Network) ForgetStream(a, b Endpoint, stream uint64) {
	for _, l := range []*link{n.linkOf("ForgetStream", a, b), n.linkOf("ForgetStream", b, a)} {
		if r := l.rare; r != nil {
			if i := slices.Index(r.broken, stream); i >= 0 {
				r.broken = slices.Delete(r.broken, i, i+1)
			}
		}
	}
}
