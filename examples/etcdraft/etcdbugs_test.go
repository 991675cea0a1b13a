package etcdraft_test

import (
	"io"
	"log"
	"strings"
	"testing"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
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

// pair is two RawNodes, 1 and 2, over MemoryStorage, joined by a network that a test can
// make drop messages. It persists, sends, applies (configuration changes included) and
// advances every Ready, as the Ready contract asks.
type pair struct {
	rn   map[uint64]*raft.RawNode
	st   map[uint64]*raft.MemoryStorage
	drop func(m *pb.Message) bool
	// preVotes counts the pre-vote requests node 2 sent.
	preVotes int
}

func newPair(t *testing.T) *pair {
	p := &pair{rn: map[uint64]*raft.RawNode{}, st: map[uint64]*raft.MemoryStorage{},
		drop: func(*pb.Message) bool { return false }}
	for _, id := range []uint64{1, 2} {
		st := raft.NewMemoryStorage()
		cs := pb.EnsureConfState(&pb.ConfState{Voters: []uint64{1, 2}})
		if err := st.ApplySnapshot(&pb.Snapshot{Metadata: &pb.SnapshotMetadata{
			Index: new(uint64(1)), Term: new(uint64(1)), ConfState: cs}}); err != nil {
			t.Fatal(err)
		}
		rn, err := raft.NewRawNode(&raft.Config{ID: id, ElectionTick: 10, HeartbeatTick: 1,
			Storage: st, Applied: 1, MaxSizePerMsg: 0, MaxInflightMsgs: 16,
			MaxCommittedSizePerReady: 1 << 20, PreVote: true, CheckQuorum: true,
			StepDownOnRemoval: true, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		p.rn[id], p.st[id] = rn, st
	}
	return p
}

// settle handles Readies and delivers messages until neither node has work.
func (p *pair) settle() {
	for range 1000 {
		var msgs []*pb.Message
		for _, id := range []uint64{1, 2} {
			msgs = append(msgs, p.ready(id)...)
		}
		if len(msgs) == 0 {
			return
		}
		for _, m := range msgs {
			if m.GetFrom() == 2 && m.GetType() == pb.MessageType_MsgPreVote {
				p.preVotes++
			}
			if !p.drop(m) {
				_ = p.rn[m.GetTo()].Step(m)
			}
		}
	}
}

func (p *pair) ready(id uint64) []*pb.Message {
	rn, st := p.rn[id], p.st[id]
	if !rn.HasReady() {
		return nil
	}
	rd := rn.Ready()
	_ = st.Append(rd.Entries)
	if rd.HardState != nil {
		_ = st.SetHardState(rd.HardState)
	}
	for _, e := range rd.CommittedEntries {
		if e.GetType() == pb.EntryType_EntryConfChange {
			var cc pb.ConfChange
			if err := proto.Unmarshal(e.GetData(), &cc); err != nil {
				panic(err)
			}
			rn.ApplyConfChange(&cc)
		}
	}
	rn.Advance(rd)
	return rd.Messages
}

func (p *pair) tickAll() {
	for _, id := range []uint64{1, 2} {
		p.rn[id].Tick()
	}
	p.settle()
}

// Bug 2: a leader that removes itself from a two-voter group can leave the group without a
// leader for good. The leader commits its removal once the follower has the entry, applies
// it and steps down (StepDownOnRemoval). If the follower misses the news of the commit,
// it still counts votes in the old configuration {1, 2}, so it needs node 1's vote; node 1
// refuses it (its log is longer: it appended a proposal after the removal) and never
// campaigns itself (it is no longer a voter of its own configuration). The Raft thesis
// (4.2.2) has a removed server keep starting elections until the new configuration is
// committed, for exactly this case. etcd-io/etcd#10563 describes it; etcd's server
// transfers leadership in the application layer.
func TestEtcdBugRemovedLeaderStrandsTwoVoterGroup(t *testing.T) {
	for _, lose := range []bool{false, true} {
		p := removeLeader(t, lose)
		p.drop = func(*pb.Message) bool { return false } // the network heals for good
		for range 50 * 10 {                              // fifty election timeouts
			p.tickAll()
		}
		led := p.rn[2].Status().RaftState == raft.StateLeader
		if !lose && !led {
			t.Fatal("control: with every message delivered node 2 must lead")
		}
		if lose && (led || p.rn[1].Status().RaftState == raft.StateLeader) {
			t.Fatal("bug fixed? a leader was elected")
		}
		if lose && p.preVotes < 20 {
			t.Fatalf("node 2 campaigned only %d times", p.preVotes)
		}
	}
}

// removeLeader has leader 1 propose its own removal and one more entry, with one entry
// per append (MaxSizePerMsg 0). With lose, node 2 receives the removal's entry but
// neither the entry after it nor any message that tells it of the commit.
func removeLeader(t *testing.T, lose bool) *pair {
	p := newPair(t)
	_ = p.rn[1].Campaign()
	p.settle()
	if p.rn[1].Status().RaftState != raft.StateLeader {
		t.Fatal("setup: node 1 is not the leader")
	}
	cc := &pb.ConfChange{Type: pb.ConfChangeType_ConfChangeRemoveNode.Enum(),
		NodeId: new(uint64(1))}
	if err := p.rn[1].ProposeConfChange(cc); err != nil {
		t.Fatal(err)
	}
	if err := p.rn[1].Propose([]byte("after the removal")); err != nil {
		t.Fatal(err)
	}
	removal, _ := p.st[1].LastIndex()
	removal++ // the removal's entry (the Ready that appends both is not handled yet)
	p.drop = func(m *pb.Message) bool {
		return lose && m.GetFrom() == 1 && (m.GetCommit() >= removal ||
			len(m.GetEntries()) > 0 && m.GetEntries()[0].GetIndex() > removal)
	}
	p.settle()
	if st := p.rn[1].Status(); st.RaftState == raft.StateLeader || st.Applied < removal {
		t.Fatalf("setup: node 1 should have applied its removal (%d) and stepped down: %+v",
			removal, st.BasicStatus)
	}
	if last, _ := p.st[2].LastIndex(); lose && last != removal {
		t.Fatalf("setup: node 2's log ends at %d, want %d", last, removal)
	}
	return p
}

// Bug 3: a lone voter answers ReadIndex with its commit index at once, without first
// committing an entry of its term as a leader of several voters must. After a restart
// whose last commit-only HardState was not synced (the Ready contract does not ask for
// it), that index is older than entries the node had committed and acknowledged.
func TestEtcdBugSingletonReadIndexBeforeTermCommit(t *testing.T) {
	st := raft.NewMemoryStorage()
	cs := pb.EnsureConfState(&pb.ConfState{Voters: []uint64{1}})
	snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{Index: new(uint64(1)),
		Term: new(uint64(1)), ConfState: cs}}
	if err := st.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	// Entries 2 and 3 were durable on the only voter, so committed (and acknowledged);
	// the HardState on disk still says commit 1.
	ents := []*pb.Entry{{Index: new(uint64(2)), Term: new(uint64(1))},
		{Index: new(uint64(3)), Term: new(uint64(1))}}
	if err := st.Append(ents); err != nil {
		t.Fatal(err)
	}
	_ = st.SetHardState(&pb.HardState{Term: new(uint64(1)), Vote: new(uint64(1)),
		Commit: new(uint64(1))})
	rn, err := raft.NewRawNode(&raft.Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1,
		Storage: st, Applied: 1, MaxSizePerMsg: 1 << 20, MaxInflightMsgs: 16,
		MaxCommittedSizePerReady: 1 << 20, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := rn.Campaign(); err != nil {
		t.Fatal(err)
	}
	var got []raft.ReadState
	asked := false
	for range 100 {
		if !asked && rn.BasicStatus().RaftState == raft.StateLeader {
			// Leader now; its entry of term 2 is not yet durable, so not committed.
			rn.ReadIndex([]byte("r1"))
			asked = true
		}
		if !rn.HasReady() {
			break
		}
		rd := rn.Ready()
		got = append(got, rd.ReadStates...)
		if err := st.Append(rd.Entries); err != nil {
			t.Fatal(err)
		}
		if rd.HardState != nil {
			_ = st.SetHardState(rd.HardState)
		}
		rn.Advance(rd)
	}
	if !asked {
		t.Fatal("the lone voter never became leader")
	}
	if len(got) != 1 || got[0].Index != 1 {
		t.Fatalf("read states %v: etcd no longer answers with the stale commit index 1", got)
	}
	if c := rn.BasicStatus().GetCommit(); c < 3 {
		t.Fatalf("commit %d: the leader's own entry should commit entries 2 and 3", c)
	}
}
