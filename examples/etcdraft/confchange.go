package etcdraft

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"go.etcd.io/raft/v3/tracker"
)

// Membership changes (nodeapi.Admin) are single-voter etcd ConfChanges proposed by the
// leader. etcd silently turns a configuration change proposed while another is unapplied
// into an empty entry, which would leave its client waiting forever; so the leader
// proposes one only when etcd is certain to accept it: no change of its own pending, and
// its first entry as leader applied (etcd counts everything in the log at election as
// possibly pending). A change that is already in effect in the applied configuration is
// answered at once, which makes the client's retries idempotent.
//
// A leader never removes itself. etcd applies a configuration when it applies its entry;
// a leader that commits its own removal steps down (StepDownOnRemoval), and a follower
// that has the entry but not yet the news of its commit still counts votes in the old
// configuration. In a two-voter cluster it then needs the removed node's vote, which that
// node refuses (its log is longer) while never campaigning itself (it is not a voter): the
// group is stuck for good (etcd-io/etcd#10563; etcd's server avoids it in the application
// layer too). So a leader asked to remove itself hands leadership to its most caught-up
// voter and tells the client to retry; the new leader removes it.

// confContext rides in ConfChange.Context: the endpoint the change is about (every node
// learns its name from it) and the request it answers.
type confContext struct {
	name   nodeapi.NodeID
	client nodeapi.NodeID
	seq    uint64
}

func encodeConfContext(c *confContext) []byte {
	e := wire.Encoder{}
	e.Str(string(c.name))
	e.Str(string(c.client))
	e.Uvarint(c.seq)
	return e.Buf
}

func decodeConfContext(p []byte) (confContext, error) {
	d := newDecoder(p)
	c := confContext{name: nodeapi.NodeID(d.Str()), client: nodeapi.NodeID(d.Str())}
	c.seq = d.Uvarint()
	return c, d.Done()
}

func (s *server) startConf(from nodeapi.NodeID, req *request) {
	n := s.n
	id := raftID(req.target)
	isVoter := slices.Contains(n.confState.GetVoters(), id)
	add := req.act == actAddVoter
	switch {
	case add == isVoter:
		s.reply(from, &response{seq: req.seq, status: statusOK})
		return
	case !add && len(n.confState.GetVoters()) == 1:
		s.reply(from, &response{seq: req.seq, status: statusFailed,
			text: "refusing to remove the last voter"})
		return
	case !add && id == n.id:
		s.transferAway()
		s.refuse(from, req.seq, statusRetry)
		return
	case s.conf != nil || n.leaderFrom == 0 || n.applied < n.leaderFrom:
		s.refuse(from, req.seq, statusRetry)
		return
	}
	ctx := confContext{name: req.target, client: from, seq: req.seq}
	typ := pb.ConfChangeType_ConfChangeRemoveNode
	if add {
		typ = pb.ConfChangeType_ConfChangeAddNode
	}
	cc := &pb.ConfChange{Type: typ.Enum(), NodeId: new(id), Context: encodeConfContext(&ctx)}
	if err := n.rn.ProposeConfChange(cc); err != nil {
		s.refuse(from, req.seq, statusRetry)
		return
	}
	n.names.learn(req.target)
	s.conf = &ctx
	n.pump()
}

// confApplied answers the client of a configuration change this node applied, if it waits
// here.
func (s *server) confApplied(ctx *confContext) {
	if p := s.conf; p != nil && *p == *ctx {
		s.conf = nil
		s.reply(ctx.client, &response{seq: ctx.seq, status: statusOK})
	}
}

func (s *server) lostConf() {
	if p := s.conf; p != nil {
		s.conf = nil
		s.refuse(p.client, p.seq, statusNotLeader)
	}
}

// transferAway asks etcd to hand leadership to the voter whose log matches the leader's
// furthest (the first such in ID order): it can take over soonest.
func (s *server) transferAway() {
	n := s.n
	var best, bestMatch uint64
	n.rn.WithProgress(func(id uint64, typ raft.ProgressType, pr tracker.Progress) {
		if id != n.id && typ == raft.ProgressTypePeer && (best == 0 || pr.Match > bestMatch) {
			best, bestMatch = id, pr.Match
		}
	})
	if best != 0 {
		n.rn.TransferLeader(best)
		n.pump()
	}
}
