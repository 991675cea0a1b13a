package register

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// onPrimaryMessage takes a prepare, a whole state or a heartbeat from the primary of a view.
// A message of an earlier view is answered with this server's view, which deposes its
// sender; a later view is adopted.
func (n *Node) onPrimaryMessage(from nodeapi.NodeID, m *message) {
	if m.View < n.view {
		n.send(from, &message{Type: msgAck, View: n.view})
		return
	}
	if m.View > n.view || n.role == candidate {
		n.adoptView(m.View)
	}
	if n.role == primary {
		return // another primary of this view cannot exist; the invariants say so
	}
	n.primary, n.idle = from, 0
	n.votes = nil // a primary is alive: a pre-vote or vote begun before is over
	switch m.Type {
	case msgState:
		n.install(m)
	case msgPrepare:
		n.applyPrepare(m)
	case msgHeartbeat:
		if n.label != n.view || n.version < m.Version {
			n.needState()
		} else {
			n.ackDurable()
		}
	}
}

// install replaces the state by the primary's, unless this server already holds it.
func (n *Node) install(m *message) {
	if n.label == m.View && n.version >= m.Version {
		n.ackDurable()
		return
	}
	st, err := stateFromBytes(m.State)
	if err != nil {
		return
	}
	n.st, n.label, n.version = st, m.View, m.Version
	nodeapi.Reach(n.env, EventStateInstall)
	n.audit.holds(n)
	n.persist()
}

// applyPrepare applies the primary's next operation on top of the version before it; a
// duplicate is acked again, a gap asks for the whole state.
func (n *Node) applyPrepare(m *message) {
	switch {
	case n.label == m.View && m.Version == n.version+1 && n.st.validOp(m.Op, n.cfg):
		n.st.apply(m.Session, m.Seq, m.Version, m.Op, n.cfg)
		n.version = m.Version
		n.audit.holds(n)
		n.persist()
	case n.label == m.View && m.Version <= n.version:
		n.ackDurable()
	default:
		n.needState()
	}
}

// ackDurable tells the primary which state of its view this server holds durably; acks
// leave after every Sync too (see synced).
func (n *Node) ackDurable() {
	if n.primary == "" {
		return
	}
	if n.durable.label != n.view {
		if n.label != n.view {
			n.needState()
		}
		return
	}
	n.send(n.primary, &message{Type: msgAck, View: n.view, Label: n.durable.label,
		Version: n.durable.version})
}

func (n *Node) needState() {
	n.send(n.primary, &message{Type: msgAck, View: n.view, Label: n.durable.label,
		Version: n.durable.version, Need: true})
}
