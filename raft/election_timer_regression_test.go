package raft

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Regression tests for campaign seed 58450 (liveness): after healing, n1 (log 2/1, config
// {n1, n2, n3}) and n3 (log 4/1, holding the uncommitted config {n1..n4}) were the only
// nodes that could win. n1 passed PreVote with the empty-logged n2 and ran terms 3, 4 and 5,
// losing its vote requests to the 5% loss each time. Every one of its vote requests reached
// n3 just before n3's own election deadline; n3 refused it (n1's log is behind) yet adopted
// the term with a fresh election timeout, postponing its campaign from 5.28 s to 7.03 s and
// from 8.8 s to 10.7 s. The first leader came 5.4 s after healing, after the probe gave up.

// TestRefusedVoteRequestKeepsElectionDeadline: adopting a later term from a candidate whose
// vote we refuse is neither contact with a leader nor a granted vote, so it must not postpone
// our election (Figure 3.1 of the dissertation); at the old deadline we campaign.
func TestRefusedVoteRequestKeepsElectionDeadline(t *testing.T) {
	r := withLog(newTestRaft("n3", ids3...), 1, 1, 1, 1)
	r.term = 2
	deadline := r.electionDeadline
	r.now = deadline - 10*time.Millisecond
	r.Step("n1", voteReq(3, 2, 1))
	require.True(t, takeOne(t, r, msgVoteResp).Reject, "n1's log is behind ours")
	require.Equal(t, uint64(3), r.term, "the later term is adopted")
	require.Equal(t, deadline, r.electionDeadline, "a refused vote postpones nothing")

	r.now = deadline
	r.Tick()
	require.Equal(t, PreCandidate, r.role, "we stand at the original deadline")
	for _, m := range r.take() {
		require.Equal(t, msgPreVote, m.m.Type)
		require.Equal(t, uint64(4), m.m.Term)
	}
}

// TestPreVoteRejectionKeepsElectionDeadline: a pre-candidate that learns a later term from a
// rejection becomes a follower of that term with the deadline its campaign drew.
func TestPreVoteRejectionKeepsElectionDeadline(t *testing.T) {
	r := withLog(newTestRaft("n3", ids3...), 1, 1, 1, 1)
	r.term = 3
	r.now = r.electionDeadline
	r.Tick()
	require.Equal(t, PreCandidate, r.role)
	r.take()
	deadline := r.electionDeadline
	r.now += 5 * time.Millisecond
	r.Step("n1", &message{Type: msgPreVoteResp, Term: 4, Reject: true})
	require.Equal(t, Follower, r.role)
	require.Equal(t, uint64(4), r.term)
	require.Equal(t, deadline, r.electionDeadline, "a rejection postpones nothing")
}

// TestLeaderContactAndStepDownRestartElectionTimer: the timer still restarts where Figure 3.1
// says, on an AppendEntries of a new leader, and when a leader steps down (it ran none).
func TestLeaderContactAndStepDownRestartElectionTimer(t *testing.T) {
	r := newTestRaft("n3", ids3...)
	r.now = r.electionDeadline - time.Millisecond
	r.Step("n1", &message{Type: msgApp, Term: 1})
	require.Equal(t, nodeapi.NodeID("n1"), r.lead)
	require.False(t, r.electionDeadline < r.now+r.cfg.ElectionTimeout)

	l := electLeader(t, newTestRaft("n1", ids3...))
	l.now += 3 * l.cfg.ElectionTimeout
	l.Step("n2", &message{Type: msgAppResp, Term: l.term + 1})
	require.Equal(t, Follower, l.role)
	require.False(t, l.electionDeadline < l.now+l.cfg.ElectionTimeout,
		"a deposed leader waits a full election timeout before standing")
}

// TestScenarioLiveness58450 replays the shrunk campaign failure with its system knobs.
func TestScenarioLiveness58450(t *testing.T) { replayScenario(t, "testdata/liveness-58450.json") }
