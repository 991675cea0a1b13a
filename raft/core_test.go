package raft

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Unit tests of the consensus core against the rules of Figure 2 of the Raft paper. The core
// is driven directly: set now, call an input, read r.msgs.

func newTestRaft(id nodeapi.NodeID, voters ...nodeapi.NodeID) *raft {
	cfg := DefaultConfig()
	vs := slices.Clone(voters)
	slices.Sort(vs)
	return newRaft(id, &cfg, rand.New(rand.NewPCG(1, 2)), 0, 0, "", newRaftLog(vs))
}

// withLog gives r a log whose entries have the given terms (index 1, 2, ...).
func withLog(r *raft, terms ...uint64) *raft {
	for i, t := range terms {
		r.log.append(Entry{Index: uint64(i + 1), Term: t, Type: entryNoop})
	}
	r.stable = r.log.lastIndex()
	return r
}

// asCandidate puts r in the state a won election leaves it in before becomeLeader: a
// candidate of term that voted for itself (the role and vote checks demand it).
func asCandidate(r *raft, term uint64) *raft {
	r.term, r.vote, r.role = term, r.id, Candidate
	return r
}

func (r *raft) take() []outMsg {
	out := slices.Clone(r.msgs)
	r.msgs = r.msgs[:0]
	return out
}

func takeOne(t *testing.T, r *raft, typ msgType) *message {
	t.Helper()
	msgs := r.take()
	require.Len(t, msgs, 1, "messages: %v", msgs)
	require.Equal(t, typ, msgs[0].m.Type)
	return &msgs[0].m
}

func voteReq(term, lastIndex, lastTerm uint64) *message {
	return &message{Type: msgVote, Term: term, LastIndex: lastIndex, LastTerm: lastTerm}
}

func TestVoteGrantedToOneCandidatePerTerm(t *testing.T) {
	r := newTestRaft("n1", ids3...)
	r.Step("n2", voteReq(2, 0, 0))
	require.False(t, takeOne(t, r, msgVoteResp).Reject)
	require.Equal(t, uint64(2), r.term)
	require.Equal(t, nodeapi.NodeID("n2"), r.vote)
	require.True(t, r.hsDirty, "a vote must be persisted")

	r.Step("n3", voteReq(2, 0, 0))
	require.True(t, takeOne(t, r, msgVoteResp).Reject, "second candidate in the same term")
	r.Step("n2", voteReq(2, 0, 0))
	require.False(t, takeOne(t, r, msgVoteResp).Reject, "a repeated request is granted again")
}

func TestVoteUpToDateRule(t *testing.T) {
	cases := []struct {
		name                string
		lastIndex, lastTerm uint64
		grant               bool
	}{
		{"higher last term, shorter log", 1, 3, true},
		{"same last term, longer log", 4, 2, true},
		{"same last term, same length", 3, 2, true},
		{"same last term, shorter log", 2, 2, false},
		{"lower last term, longer log", 9, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := withLog(newTestRaft("n1", ids3...), 1, 2, 2)
			r.term = 2
			r.Step("n2", voteReq(3, tc.lastIndex, tc.lastTerm))
			require.Equal(t, !tc.grant, takeOne(t, r, msgVoteResp).Reject)
		})
	}
}

func TestHigherTermMakesLeaderFollowerAndClearsVote(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", ids3...))
	require.Equal(t, Leader, r.role)
	r.Step("n2", &message{Type: msgAppResp, Term: r.term + 3})
	require.Equal(t, Follower, r.role)
	require.Equal(t, uint64(4), r.term)
	require.Equal(t, nodeapi.NodeID(""), r.vote)
}

func TestStaleTermMessagesAreRejected(t *testing.T) {
	r := newTestRaft("n1", ids3...)
	r.term = 5
	r.Step("n2", &message{Type: msgApp, Term: 4})
	resp := takeOne(t, r, msgAppResp)
	require.True(t, resp.Reject)
	require.Equal(t, uint64(5), resp.Term, "the stale leader must learn the newer term")
	r.Step("n2", voteReq(4, 10, 4))
	require.True(t, takeOne(t, r, msgVoteResp).Reject)
	require.Equal(t, nodeapi.NodeID(""), r.vote)
}

