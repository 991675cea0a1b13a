package register

import (
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// onRequest takes a client's operation. Only the primary orders operations; the others
// answer with the primary they know of. A retried operation is answered from its session,
// once the version it got is committed, and never applied again.
func (n *Node) onRequest(from nodeapi.NodeID, m *message) {
	if n.role != primary {
		n.send(from, &message{Type: msgReply, Seq: m.Seq, Status: statusNotPrimary,
			Primary: n.primary})
		return
	}
	last, known := n.st.sessions[m.Session]
	switch {
	case known && m.Seq < last.Seq:
		return // an old retry: the client has moved on
	case known && m.Seq == last.Seq:
		nodeapi.Reach(n.env, EventDuplicate)
		n.answer(last.Version, waiter{client: from, seq: m.Seq, result: last.Result})
		return
	case !n.st.validOp(m.Op, n.cfg):
		n.send(from, &message{Type: msgReply, Seq: m.Seq, Status: statusRefused})
		return
	case len(n.waiting) >= n.cfg.MaxPending:
		return // overloaded: the client will retry
	}
	n.version++
	res := n.st.apply(m.Session, m.Seq, n.version, m.Op, n.cfg)
	n.digests[n.version] = n.st.digest()
	n.persist()
	n.answer(n.version, waiter{client: from, seq: m.Seq, result: res})
	prep := message{Type: msgPrepare, View: n.view, Version: n.version, Session: m.Session,
		Seq: m.Seq, Op: m.Op}
	for _, p := range n.others() {
		n.send(p, &prep)
	}
}

// answer replies to w now if version is committed, or once it is.
func (n *Node) answer(version uint64, w waiter) {
	if version <= n.commit {
		n.reply(w)
		return
	}
	n.waiting[version] = w
}

func (n *Node) reply(w waiter) {
	n.send(w.client, &message{Type: msgReply, Seq: w.seq, Status: statusOK, Result: w.result})
}

// heartbeat tells every backup the view and the primary's version; a backup that is behind
// asks for the state.
func (n *Node) heartbeat() {
	hb := message{Type: msgHeartbeat, View: n.view, Version: n.version}
	for _, p := range n.others() {
		n.send(p, &hb)
	}
}

// sendState sends the whole state to a backup.
func (n *Node) sendState(to nodeapi.NodeID) {
	n.send(to, &message{Type: msgState, View: n.view, Version: n.version, State: n.st.bytes()})
}

// onAck takes a backup's report of its durable state. An ack from a later view deposes this
// server; an ack of a state of this view counts towards committing.
func (n *Node) onAck(from nodeapi.NodeID, m *message) {
	if m.View > n.view {
		n.adoptView(m.View)
		return
	}
	if n.role != primary || m.View < n.view {
		return
	}
	if m.Label == n.view && m.Version > n.acked[from] {
		n.acked[from] = m.Version
		n.advanceCommit()
	}
	if m.Need {
		n.sendState(from)
	}
}

// advanceCommit moves the committed version to the highest one durable on a majority in
// this view (this server counts once its own labelled state is synced), and answers the
// clients waiting for it.
func (n *Node) advanceCommit() {
	var own uint64
	if n.durable.label == n.view {
		own = n.durable.version
	}
	have := []uint64{own}
	for _, p := range n.others() {
		have = append(have, n.acked[p])
	}
	slices.Sort(have)
	slices.Reverse(have)
	c := have[n.majority()-1]
	if n.cfg.AckBeforeBackup {
		c = max(c, own) // the planted bug: this server's own Sync is enough
	}
	if c <= n.commit {
		return
	}
	n.commit = c
	for _, v := range slices.Sorted(maps.Keys(n.digests)) {
		if v <= c {
			n.audit.committed(n, v, n.digests[v])
			delete(n.digests, v)
		}
	}
	for _, v := range slices.Sorted(maps.Keys(n.waiting)) {
		if v <= c {
			n.reply(n.waiting[v])
			delete(n.waiting, v)
		}
	}
}
