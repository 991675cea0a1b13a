package etcdraft

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// Node is one replica: an etcd/raft RawNode over a MemoryStorage that mirrors the node's
// write-ahead log, driven through etcd's Ready contract (ready.go), with a deterministic
// election timer (election.go), the key-value state machine (kv.go, apply.go) and the
// client-facing server (server.go, confchange.go).
type Node struct {
	env     nodeapi.Env
	cfg     *Config
	id      uint64
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	wal     wal
	kv      *kvStore
	names   names
	// confState is the configuration as of applied, for the snapshots this node takes.
	confState *pb.ConfState
	// hs is the hard state last written to the write-ahead log.
	hs                 *pb.HardState
	applied, snapIndex uint64

	// The RawNode's role as last observed (observe); the election timer and the harness's
	// leader queries read these.
	term, vote, lead uint64
	state            raft.StateType
	// leaderFrom is the index of this node's first entry as leader of term (0 until seen).
	leaderFrom uint64

	// busy is set while a Ready is being persisted: etcd allows one outstanding Ready.
	busy bool
	// superseded are segments a rotation replaced, removed after the next successful sync.
	superseded []uint64
	// diskGen counts failed syncs; see syncThen.
	diskGen   uint64
	stopped   bool
	elections elections
	srv       server
	chk       checkState
	stats     Stats
}

// Stats counts what a node did, for tests and reports: Readies handled, syncs requested
// and failed, snapshots taken and installed, datagrams dropped (checksum or decoding
// failures), campaigns started by the election timer and leases it ended.
type Stats struct {
	Readies, Syncs, SyncFailures, SnapshotsTaken, SnapshotsInstalled uint64
	DroppedFrames, Campaigns, LeasesExpired                          uint64
}

var _ nodeapi.Stopper = (*Node)(nil)

// newNode recovers node env.ID() from its disk, or bootstraps it, and starts it.
func newNode(env nodeapi.Env, boot nodeapi.Boot, cfg *Config) (*Node, error) {
	st, err := recoverDisk(env.Disk())
	if err != nil {
		return nil, err
	}
	n := &Node{env: env, cfg: cfg, id: raftID(env.ID()), wal: wal{disk: env.Disk()}}
	n.chk.n = n
	n.chk.recovered(st)
	if st.snap == nil && len(st.ents) == 0 && len(boot.Peers) > 0 {
		if st, err = bootstrapState(boot.Peers); err != nil {
			return nil, err
		}
	}
	n.hs, n.applied, n.snapIndex = st.hs, st.snapIndex(), st.snapIndex()
	if err := n.loadState(st, boot.Peers); err != nil {
		return nil, err
	}
	store := storage{MemoryStorage: n.storage, n: n}
	rn, err := raft.NewRawNode(cfg.raftConfig(n.id, store, n.applied, logger{env}))
	if err != nil {
		return nil, err
	}
	n.rn = rn
	n.srv.init(n)
	n.elections.init(n)
	// A node starts a new segment: a torn tail of the last one must not be appended to.
	if err := n.rewrite(); err != nil {
		return nil, err
	}
	n.observe(nil)
	n.elections.reset()
	n.pump() // re-apply the committed entries after the snapshot
	return n, nil
}

// loadState fills the storage, the state machine and the name registry from st.
func (n *Node) loadState(st *durableState, peers []nodeapi.NodeID) error {
	n.kv, n.names, n.confState = newKVStore(), names{}, pb.EnsureConfState(nil)
	if st.snap != nil {
		kv, ns, err := decodeKV(st.snap.GetData())
		if err != nil {
			return st.snapAt.corrupt(err)
		}
		n.kv, n.names = kv, ns
		n.confState = proto.Clone(st.snap.GetMetadata().GetConfState()).(*pb.ConfState)
	}
	for _, p := range peers {
		n.names.learn(p)
	}
	n.names.learn(n.env.ID())
	learnConfNames(n.names, st.ents)
	n.storage = raft.NewMemoryStorage()
	if st.snap != nil {
		if err := n.storage.ApplySnapshot(st.snap); err != nil {
			return err
		}
	}
	if err := n.storage.Append(st.ents); err != nil {
		return err
	}
	return n.storage.SetHardState(st.hs)
}

// HandleMessage delivers a datagram: a peer's raft message or a client's request.
func (n *Node) HandleMessage(from nodeapi.NodeID, msg []byte) {
	if n.stopped {
		return
	}
	kind, payload, err := unframe(msg)
	if err != nil {
		n.stats.DroppedFrames++
		return
	}
	switch kind {
	case frameRaft:
		n.handleRaft(from, payload)
	case frameRequest:
		req, err := decodeRequest(payload)
		if err != nil {
			n.stats.DroppedFrames++
			return
		}
		n.srv.handle(from, &req)
	default:
		n.stats.DroppedFrames++
	}
}

func (n *Node) handleRaft(from nodeapi.NodeID, payload []byte) {
	m := &pb.Message{}
	if err := proto.Unmarshal(payload, m); err != nil || m.GetTo() != n.id ||
		m.GetFrom() != raftID(from) {
		n.stats.DroppedFrames++
		return
	}
	n.names.learn(from)
	if n.cfg.TraceMessages {
		n.env.Logf("recv %s", raft.DescribeMessage(m, describeEntry))
	}
	// Step refuses local message types and responses from unknown peers; either way the
	// message is dropped, as the network might have done.
	_ = n.rn.Step(m)
	n.observe(m)
	n.pump()
}

// Stop ends the node gracefully: nothing of it runs afterwards. A leader first hands its
// leadership to its most caught-up voter (MsgTimeoutNow, when that voter's log is
// complete), as etcd's server does on shutdown, so the cluster does not wait out an
// election timeout.
func (n *Node) Stop() {
	if n.state == raft.StateLeader {
		n.srv.transferAway()
	}
	n.stopped = true
	n.elections.stop()
}

// Stats returns the node's counters.
func (n *Node) Stats() Stats { return n.stats }