// electLeader runs r through an election in a cluster of its voters, every vote granted.
func electLeader(t *testing.T, r *raft) *raft {
	t.Helper()
	r.now = r.electionDeadline
	r.Tick()
	require.Equal(t, PreCandidate, r.role)
	for _, m := range r.take() {
		r.Step(m.to, &message{Type: msgPreVoteResp, Term: r.term + 1})
	}
	require.Equal(t, Candidate, r.role)
	for _, m := range r.take() {
		r.Step(m.to, &message{Type: msgVoteResp, Term: r.term})
	}
	require.Equal(t, Leader, r.role)
	r.take()
	return r
}

func TestCandidateCountsDistinctVoters(t *testing.T) {
	ids := []nodeapi.NodeID{"n1", "n2", "n3", "n4", "n5"}
	r := newTestRaft("n1", ids...)
	r.campaign(campaignElection)
	r.take()
	for range 4 { // a duplicated grant from one voter
		r.Step("n2", &message{Type: msgVoteResp, Term: r.term})
	}
	require.Equal(t, Candidate, r.role, "two votes of five must not elect")
	r.Step("n9", &message{Type: msgVoteResp, Term: r.term})
	require.Equal(t, Candidate, r.role, "a non-voter's vote must not count")
	r.Step("n3", &message{Type: msgVoteResp, Term: r.term})
	require.Equal(t, Leader, r.role)
}

func TestPreVoteDoesNotChangeTerms(t *testing.T) {
	r := newTestRaft("n1", ids3...)
	r.now = r.electionDeadline
	r.Tick()
	require.Equal(t, uint64(0), r.term, "a pre-candidate keeps its term")
	msgs := r.take()
	require.Len(t, msgs, 2)
	require.Equal(t, msgPreVote, msgs[0].m.Type)
	require.Equal(t, uint64(1), msgs[0].m.Term)

	voter := newTestRaft("n2", ids3...)
	voter.Step("n1", &msgs[0].m)
	resp := takeOne(t, voter, msgPreVoteResp)
	require.False(t, resp.Reject)
	require.Equal(t, uint64(0), voter.term, "granting a pre-vote changes nothing")
	require.False(t, voter.hsDirty)
}

func TestFollowerInLeaseIgnoresVoteRequests(t *testing.T) {
	r := newTestRaft("n1", ids3...)
	r.Step("n2", &message{Type: msgApp, Term: 1})
	r.take()
	r.now += r.cfg.ElectionTimeout / 2
	r.Step("n3", &message{Type: msgPreVote, Term: 2})
	r.Step("n3", voteReq(2, 5, 1))
	require.Empty(t, r.take(), "a node hearing from a leader ignores campaigns")
	require.Equal(t, uint64(1), r.term)
	r.Step("n3", &message{Type: msgVote, Term: 2, Transfer: true})
	require.False(t, takeOne(t, r, msgVoteResp).Reject, "a transfer campaign is honoured")
}

func TestCheckQuorumStepsDownIsolatedLeader(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", ids3...))
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1})
	r.now += r.cfg.ElectionTimeout
	r.Tick()
	require.Equal(t, Leader, r.role, "n2 answered: a quorum is active")
	r.now += r.cfg.ElectionTimeout
	r.Tick()
	require.Equal(t, Follower, r.role, "no answer for an election timeout")
}

func appendMsg(term, prevIndex, prevTerm, commit uint64, terms ...uint64) *message {
	m := &message{Type: msgApp, Term: term, PrevIndex: prevIndex, PrevTerm: prevTerm,
		Commit: commit}
	for i, t := range terms {
		m.Entries = append(m.Entries, Entry{Index: prevIndex + uint64(i) + 1, Term: t,
			Type: entryNoop})
	}
	return m
}

func logTerms(l *raftLog) []uint64 {
	var ts []uint64
	for i := l.firstIndex(); i <= l.lastIndex(); i++ {
		ts = append(ts, l.entry(i).Term)
	}
	return ts
}

