package etcdraft

import (
	"fmt"
	"math"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// The Ready contract of etcd/raft, without asynchronous storage writes: for each Ready,
// persist the snapshot, entries and hard state; make them durable (Disk.Sync) when the
// Ready says MustSync or carries a snapshot; only then send its messages (they include
// votes and append acknowledgements that promise durability); apply its committed entries;
// then Advance. One Ready is outstanding at a time; messages and timers keep stepping the
// RawNode while its sync runs, as etcd allows.

// pump handles Readies until there are none, or one waits for its sync.
func (n *Node) pump() {
	for !n.busy && !n.stopped && n.rn.HasReady() {
		if n.stallReady() {
			return
		}
		rd := n.rn.Ready()
		n.busy = true
		n.stats.Readies++
		needSync, err := n.persist(&rd)
		n.must(err)
		if needSync {
			n.syncThen(func() {
				n.finish(&rd)
				n.pump()
			})
			return
		}
		n.finish(&rd)
	}
}

// persist writes a Ready's snapshot, entries and hard state to the write-ahead log and the
// MemoryStorage; it reports whether they must be synced before the Ready's messages go out.
func (n *Node) persist(rd *raft.Ready) (bool, error) {
	if n.state == raft.StateLeader && n.leaderFrom == 0 {
		for _, e := range rd.Entries {
			if e.GetTerm() == n.term {
				n.leaderFrom = e.GetIndex()
				break
			}
		}
	}
	n.chk.writing(rd.Entries)
	if !raft.IsEmptySnap(rd.Snapshot) {
		n.reached(EventSnapshotInstall)
		return true, n.installSnapshot(rd)
	}
	if len(rd.Entries) > 0 {
		if last, err := n.storage.LastIndex(); err == nil && rd.Entries[0].GetIndex() <= last {
			n.reached(EventTruncate)
		}
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return false, err
	}
	if rd.HardState != nil {
		n.hs = rd.HardState
		_ = n.storage.SetHardState(rd.HardState)
	}
	if err := n.wal.write(rd.Entries, rd.HardState); err != nil {
		return false, err
	}
	return rd.MustSync, nil
}

// finish does what may happen once the Ready is durable: send, apply, Advance.
func (n *Node) finish(rd *raft.Ready) {
	n.send(rd.Messages)
	n.applyEntries(rd.CommittedEntries)
	n.srv.readStates(rd.ReadStates)
	n.rn.Advance(*rd)
	n.busy = false
	n.observe(nil)
	n.srv.serveReads()
	n.maybeSnapshot()
}

// send puts a Ready's messages on the network. A snapshot is reported delivered at once:
// datagrams give no receipt, and a leader left waiting for one would never send another.
// If it was lost, the follower's rejection of the next append makes the leader send again.
func (n *Node) send(msgs []*pb.Message) {
	for _, m := range msgs {
		to := n.names.name(m.GetTo())
		if to == "" {
			continue // a peer not yet named (see ids.go); etcd retransmits
		}
		buf, err := proto.MarshalOptions{}.MarshalAppend(make([]byte, frameHeader, 96), m)
		if err != nil {
			panic("etcdraft: marshal message: " + err.Error())
		}
		buf[0] = byte(frameRaft)
		wire.Seal(buf, sumAt)
		n.env.Send(to, buf)
		if n.cfg.TraceMessages {
			n.env.Logf("send %s", raft.DescribeMessage(m, describeEntry))
		}
		if m.GetType() == pb.MessageType_MsgSnap {
			n.rn.ReportSnapshot(m.GetTo(), raft.SnapshotFinish)
		}
	}
}

// syncThen makes every write so far durable, then runs f. Segments superseded by a
// rotation before the sync are removed once it succeeded.
//
// A failed sync may have lost the writes it covered (Linux drops the dirty pages after a
// failed fsync: PostgreSQL's "fsyncgate"), and a later sync that succeeds does not bring
// them back. So the first failure starts a new disk generation: the node at once rewrites
// its whole state, which the MemoryStorage mirrors, into a new segment, and only a sync
// requested after that rewrite counts. Syncs of the old generation that complete, even
// successfully, are retried instead of believed.
func (n *Node) syncThen(f func()) {
	removable := n.superseded
	n.superseded = nil
	mark, gen := n.chk.mark(), n.diskGen
	n.stats.Syncs++
	n.env.Disk().Sync(func(err error) {
		if n.stopped {
			return
		}
		if err == nil && gen == n.diskGen {
			n.chk.syncDone(mark)
			n.wal.remove(removable)
			f()
			return
		}
		n.superseded = append(removable, n.superseded...)
		if err != nil && gen == n.diskGen {
			n.stats.SyncFailures++
			n.diskGen++
			n.must(n.rewrite())
		}
		n.env.After(n.cfg.SyncRetryDelay, func() {
			if !n.stopped {
				n.syncThen(f)
			}
		})
	})
}

// rewrite starts a new write-ahead log segment holding the node's whole durable state: the
// stored snapshot, the entries after it and the hard state.
func (n *Node) rewrite() error {
	snap, err := n.storage.Snapshot()
	if err != nil {
		return err
	}
	if raft.IsEmptySnap(snap) {
		snap = nil
	}
	first, _ := n.storage.FirstIndex()
	last, _ := n.storage.LastIndex()
	var ents []*pb.Entry
	if last >= first {
		if ents, err = n.storage.Entries(first, last+1, math.MaxUint64); err != nil {
			return err
		}
	}
	return n.rotate(snap, ents)
}

// must stops the node loudly on a disk error: the simulated disk refuses only malformed
// requests (a bug here), and a real one that refuses a write leaves nothing safe to do.
func (n *Node) must(err error) {
	if err != nil {
		panic(fmt.Sprintf("etcdraft %s: %v", n.env.ID(), err))
	}
}

// rotate starts a new write-ahead log segment holding snap, ents and the hard state.
func (n *Node) rotate(snap *pb.Snapshot, ents []*pb.Entry) error {
	old, err := n.wal.rotate(snap, ents, n.hs)
	if err != nil {
		return err
	}
	n.superseded = append(n.superseded, old...)
	return nil
}

// observe reads the RawNode's role after an input (m, if it was a message) and tells the
// election timer and the server what changed.
func (n *Node) observe(m *pb.Message) {
	st := n.rn.BasicStatus()
	term, vote := st.GetTerm(), st.GetVote()
	changed := term != n.term || st.RaftState != n.state
	contact := m != nil && st.RaftState == raft.StateFollower && m.GetTerm() == term &&
		fromLeader(m.GetType())
	voted := m != nil && m.GetType() == pb.MessageType_MsgVote && vote == m.GetFrom() &&
		term == m.GetTerm()
	wasLeader := n.state == raft.StateLeader
	n.term, n.vote, n.lead, n.state = term, vote, st.Lead, st.RaftState
	if changed {
		n.roleChanged(wasLeader)
	}
	if voted {
		n.reached(EventVoteGrant)
	}
	if changed || contact || voted {
		n.elections.reset()
	}
}

// fromLeader reports the message types by which etcd's follower hears from its leader (and
// restarts its election timeout).
func fromLeader(t pb.MessageType) bool {
	return t == pb.MessageType_MsgApp || t == pb.MessageType_MsgHeartbeat ||
		t == pb.MessageType_MsgSnap
}

func (n *Node) roleChanged(wasLeader bool) {
	if n.state == raft.StateLeader && !wasLeader {
		n.leaderFrom = 0
		n.annotate(fmt.Sprintf("leader of term %d", n.term))
		n.reached(EventLeader)
		if last, err := n.storage.LastIndex(); err == nil && last > n.rn.BasicStatus().GetCommit() {
			n.reached(EventLeaderBehind)
		}
	}
	if wasLeader && n.state != raft.StateLeader {
		n.srv.lostLeadership()
		n.reached(EventStepDown)
	}
}

func (n *Node) annotate(text string) {
	if a, ok := n.env.(nodeapi.Annotator); ok {
		a.Annotate(text)
	}
}
