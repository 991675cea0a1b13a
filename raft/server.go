package raft

import (
	"cmp"
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// pendingWrite is a client write a leader appended and will answer once it applies.
type pendingWrite struct {
	client nodeapi.NodeID
	key    sessionKey
	seq    uint64
}

// pendingAdmin is a membership change a leader appended and will answer once it applies.
type pendingAdmin struct {
	client nodeapi.NodeID
	seq    uint64
}

// serverState is the client-facing bookkeeping of a node: requests waiting for their entry
// to apply (by log index) and confirmed reads waiting for the state machine to catch up.
type serverState struct {
	writes map[uint64]pendingWrite
	admins map[uint64]pendingAdmin
	reads  []readRequest
}

func (s *serverState) init() {
	s.writes = map[uint64]pendingWrite{}
	s.admins = map[uint64]pendingAdmin{}
}

// handleClient serves a client or admin request; servers ignore response types.
func (n *Node) handleClient(from nodeapi.NodeID, m *message) {
	switch {
	case m.Type == msgClientReq && isWrite(m.Op):
		n.proposeWrite(from, m)
	case m.Type == msgClientReq:
		n.startRead(from, m)
	case m.Type == msgAdminReq:
		n.proposeAdmin(from, m)
	default:
		n.stats.DroppedMessages++
	}
}

func (n *Node) reply(to nodeapi.NodeID, seq uint64, st status, res nodeapi.Result) {
	m := &message{Type: msgClientResp, Seq: seq, Status: st, Leader: n.r.lead, Result: res}
	if !n.lateReply(to, m) {
		n.send(to, m)
	}
}

func (n *Node) replyAdmin(to nodeapi.NodeID, seq uint64, st status, text string) {
	n.send(to, &message{Type: msgAdminResp, Seq: seq, Status: st, Leader: n.r.lead,
		Text: text})
}

// proposeWrite appends a client write, unless the session shows it already applied (then the
// cached result is the answer) or this node cannot take it.
func (n *Node) proposeWrite(from nodeapi.NodeID, m *message) {
	if n.r.role != Leader {
		n.reply(from, m.Seq, statusNotLeader, nodeapi.Result{})
		return
	}
	cmd := command{key: sessionKey{client: from, nonce: m.Nonce}, seq: m.Seq, op: m.Op}
	if res, dup, s := n.kv.dedup(&cmd); dup {
		if s.seq == cmd.seq {
			n.reply(from, m.Seq, statusOK, res)
		}
		return // an older request: its client has moved on
	}
	if len(n.server.writes) >= n.cfg.MaxPendingProposals {
		n.reply(from, m.Seq, statusRetry, nodeapi.Result{})
		return
	}
	index, st := n.r.Propose(encodeCommand(&cmd))
	if st != statusOK {
		n.reply(from, m.Seq, st, nodeapi.Result{})
		return
	}
	if old, ok := n.server.writes[index]; ok {
		n.reply(old.client, old.seq, statusRetry, nodeapi.Result{})
	}
	n.server.writes[index] = pendingWrite{client: from, key: cmd.key, seq: cmd.seq}
}

// startRead hands a get to the core's ReadIndex.
func (n *Node) startRead(from nodeapi.NodeID, m *message) {
	n.readArrived(from, m.Seq)
	st := n.r.ReadIndex(readCtx{client: from, seq: m.Seq, key: m.Op.Key})
	if st != statusOK {
		n.reply(from, m.Seq, st, nodeapi.Result{})
	}
}

func (n *Node) proposeAdmin(from nodeapi.NodeID, m *message) {
	if m.Target == "" {
		n.replyAdmin(from, m.Seq, statusFailed, "empty node id")
		return
	}
	if m.Action == adminTransfer {
		st, text := n.r.TransferLeadership(m.Target)
		n.replyAdmin(from, m.Seq, st, text)
		return
	}
	index, st, text := n.r.ProposeConfChange(m.Target, m.Action == adminAdd)
	if st == statusOK && index > 0 {
		n.server.admins[index] = pendingAdmin{client: from, seq: m.Seq}
		return
	}
	n.replyAdmin(from, m.Seq, st, text)
}

// settle answers the requests waiting for entry ent, which has just been applied (cmd and
// res for a command). A client hears success only if the committed entry is its own request;
// if another entry took the index, it is told to retry.
func (s *serverState) settle(n *Node, ent *Entry, cmd *command, res *nodeapi.Result) {
	if len(s.writes) > 0 {
		if w, ok := s.writes[ent.Index]; ok {
			delete(s.writes, ent.Index)
			if cmd != nil && cmd.key == w.key && cmd.seq == w.seq {
				n.reply(w.client, w.seq, statusOK, *res)
			} else {
				n.reply(w.client, w.seq, statusRetry, nodeapi.Result{})
			}
		}
	}
	if len(s.admins) > 0 {
		if a, ok := s.admins[ent.Index]; ok {
			delete(s.admins, ent.Index)
			if ent.Type == entryConfig {
				n.replyAdmin(a.client, a.seq, statusOK, "")
			} else {
				n.replyAdmin(a.client, a.seq, statusRetry, "configuration entry was replaced")
			}
		}
	}
}

// dropBelow tells every request waiting for an index the node skipped (by installing a
// snapshot) to retry, in index order.
func (s *serverState) dropBelow(n *Node, index uint64) {
	for _, i := range sortedKeys(s.writes) {
		if w := s.writes[i]; i <= index {
			delete(s.writes, i)
			n.reply(w.client, w.seq, statusRetry, nodeapi.Result{})
		}
	}
	for _, i := range sortedKeys(s.admins) {
		if a := s.admins[i]; i <= index {
			delete(s.admins, i)
			n.replyAdmin(a.client, a.seq, statusRetry, "")
		}
	}
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K { return slices.Sorted(maps.Keys(m)) }

// serveReads answers confirmed reads whose read index the state machine has reached.
func (s *serverState) serveReads(n *Node) {
	if len(s.reads) == 0 && len(n.r.readyReads) == 0 {
		return // the common case: it runs after every input
	}
	s.reads = append(s.reads, n.r.readyReads...)
	n.r.readyReads = n.r.readyReads[:0]
	kept := s.reads[:0]
	for _, rd := range s.reads {
		if rd.index <= n.applied {
			n.readServed(rd.ctx.client, rd.ctx.seq)
			n.reply(rd.ctx.client, rd.ctx.seq, statusOK, n.kv.read(rd.ctx.key))
		} else {
			kept = append(kept, rd)
		}
	}
	clear(s.reads[len(kept):])
	s.reads = kept
}

// answerDroppedReads tells the clients of reads a former leader gave up to look elsewhere.
func (n *Node) answerDroppedReads() {
	for _, ctx := range n.r.droppedReads {
		n.reply(ctx.client, ctx.seq, statusNotLeader, nodeapi.Result{})
	}
	n.r.droppedReads = n.r.droppedReads[:0]
}