func TestAppendEntriesConsistencyCheck(t *testing.T) {
	r := withLog(newTestRaft("n2", ids3...), 1, 1, 2)
	r.term = 3
	r.Step("n1", appendMsg(3, 4, 3, 0, 3))
	resp := takeOne(t, r, msgAppResp)
	require.True(t, resp.Reject, "prev index beyond the log")
	require.Equal(t, uint64(4), resp.HintIndex)

	r.Step("n1", appendMsg(3, 3, 3, 0, 3))
	resp = takeOne(t, r, msgAppResp)
	require.True(t, resp.Reject, "prev term differs")
	require.Equal(t, []uint64{3, 2}, []uint64{resp.HintIndex, resp.HintTerm})

	r.Step("n1", appendMsg(3, 2, 1, 2, 3, 3))
	resp = takeOne(t, r, msgAppResp)
	require.False(t, resp.Reject)
	require.Equal(t, uint64(4), resp.Index)
	require.Equal(t, []uint64{1, 1, 3, 3}, logTerms(r.log), "conflicting entry 3 replaced")
	require.Equal(t, uint64(2), r.commit, "commit = min(leader commit, last new entry)")
}

func TestStaleAppendEntriesNeverTruncates(t *testing.T) {
	r := withLog(newTestRaft("n2", ids3...), 1, 1, 1, 1)
	r.term = 1
	r.Step("n1", appendMsg(1, 1, 1, 0, 1)) // a delayed duplicate of an earlier append
	resp := takeOne(t, r, msgAppResp)
	require.False(t, resp.Reject)
	require.Equal(t, uint64(2), resp.Index)
	require.Equal(t, []uint64{1, 1, 1, 1}, logTerms(r.log), "matching entries are kept")
}

func TestLeaderBacksOffWithConflictHint(t *testing.T) {
	r := asCandidate(withLog(newTestRaft("n1", ids3...), 1, 1, 3, 4, 4), 5)
	r.becomeLeader() // no-op at 6; followers start probing at next 6
	r.take()
	pr := r.progress("n2")
	require.Equal(t, uint64(6), pr.next)
	// n2 holds 1,1,3,3,3: its entry 5 has term 3, the first of term 3 is 3. The leader's
	// last entry of term 3 is 3, so it continues after it.
	r.Step("n2", &message{Type: msgAppResp, Term: 5, Reject: true, Index: 5, HintIndex: 3,
		HintTerm: 3})
	require.Equal(t, uint64(4), pr.next)
	require.Equal(t, uint64(3), takeOne(t, r, msgApp).PrevIndex)
	// n3 holds 1,1,2,2,2: the leader has no term 2, so it skips to n3's first term-2 entry.
	pr3 := r.progress("n3")
	r.Step("n3", &message{Type: msgAppResp, Term: 5, Reject: true, Index: 5, HintIndex: 3,
		HintTerm: 2})
	require.Equal(t, uint64(3), pr3.next)
	// A short log asks for the entry after its last.
	r.Step("n3", &message{Type: msgAppResp, Term: 5, Reject: true, Index: 2, HintIndex: 2})
	require.Equal(t, uint64(2), pr3.next)
	// A stale rejection (not about the latest probe) changes nothing.
	r.Step("n3", &message{Type: msgAppResp, Term: 5, Reject: true, Index: 5, HintIndex: 1})
	require.Equal(t, uint64(2), pr3.next)
}

// TestFigure8 is the scenario of Figure 8: a leader of term 4 holds entry 2 of term 2 on a
// majority, yet must not commit it by counting; only its own entry 3 commits both.
func TestFigure8(t *testing.T) {
	ids := []nodeapi.NodeID{"s1", "s2", "s3", "s4", "s5"}
	r := asCandidate(withLog(newTestRaft("s1", ids...), 1, 2), 3)
	r.becomeLeader() // term 3: appends its no-op at index 3
	r.term = 4       // (it lost and won again; make the log match the figure)
	r.log.truncateFrom(3)
	r.log.append(Entry{Index: 3, Term: 4, Type: entryNoop})
	r.stable = 3
	r.take()
	ack := func(from nodeapi.NodeID, index uint64) {
		r.Step(from, &message{Type: msgAppResp, Term: 4, Index: index})
	}
	ack("s2", 2)
	ack("s3", 2)
	require.Equal(t, uint64(0), r.commit, "entry 2 (term 2) is on a majority but not "+
		"committable by counting")
	ack("s2", 3)
	require.Equal(t, uint64(0), r.commit, "entry 3 is on s1 and s2 only")
	ack("s3", 3)
	require.Equal(t, uint64(3), r.commit, "entry 3 of term 4 commits, and 2 with it")
}

