package etcdraft_test

import (
	"io"
	"log"
	"strings"
	"testing"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

// Standalone reproductions of the etcd/raft bugs in BUGS.md. They use etcd/raft and the
// standard library only, and assert the faulty behaviour: when a release fixes it, the
// test fails and BUGS.md needs updating.

var quiet = &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}

// zeroSizeConfig is a single voter with MaxSizePerMsg 0 ("at most one entry per message")
// and MaxCommittedSizePerReady left unset, which etcd then defaults to MaxSizePerMsg.
func zeroSizeConfig(st raft.Storage, applied uint64) *raft.Config {
	return &raft.Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1, Storage: st,
		Applied: applied, MaxSizePerMsg: 0, MaxInflightMsgs: 16, Logger: quiet}
}

// handle runs Ready/Advance until there is no more work and returns how many committed
// entries etcd handed out for application.
func handle(rn *raft.RawNode, st *raft.MemoryStorage) (committed int) {
	for range 100 {
		if !rn.HasReady() {
			break
		}
		rd := rn.Ready()
		if err := st.Append(rd.Entries); err != nil {
			panic(err)
		}
		if rd.HardState != nil {
			_ = st.SetHardState(rd.HardState)
		}
		committed += len(rd.CommittedEntries)
		rn.Advance(rd)
	}
	return committed
}

// Bug 1a: a node that starts from a snapshot (etcd's recommended bootstrap, and every
// restart) never hands out a committed entry: the commit index advances, applied stays.
func TestEtcdBugZeroMaxSizePerMsgStallsApplication(t *testing.T) {
	st := raft.NewMemoryStorage()
	cs := pb.EnsureConfState(&pb.ConfState{Voters: []uint64{1}})
	snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: new(uint64(1)),
		Term: new(uint64(1)), ConfState: cs}}
	if err := st.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	rn, err := raft.NewRawNode(zeroSizeConfig(st, 1))
	if err != nil {
		t.Fatal(err)
	}
	_ = rn.Campaign()
	handed := handle(rn, st)
	for range 3 {
		_ = rn.Propose([]byte("x"))
		handed += handle(rn, st)
	}
	status := rn.Status()
	if handed != 0 || status.Applied != 1 || status.GetCommit() != 5 {
		t.Fatalf("bug fixed? handed out %d committed entries, applied %d, commit %d",
			handed, status.Applied, status.GetCommit())
	}
}

// Bug 1b: a node bootstrapped with RawNode.Bootstrap panics on its first committed
// entries instead.
func TestEtcdBugZeroMaxSizePerMsgPanicsOnFirstApply(t *testing.T) {
	st := raft.NewMemoryStorage()
	rn, err := raft.NewRawNode(zeroSizeConfig(st, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.Bootstrap([]raft.Peer{{ID: 1}}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		r := recover()
		msg, _ := r.(string)
		if !strings.Contains(msg, "not positive") {
			t.Fatalf("bug fixed? recovered %v", r)
		}
	}()
	handle(rn, st)
	_ = rn.Campaign()
	handle(rn, st)
	t.Fatal("bug fixed? no panic")
}
