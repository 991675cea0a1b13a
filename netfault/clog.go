package netfault

// Clogs hold messages at arrival instead of dropping them: a clogged endpoint or link is
// slow, not cut. Held messages wait in one slice in arrival order; an unclog releases, in
// that order, every held message that no remaining clog blocks. Messages on one link are
// blocked by the same three flags, so a link's held messages leave together and in order.

// Clog holds every message to or from e, at arrival, until Unclog(e) (or UnclogAll).
func (n *Network) Clog(e Endpoint) {
	n.mustKnow("Clog", e)
	n.clogged[e] = true
}

// ClogLink holds every message on the direction from -> to, at arrival, until UnclogLink
// (or UnclogAll).
func (n *Network) ClogLink(from, to Endpoint) {
	n.linkOf("ClogLink", from, to).clogged = true
}

// Clogged reports whether a message from -> to arriving now would be held.
func (n *Network) Clogged(from, to Endpoint) bool {
	return n.blocked(n.linkOf("Clogged", from, to), from, to)
}

// Unclog lifts the clog on e and appends the held messages that may now move to out, in the
// order they were held, each due at now. Messages still blocked by another clog stay held.
//
// A released message has been checked against clogs only: pass each delivery to Arrive when
// it falls due, exactly like a delivery from Send, so that a partition made while it was
// held still drops it. To keep a FIFO link's order, process the released deliveries before
// any other delivery on the same link that falls due at the same instant; the world's
// (time, sequence) order does this unless such a delivery was already queued at now.
func (n *Network) Unclog(now int64, e Endpoint, out []Delivery) []Delivery {
	n.mustKnow("Unclog", e)
	n.clogged[e] = false
	return n.release(now, out)
}

// UnclogLink lifts the clog on from -> to and releases held messages as Unclog does.
func (n *Network) UnclogLink(now int64, from, to Endpoint, out []Delivery) []Delivery {
	n.linkOf("UnclogLink", from, to).clogged = false
	return n.release(now, out)
}

// UnclogAll lifts every endpoint and link clog and releases every held message, in held
// order, due at now. The harness calls it when a run enters its quiet liveness phase.
func (n *Network) UnclogAll(now int64, out []Delivery) []Delivery {
	clear(n.clogged)
	for i := range n.links {
		n.links[i].clogged = false
	}
	return n.release(now, out)
}

// HeldCount returns how many messages the network is holding.
func (n *Network) HeldCount() int { return len(n.held) }

// DropHeld discards every held message to or from e (e crashed) and returns how many. A
// discarded stream chunk breaks its stream, so later chunks of it are dropped at arrival.
func (n *Network) DropHeld(e Endpoint) int {
	n.mustKnow("DropHeld", e)
	kept := n.held[:0]
	dropped := 0
	for _, m := range n.held {
		if m.From != e && m.To != e {
			kept = append(kept, m)
			continue
		}
		dropped++
		if m.Stream != 0 {
			n.links[n.index(m.From, m.To)].breakStream(m.Stream)
		}
	}
	n.shrinkHeld(kept)
	n.stats.DroppedHeld += uint64(dropped)
	return dropped
}

// release moves every held message no clog blocks into out, due at now, keeping the rest
// in their order.
func (n *Network) release(now int64, out []Delivery) []Delivery {
	kept := n.held[:0]
	for _, m := range n.held {
		if n.blocked(&n.links[n.index(m.From, m.To)], m.From, m.To) {
			kept = append(kept, m)
			continue
		}
		out = append(out, Delivery{At: now, Msg: m})
		n.stats.Released++
	}
	n.shrinkHeld(kept)
	return out
}

// shrinkHeld installs kept (a prefix of held's array) and clears the tail so released
// payloads can be collected.
func (n *Network) shrinkHeld(kept []Message) {
	clear(n.held[len(kept):])
	n.held = kept
}

// blocked reports whether a clog stops a message on l (from -> to) now.
func (n *Network) blocked(l *link, from, to Endpoint) bool {
	return l.clogged || n.clogged[from] || n.clogged[to]
}

// index is the position of from -> to in links; both must be laid out, as the endpoints of
// any message the network has seen are (it went through linkOf).
func (n *Network) index(from, to Endpoint) int { return int(from)*n.stride + int(to) }
