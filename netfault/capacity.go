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

// linkCap is the state of a link with a capacity: the messages in flight on it (sent, not
// yet arrived) in send order, and those an overflow doomed. A link never given a capacity
// has none, so the common path costs one nil check.
type linkCap struct {
	max    int
	flight []uint64
	doomed []uint64
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
	if l.cap == nil && capacity == 0 {
		return
	}
	if l.cap == nil {
		l.cap = &linkCap{}
	}
	l.cap.max = capacity
}

// Capacity returns the bound set by SetCapacity on from -> to (0: none).
func (n *Network) Capacity(from, to Endpoint) int {
	if c := n.linkOf("Capacity", from, to).cap; c != nil {
		return c.max
	}
	return 0
}

// ClearCapacities lifts every link's capacity and returns how many links had one.
// Messages sent under a capacity and still in flight keep their fate.
func (n *Network) ClearCapacities() int {
	lifted := 0
	for i := range n.links {
		if c := n.links[i].cap; c != nil && c.max > 0 {
			c.max = 0
			lifted++
		}
	}
	return lifted
}

// admit stamps m and records it in flight on l when l has a capacity, dropping a random
// message of the link while it is full. It reports whether m itself travels.
func (n *Network) admit(l *link, m *Message) bool {
	c := l.cap
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
	c := l.cap
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
		if b := l.broken; b != nil {
			if i := slices.Index(b.ids, stream); i >= 0 {
				b.ids = slices.Delete(b.ids, i, i+1)
			}
		}
	}
}
