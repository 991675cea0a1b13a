package raft

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// requirePanic runs f and requires it to panic with a message containing rule: the
// assertions that guard state changes must fire, and name what they found.
func requirePanic(t *testing.T, rule string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		require.NotNil(t, v, "no panic; want %q", rule)
		msg, ok := v.(string)
		require.True(t, ok, "panic value %v is not a message", v)
		require.Contains(t, msg, rule)
	}()
	f()
}

func TestRoleTransitionsAreChecked(t *testing.T) {
	r := newTestRaft("n1", ids3...)
	r.vote = r.id
	requirePanic(t, "invalid role transition follower -> leader", r.becomeLeader)

	r = electLeader(t, newTestRaft("n1", ids3...))
	requirePanic(t, "invalid role transition leader -> pre-candidate", func() {
		r.campaign(campaignPre)
	})
	requirePanic(t, "invalid role transition leader -> candidate", func() {
		r.campaign(campaignElection)
	})
	r.becomeFollower(r.term, "") // stepping down is the one way out
	require.Equal(t, Follower, r.role)
}

func TestTermAndVoteAreChecked(t *testing.T) {
	r := newTestRaft("n1", ids3...)
	r.term = 5
	requirePanic(t, "term must never decrease (term 5, new term 4)", func() {
		r.becomeFollower(4, "")
	})
	r.vote = "n2"
	requirePanic(t, "second vote in one term (term 5, voted for n2, asked by n3)", func() {
		r.assertCanVote("n3", 5)
	})
	requirePanic(t, "vote granted outside the current term", func() { r.assertCanVote("n2", 6) })
	r.vote = ""
	requirePanic(t, "leader did not vote for itself", func() {
		r.role = Candidate
		r.becomeLeader()
	})
	r.installing = true
	requirePanic(t, "campaign while installing a snapshot", func() {
		r.campaign(campaignElection)
	})
}

func TestCommitAndTruncationAreChecked(t *testing.T) {
	r := withLog(newTestRaft("n2", ids3...), 1, 1, 2)
	requirePanic(t, "commit index past the last log index (commit 4, last index 3)", func() {
		r.commitTo(4)
	})
	r.commitTo(2)
	requirePanic(t, "truncation at or below the commit index", func() {
		r.truncateConflict(2)
	})
	r.stable = 7
	requirePanic(t, "synced index past the end of the log (synced 7, last index 3)", func() {
		r.Persisted(3, 2)
	})
	r.stable = 3
	requirePanic(t, "snapshot of uncommitted entries (snapshot 3, commit 2)", func() {
		r.SnapshotSaved(&snapshotRef{index: 3, term: 2})
	})
	requirePanic(t, "snapshot install completed without one in progress", func() {
		r.InstallSnapshotDone(&snapshotRef{index: 9, term: 2}, "n1")
	})

	l := withLog(newTestRaft("n1", ids3...), 1, 1)
	l.term = 1
	electLeader(t, l)
	requirePanic(t, "a leader never truncates its log", func() { l.truncateConflict(2) })
	requirePanic(t, "only a leader appends entries of its own", func() {
		r.appendLocal(Entry{Type: entryNoop})
	})
}

func TestLogChangesAreChecked(t *testing.T) {
	l := newRaftLog([]nodeapi.NodeID{"n1"})
	l.append(Entry{Index: 1, Term: 3})
	requirePanic(t, "entry 2 of term 2 after an entry of term 3", func() {
		l.append(Entry{Index: 2, Term: 2})
	})
	requirePanic(t, "appended entry 4 does not follow 2", func() {
		l.append(Entry{Index: 2, Term: 3}, Entry{Index: 4, Term: 3})
	})
	l.entries[0].Index = 7
	requirePanic(t, "entry 7 stored at the position of 1", func() { l.entry(1) })
	l.entries[0].Index = 1
	l.reset(5, 3, nil)
	requirePanic(t, "reset to a snapshot at 4 behind the base 5", func() { l.reset(4, 3, nil) })
}

func TestDurabilityIsChecked(t *testing.T) {
	d := durability{}
	d.wrote(1, 1)
	seq, ok := d.startSync()
	require.True(t, ok)
	requirePanic(t, "completed sync 2 is not the one in flight (1", func() { d.completed(2) })
	d.completed(seq)
	requirePanic(t, "is not the one in flight", func() { d.completed(seq) })

	w := wal{}
	w.appendHardState(nil, 5, "n1")
	requirePanic(t, "term 4 written after term 5", func() { w.appendHardState(nil, 4, "") })
	requirePanic(t, "vote for n2 in term 5 written after a vote for n1", func() {
		w.appendHardState(nil, 5, "n2")
	})
	w.appendHardState(nil, 6, "n2") // a new term, a new vote
	requirePanic(t, "append before the first segment", func() { _ = w.append(nil) })
}

func TestNodeStateIsChecked(t *testing.T) {
	n := ghostNode([]uint64{1, 1, 2}, 3)
	n.r.id, n.r.term, n.r.commit, n.applied = "n1", 2, 2, 2
	n.r.log.unstable = 4
	n.checkState() // consistent
	n.applied = 3
	requirePanic(t, "applied index past the commit index (applied 3, commit 2)", n.checkState)
	n.applied = 2
	n.r.log.unstable = 2
	requirePanic(t, "log changes not handed to the WAL", n.checkState)
	n.r.log.unstable = 4
	n.r.term = 1
	requirePanic(t, "log ends in a term after the current one", n.checkState)
	n.r.term = 2
	n.r.lead = "n1"
	requirePanic(t, "leader field out of step with the role (role follower, leader n1)",
		n.checkState)
}