func TestLeaderCountsItselfOnlyWhenSynced(t *testing.T) {
	r := newTestRaft("n1", "n1")
	r.now = r.electionDeadline
	r.Tick()
	require.Equal(t, Leader, r.role, "a single voter elects itself")
	require.Equal(t, uint64(0), r.commit, "the no-op is not synced yet")
	r.Persisted(1, r.term)
	require.Equal(t, uint64(1), r.commit)
	idx, st := r.Propose([]byte("x"))
	require.Equal(t, statusOK, st)
	require.Equal(t, uint64(1), r.commit)
	r.Persisted(idx, r.term)
	require.Equal(t, idx, r.commit)
}

func TestReadIndexWaitsForCommitInTerm(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", ids3...))
	require.Equal(t, statusOK, r.ReadIndex(readCtx{client: "c", seq: 1}))
	r.take()
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 0})
	r.Step("n3", &message{Type: msgAppResp, Term: r.term, Index: 0})
	require.Empty(t, r.readyReads, "no read before the leader commits an entry of its term")
	r.take()
	r.Persisted(1, r.term)
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1})
	require.Equal(t, uint64(1), r.commit)
	require.Empty(t, r.readyReads, "the read needs a fresh quorum round")
	heartbeat := r.take()
	require.NotEmpty(t, heartbeat)
	id := heartbeat[0].m.ReadID
	r.Step("n3", &message{Type: msgAppResp, Term: r.term, Index: 1, ReadID: id})
	require.Len(t, r.readyReads, 1)
	require.Equal(t, uint64(1), r.readyReads[0].index)
}

func TestReadIndexNeedsQuorumAck(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", "n1", "n2", "n3", "n4", "n5"))
	r.Persisted(1, r.term)
	for _, id := range []nodeapi.NodeID{"n2", "n3"} {
		r.Step(id, &message{Type: msgAppResp, Term: r.term, Index: 1})
	}
	require.True(t, r.committedInCurrentTerm())
	r.ReadIndex(readCtx{client: "c", seq: 1})
	id := r.readSeq
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1, ReadID: id})
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1, ReadID: id})
	require.Empty(t, r.readyReads, "one follower acknowledging twice is not a quorum")
	r.Step("n4", &message{Type: msgAppResp, Term: r.term, Index: 1, ReadID: id})
	require.Len(t, r.readyReads, 1)
}

func TestConfChangeRules(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", ids3...))
	_, st, _ := r.ProposeConfChange("n4", true)
	require.Equal(t, statusRetry, st, "no change before the no-op commits")
	r.Persisted(1, r.term)
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1})
	index, st, _ := r.ProposeConfChange("n4", true)
	require.Equal(t, statusOK, st)
	require.Equal(t, uint64(2), index)
	require.Equal(t, []nodeapi.NodeID{"n1", "n2", "n3", "n4"}, r.voters,
		"a configuration takes effect when appended")
	_, st, _ = r.ProposeConfChange("n5", true)
	require.Equal(t, statusRetry, st, "one uncommitted configuration at a time")
	r.Persisted(2, r.term)
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 2})
	require.Equal(t, uint64(1), r.commit, "two of four voters are not a quorum")
	r.Step("n3", &message{Type: msgAppResp, Term: r.term, Index: 2})
	require.Equal(t, uint64(2), r.commit)
	_, st, _ = r.ProposeConfChange("n5", true)
	require.Equal(t, statusOK, st)
}

func TestRemovedLeaderStepsDownAfterCommit(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", ids3...))
	r.Persisted(1, r.term)
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1})
	index, st, _ := r.ProposeConfChange("n1", false)
	require.Equal(t, statusOK, st)
	r.take()
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: index})
	require.Equal(t, Leader, r.role, "the leader does not count itself after its removal")
	r.Step("n3", &message{Type: msgAppResp, Term: r.term, Index: index})
	require.Equal(t, index, r.commit)
	require.Equal(t, Follower, r.role)
	msgs := r.take()
	require.True(t, slices.ContainsFunc(msgs, func(m outMsg) bool {
		return m.m.Type == msgTimeoutNow
	}), "hands over with TimeoutNow")
	r.now += 10 * time.Second
	r.Tick()
	require.Equal(t, Follower, r.role, "a removed node never campaigns")
}

