package etcdraft

import (
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"go.etcd.io/raft/v3"
)

// server answers clients. Only the leader serves: a follower answers "not leader" with its
// leader as a hint. Writes are proposed and answered when this node applies them;
// reads go through etcd's ReadIndex and are answered once the node has applied up to the
// read index; membership changes are in confchange.go. Every pending request is bounded
// (Config.MaxPending) and answered "not leader" when the node loses leadership, so that
// clients move on without waiting out their attempt timeout.
type server struct {
	n      *Node
	writes map[writeKey]struct{}
	// reads awaiting their read index, by request number; ready awaits the apply.
	reads map[uint64]*pendingRead
	ready []*pendingRead
	// conf is the configuration change this leader proposed and has not applied yet.
	conf *confContext
	// readNonce tells this incarnation's read contexts from an earlier one's.
	readNonce, readSeq uint64
}

// writeKey names a pending write: the client's session and the write's sequence number.
type writeKey struct {
	session sessionKey
	seq     uint64
}

type pendingRead struct {
	client nodeapi.NodeID
	seq    uint64
	key    string
	index  uint64
}

func (s *server) init(n *Node) {
	s.n = n
	s.writes = map[writeKey]struct{}{}
	s.reads = map[uint64]*pendingRead{}
	s.readNonce = n.env.Rand().Uint64()
}

func (s *server) reply(to nodeapi.NodeID, r *response) { s.n.env.Send(to, encodeResponse(r)) }

// refuse tells a client to look elsewhere (not the leader) or to come back later.
func (s *server) refuse(to nodeapi.NodeID, seq uint64, st status) {
	s.reply(to, &response{seq: seq, status: st, leader: s.n.names.name(s.n.lead)})
}

func (s *server) handle(from nodeapi.NodeID, req *request) {
	n := s.n
	if n.state != raft.StateLeader {
		s.refuse(from, req.seq, statusNotLeader)
		return
	}
	switch {
	case req.act != actOp:
		s.startConf(from, req)
	case req.op.Kind == kvop.Get:
		s.startRead(from, req)
	default:
		s.startWrite(from, req)
	}
}

func (s *server) startWrite(from nodeapi.NodeID, req *request) {
	key := writeKey{session: sessionKey{client: from, nonce: req.nonce}, seq: req.seq}
	if res, ok := s.n.kv.applied(key.session, key.seq); ok {
		s.reply(from, &response{seq: req.seq, status: statusOK, result: res})
		return
	}
	if _, ok := s.writes[key]; ok {
		return // proposed already; the answer comes when it applies
	}
	if len(s.writes) >= s.n.cfg.MaxPending {
		s.refuse(from, req.seq, statusRetry)
		return
	}
	cmd := command{key: key.session, seq: req.seq, op: req.op}
	if err := s.n.rn.Propose(encodeCommand(&cmd)); err != nil {
		s.refuse(from, req.seq, statusRetry)
		return
	}
	s.writes[key] = struct{}{}
	s.n.pump()
}

// writeApplied answers the client of a write this node applied, if it waits here.
func (s *server) writeApplied(c *command, res nodeapi.Result) {
	key := writeKey{session: c.key, seq: c.seq}
	if _, ok := s.writes[key]; ok {
		delete(s.writes, key)
		s.reply(c.key.client, &response{seq: c.seq, status: statusOK, result: res})
	}
}

func (s *server) startRead(from nodeapi.NodeID, req *request) {
	if len(s.reads)+len(s.ready) >= s.n.cfg.MaxPending {
		s.refuse(from, req.seq, statusRetry)
		return
	}
	nodeapi.Arrive(s.n.env, readRequest(from, req.seq))
	s.readSeq++
	s.reads[s.readSeq] = &pendingRead{client: from, seq: req.seq, key: req.op.Key}
	ctx := binary.LittleEndian.AppendUint64(nil, s.readNonce)
	s.n.rn.ReadIndex(binary.LittleEndian.AppendUint64(ctx, s.readSeq))
	s.n.pump()
}

// readStates moves reads whose read index etcd confirmed to the apply queue.
func (s *server) readStates(states []raft.ReadState) {
	for _, rs := range states {
		ctx := rs.RequestCtx
		if len(ctx) != 16 || binary.LittleEndian.Uint64(ctx) != s.readNonce {
			continue
		}
		seq := binary.LittleEndian.Uint64(ctx[8:])
		if r, ok := s.reads[seq]; ok {
			delete(s.reads, seq)
			r.index = rs.Index
			s.ready = append(s.ready, r)
		}
	}
}

// serveReads answers the reads whose read index this node has applied: the state then
// reflects every write that completed before the read began. It also waits until the
// leader has applied its first entry of the term: etcd answers a lone voter's ReadIndex
// with its commit index at once, and after a restart that index can be older than
// entries the node committed and acknowledged before it crashed (BUGS.md, 3).
func (s *server) serveReads() {
	kept := s.ready[:0]
	for _, r := range s.ready {
		if r.index > s.n.applied || s.n.leaderFrom == 0 || s.n.applied < s.n.leaderFrom {
			kept = append(kept, r)
			continue
		}
		nodeapi.Serve(s.n.env, nodeapi.Serving{Request: readRequest(r.client, r.seq),
			Index: s.n.applied})
		s.reply(r.client, &response{seq: r.seq, status: statusOK, result: s.n.kv.read(r.key)})
	}
	clear(s.ready[len(kept):])
	s.ready = kept
}

// lostLeadership answers every pending request "not leader", in a fixed order. A write
// may still commit; its client's retry finds the result through the session table.
func (s *server) lostLeadership() {
	writes := make([]writeKey, 0, len(s.writes))
	for k := range s.writes {
		writes = append(writes, k)
	}
	slices.SortFunc(writes, func(a, b writeKey) int {
		return cmp.Or(cmp.Compare(a.session.client, b.session.client),
			cmp.Compare(a.session.nonce, b.session.nonce), cmp.Compare(a.seq, b.seq))
	})
	for _, k := range writes {
		s.refuse(k.session.client, k.seq, statusNotLeader)
	}
	clear(s.writes)
	seqs := make([]uint64, 0, len(s.reads))
	for seq := range s.reads {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	for _, seq := range seqs {
		s.refuse(s.reads[seq].client, s.reads[seq].seq, statusNotLeader)
	}
	clear(s.reads)
	s.lostConf()
}
