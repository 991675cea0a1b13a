package etcdraft

import (
	"hash/fnv"

	pb "go.etcd.io/raft/v3/raftpb"
)

// checkState is what a node records for the system's invariant checks (invariants.go):
// the entries it applied since the last check, and what its disk is known to hold. It
// only observes; nothing the node decides reads it.
type checkState struct {
	n *Node
	// appliedLog are the entries applied since the last check.
	appliedLog []entryID
	// durable is the durable mark: the last log entry and the hard state covered by a
	// completed sync. A write that truncates the log below it lowers it first (epoch
	// counts such lowerings, so that a sync requested before one cannot raise it back).
	durable durableMark
	epoch   uint64
	// recoveredState is what this incarnation found on its disk, for the first check.
	recoveredState *durableState
	// jumped is set when a snapshot replaced the applied state: indexes below it were
	// never applied here one by one.
	jumped uint64
}

// entryID identifies an entry by position and content.
type entryID struct{ index, term, hash uint64 }

// durableMark is what a completed sync guarantees a restart will find.
type durableMark struct {
	index, term    uint64
	hsTerm, hsVote uint64
	epoch          uint64
}

func entryHash(e *pb.Entry) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(e.GetType())})
	h.Write(e.GetData())
	return h.Sum64()
}

// recovered notes what the node found on its disk: the first check compares it with what
// the last incarnation had synced, and it is durable now (a crash keeps it).
func (c *checkState) recovered(st *durableState) {
	c.recoveredState = st
	t, _ := st.term(st.lastIndex())
	c.durable = durableMark{index: st.lastIndex(), term: t, hsTerm: st.hs.GetTerm(),
		hsVote: st.hs.GetVote()}
}

func (c *checkState) noteApplied(e *pb.Entry) {
	c.appliedLog = append(c.appliedLog, entryID{e.GetIndex(), e.GetTerm(), entryHash(e)})
}

// installed notes a snapshot from the leader that replaced the whole log: nothing of the
// old log past it need survive, and the applied state jumped to it.
func (c *checkState) installed(index, term uint64) {
	c.jumped = index
	if c.durable.index > index || (c.durable.index == index && c.durable.term != term) {
		c.durable.index, c.durable.term = index, term
		c.epoch++
	}
}

// writing notes entries about to be written: if they replace synced entries, the durable
// mark falls to the entry before them (the rest is being legitimately overwritten).
func (c *checkState) writing(ents []*pb.Entry) {
	if len(ents) == 0 || ents[0].GetIndex() > c.durable.index {
		return
	}
	i := ents[0].GetIndex() - 1
	t, err := c.n.storage.Term(i)
	if err != nil {
		t = 0 // compacted: covered by the snapshot, not checked
	}
	c.durable.index, c.durable.term = i, t
	c.epoch++
}

// mark is the durable mark a sync requested now will establish.
func (c *checkState) mark() durableMark {
	last, _ := c.n.storage.LastIndex()
	t, _ := c.n.storage.Term(last)
	return durableMark{index: last, term: t, hsTerm: c.n.hs.GetTerm(),
		hsVote: c.n.hs.GetVote(), epoch: c.epoch}
}

// syncDone records the mark of a completed sync.
func (c *checkState) syncDone(m durableMark) {
	if m.epoch != c.epoch {
		m.index, m.term = c.durable.index, c.durable.term
	}
	c.durable = m
}