func TestLeadershipTransferCore(t *testing.T) {
	r := electLeader(t, newTestRaft("n1", ids3...))
	st, _ := r.TransferLeadership("n2")
	require.Equal(t, statusOK, st)
	_, st = r.Propose([]byte("x"))
	require.Equal(t, statusRetry, st, "no proposals during a transfer")
	r.take()
	r.Step("n2", &message{Type: msgAppResp, Term: r.term, Index: 1})
	require.Equal(t, msgTimeoutNow, takeOne(t, r, msgTimeoutNow).Type)

	target := newTestRaft("n2", ids3...)
	target.Step("n1", &message{Type: msgApp, Term: 1})
	target.take()
	target.Step("n1", &message{Type: msgTimeoutNow, Term: 1})
	require.Equal(t, Candidate, target.role, "TimeoutNow skips the pre-vote")
	require.Equal(t, uint64(2), target.term)
	for _, m := range target.take() {
		require.True(t, m.m.Transfer)
	}
}

// TestUncommittedSelfRemovalCanStillBeElected: a leader of {n1, n2} appends its own removal
// and loses its quorum before the entry commits. n2's log is the most up-to-date, so only n2
// can win; it must stand, commit its removal, and step down.
func TestUncommittedSelfRemovalCanStillBeElected(t *testing.T) {
	r := removeSelfAndLoseQuorum(t, newTestRaft("n2", "n1", "n2"), "n1")
	index := r.log.configIndex()
	require.Equal(t, []nodeapi.NodeID{"n1"}, r.voters)
	r.take()

	r.now = r.electionDeadline
	r.Tick()
	require.Equal(t, PreCandidate, r.role, "a node whose removal is uncommitted stands")
	msgs := r.take()
	require.Len(t, msgs, 1)
	require.Equal(t, nodeapi.NodeID("n1"), msgs[0].to)
	r.Step("n1", &message{Type: msgPreVoteResp, Term: r.term + 1})
	r.take()
	r.Step("n1", &message{Type: msgVoteResp, Term: r.term})
	require.Equal(t, Leader, r.role, "elected by the latest configuration alone")
	r.Persisted(index+1, r.term)
	r.Step("n1", &message{Type: msgAppResp, Term: r.term, Index: index + 1})
	require.Equal(t, index+1, r.commit)
	require.Equal(t, Follower, r.role, "steps down once its removal committed")
	r.now += 5 * r.cfg.ElectionTimeout
	r.Tick()
	require.Equal(t, Follower, r.role, "and never stands again")
}

func snapMsg(term, index, lastTerm uint64) *message {
	data := encodeSnapshot(index, lastTerm, ids3, newKVStore())
	return &message{Type: msgSnap, Term: term, PrevIndex: index, PrevTerm: lastTerm, Snap: data}
}

func TestInstallSnapshotKeepsAMatchingSuffix(t *testing.T) {
	r := withLog(newTestRaft("n2", ids3...), 1, 1, 2, 2, 2)
	r.term = 3
	r.Step("n1", snapMsg(3, 3, 2))
	require.Nil(t, r.install, "the log already holds the snapshot's last entry")
	require.Equal(t, uint64(3), r.commit)
	require.Equal(t, []uint64{1, 1, 2, 2, 2}, logTerms(r.log), "the suffix is kept")
	require.Equal(t, uint64(3), takeOne(t, r, msgAppResp).Index)
}

func TestInstallSnapshotDiscardsAConflictingLog(t *testing.T) {
	r := withLog(newTestRaft("n2", ids3...), 1, 1, 1, 1)
	r.term = 3
	m := snapMsg(3, 3, 2)
	r.Step("n1", m)
	require.NotNil(t, r.install, "entry 3 has term 1, the snapshot's has term 2")
	require.True(t, r.installing)
	require.Empty(t, r.take(), "no ack before the snapshot is durable")
	r.Step("n1", appendMsg(3, 3, 2, 3, 3))
	require.Empty(t, r.take(), "appends wait while the snapshot is installed")
	ref, _, err := decodeSnapshot(r.install.data)
	require.NoError(t, err)
	require.True(t, r.InstallSnapshotDone(ref, "n1"))
	require.Equal(t, uint64(3), r.log.snapIndex)
	require.Equal(t, uint64(3), r.log.lastIndex(), "the conflicting entries are gone")
	require.Equal(t, uint64(3), r.commit)
	require.Equal(t, uint64(3), takeOne(t, r, msgAppResp).Index)
}
