package lockd

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// handleClient takes a client's command. Only the leader serves; it answers a command the
// session already holds the result of at once, and otherwise proposes it and answers when
// it applies. Reads (holder) go through the log too: a deposed leader cannot commit, so it
// can never answer from a stale state.
func (n *Node) handleClient(from nodeapi.NodeID, m *message) {
	reply := &message{Type: msgClientResp, Seq: m.Seq}
	switch {
	case ValidateOp(m.Op) != nil:
		reply.Status = statusInvalid
	case n.role != leader:
		reply.Status, reply.Leader = statusNotLeader, n.leader
	default:
		n.commandArrived(m)
		res, ok := n.sm.cached(m.Session, m.Seq)
		if !ok {
			n.proposeCommand(from, m)
			return
		}
		reply.Status, reply.Result = statusOK, res
	}
	n.replyToClient(from, reply)
}

// proposeCommand proposes a client's command once per leadership: a retry while the first
// copy is in flight only updates where the answer goes.
func (n *Node) proposeCommand(from nodeapi.NodeID, m *message) {
	if w, ok := n.waiters[m.Session]; ok && w.seq == m.Seq {
		n.waiters[m.Session] = waiter{seq: m.Seq, from: from}
		return
	}
	if n.lastIndex() >= uint64(n.cfg.MaxLogEntries) {
		n.env.Logf("lockd: log full (%d entries), refusing a command", n.lastIndex())
		return
	}
	n.waiters[m.Session] = waiter{seq: m.Seq, from: from}
	n.propose(Entry{Term: n.term, Session: m.Session, Seq: m.Seq, Op: m.Op})
}

// apply runs the newly committed entries through the state machine and answers the
// clients waiting on them.
func (n *Node) apply() {
	for n.applied < n.commit {
		n.applied++
		e := &n.log[n.applied-1]
		res, answers, grant, event := n.sm.apply(n.applied, e)
		if n.audit != nil {
			n.audit.applied(n, n.applied, grant)
		}
		if event != "" && n.role == leader {
			nodeapi.Reach(n.env, event) // the moment its client hears of it
		}
		if !answers {
			continue
		}
		if w, ok := n.waiters[e.Session]; ok && w.seq == e.Seq {
			delete(n.waiters, e.Session)
			n.commandServed(e.Session, e.Seq, n.applied)
			n.replyToClient(w.from, &message{Type: msgClientResp, Seq: e.Seq,
				Status: statusOK, Result: res})
		}
	}
}
