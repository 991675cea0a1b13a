package etcdraft

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

// storage is the raft.Storage etcd reads: the node's MemoryStorage (a mirror of its
// write-ahead log), except that Snapshot returns the node's applied state as of now.
//
// etcd sends a lagging follower whatever Storage.Snapshot returns, and a follower refuses a
// snapshot whose configuration does not include it. A voter added since the last stored
// snapshot (every spare, whose join always needs a snapshot) would be refused until the
// next compaction, while the leader resends it on every acknowledgement. So, as etcd's own
// server does when it sends one, the leader snapshots its applied state on demand; the
// log is not compacted for it (that stays with maybeSnapshot), and the stored snapshot,
// the one a restart recovers, is unchanged.
type storage struct {
	*raft.MemoryStorage
	n *Node
}

// Snapshot implements raft.Storage.
func (s storage) Snapshot() (*pb.Snapshot, error) {
	stored, err := s.MemoryStorage.Snapshot()
	n := s.n
	if err != nil || n.applied <= stored.GetMetadata().GetIndex() {
		return stored, err
	}
	term, err := s.MemoryStorage.Term(n.applied)
	if err != nil {
		return stored, nil
	}
	return &pb.Snapshot{Data: n.snapshotData(), Metadata: &pb.SnapshotMetadata{
		Index: new(n.applied), Term: new(term), ConfState: cloneConf(n.confState),
	}}, nil
}

// snapshotData encodes the applied state machine and the name registry.
func (n *Node) snapshotData() []byte {
	e := wire.Encoder{}
	n.kv.encode(&e, n.names)
	return e.Buf
}

func cloneConf(cs *pb.ConfState) *pb.ConfState {
	return pb.EnsureConfState(&pb.ConfState{
		Voters:         append([]uint64(nil), cs.GetVoters()...),
		Learners:       append([]uint64(nil), cs.GetLearners()...),
		VotersOutgoing: append([]uint64(nil), cs.GetVotersOutgoing()...),
		LearnersNext:   append([]uint64(nil), cs.GetLearnersNext()...),
		AutoLeave:      new(cs.GetAutoLeave()),
	})
}
