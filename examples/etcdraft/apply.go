package etcdraft

import (
	"fmt"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// applyEntries applies committed entries in order: client writes to the key-value store
// (once per client sequence number), configuration changes to etcd, and answers the
// clients waiting for them here.
func (n *Node) applyEntries(ents []*pb.Entry) {
	for _, e := range ents {
		if e.GetIndex() != n.applied+1 {
			panic(fmt.Sprintf("etcdraft %s: committed entry %d handed out after %d applied",
				n.env.ID(), e.GetIndex(), n.applied))
		}
		switch e.GetType() {
		case pb.EntryType_EntryNormal:
			n.applyNormal(e)
		case pb.EntryType_EntryConfChange:
			n.applyConfChange(e)
		default:
			// This store proposes single changes only (ConfChange, never ConfChangeV2).
			panic(fmt.Sprintf("etcdraft %s: committed entry %d of unexpected type %v",
				n.env.ID(), e.GetIndex(), e.GetType()))
		}
		n.applied = e.GetIndex()
		n.chk.noteApplied(e)
	}
}

func (n *Node) applyNormal(e *pb.Entry) {
	if len(e.GetData()) == 0 {
		return // a new leader's empty entry
	}
	cmd, err := decodeCommand(e.GetData())
	if err != nil {
		// Entries are checksummed on disk and on the wire: this is a bug, not bad luck.
		panic(fmt.Sprintf("etcdraft %s: committed entry %d does not decode: %v",
			n.env.ID(), e.GetIndex(), err))
	}
	res := n.kv.apply(&cmd)
	n.srv.writeApplied(&cmd, res)
}

func (n *Node) applyConfChange(e *pb.Entry) {
	var cc pb.ConfChange
	if err := proto.Unmarshal(e.GetData(), &cc); err != nil {
		panic(fmt.Sprintf("etcdraft %s: committed configuration change %d does not decode: %v",
			n.env.ID(), e.GetIndex(), err))
	}
	ctx, err := decodeConfContext(cc.GetContext())
	if err == nil {
		n.names.learn(ctx.name)
	}
	n.confState = n.rn.ApplyConfChange(&cc)
	n.reached(EventConfApply)
	if err == nil {
		n.srv.confApplied(&ctx) // before observe: a removed leader steps down there
	}
	n.observe(nil)
}

// installSnapshot persists and restores a snapshot the leader sent: the state machine is
// replaced, the log restarts after it, and a new write-ahead log segment holds it together
// with the Ready's entries and hard state.
func (n *Node) installSnapshot(rd *raft.Ready) error {
	snap := rd.Snapshot
	kv, ns, err := decodeKV(snap.GetData())
	if err != nil {
		return fmt.Errorf("snapshot from the leader: %w", err)
	}
	if err := n.storage.ApplySnapshot(snap); err != nil {
		return err
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return err
	}
	if rd.HardState != nil {
		n.hs = rd.HardState
		_ = n.storage.SetHardState(rd.HardState)
	}
	n.kv = kv
	for _, name := range ns.sorted() {
		n.names.learn(name)
	}
	md := snap.GetMetadata()
	n.confState = proto.Clone(md.GetConfState()).(*pb.ConfState)
	n.applied, n.snapIndex = md.GetIndex(), md.GetIndex()
	n.stats.SnapshotsInstalled++
	n.chk.installed(md.GetIndex(), md.GetTerm())
	return n.rewrite()
}

// maybeSnapshot snapshots the state machine once SnapshotEntries entries have been applied
// since the last snapshot, compacts the log up to it, and starts a new write-ahead log
// segment (the old ones go once it is synced). Leaders keep no extra entries for slow
// followers: those get the snapshot, which keeps that path busy under test.
func (n *Node) maybeSnapshot() {
	if n.busy || n.applied < n.snapIndex+n.cfg.SnapshotEntries {
		return
	}
	_, err := n.storage.CreateSnapshot(n.applied, n.confState, n.snapshotData())
	n.must(err)
	n.must(n.storage.Compact(n.applied))
	n.snapIndex = n.applied
	n.stats.SnapshotsTaken++
	n.must(n.rewrite())
	n.syncThen(func() {})
}
