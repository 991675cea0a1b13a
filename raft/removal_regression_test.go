package raft

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Regression tests for campaign seed 73762 (liveness): the leader n2 of {n1, n2, n3} appended
// its own removal, lost its quorum of {n1, n3} and stepped down. After healing, n2 stood for
// election to commit its removal although n3 could win without it: their campaigns split the
// votes of term 2, and in term 3 n2, which does not count itself, needed every vote of
// {n1, n3} and lost one grant to the network. The first leader came 4.6 s after healing.

// removedAfterLostQuorum returns the leader n2 of ids3 after it appended its own removal
// and stepped down for want of a quorum of the new configuration, with its outbox drained.
func removedAfterLostQuorum(t *testing.T) *raft {
	t.Helper()
	r := removeSelfAndLoseQuorum(t, newTestRaft("n2", ids3...), "n3")
	require.Equal(t, []nodeapi.NodeID{"n1", "n3"}, r.voters)
	require.Greater(t, r.log.configIndex(), r.commit, "its removal is not committed")
	r.take()
	return r
}

// TestRemovedNodeDoesNotStandWhenOthersCanWin: the new configuration {n1, n3} has two voters,
// which elect one of them without n2, whichever configuration the winner's log holds. n2
// standing only competes with them, so it must wait to hear from their leader.
func TestRemovedNodeDoesNotStandWhenOthersCanWin(t *testing.T) {
	r := removedAfterLostQuorum(t)
	for range 3 {
		r.now = r.electionDeadline
		r.Tick()
		require.Equal(t, Follower, r.role, "a removed node does not stand")
		require.Empty(t, r.take(), "nor sends vote requests")
	}
	r.Step("n3", &message{Type: msgTimeoutNow, Term: r.term})
	require.Equal(t, Follower, r.role, "nor campaigns on TimeoutNow")
	require.Empty(t, r.take())
}

// TestRemainingVoterWinsWithOldConfig: n3 missed the removal entry, so it still counts votes
// in {n1, n2, n3}; n1 alone completes its quorum, so n2 is not needed for liveness.
func TestRemainingVoterWinsWithOldConfig(t *testing.T) {
	r := withLog(newTestRaft("n3", ids3...), 1)
	r.term = 1
	r.now = r.electionDeadline
	r.Tick()
	require.Equal(t, PreCandidate, r.role)
	r.take()
	r.Step("n2", &message{Type: msgPreVoteResp, Term: 1, Reject: true})
	r.Step("n1", &message{Type: msgPreVoteResp, Term: 2})
	require.Equal(t, Candidate, r.role)
	r.take()
	r.Step("n2", &message{Type: msgVoteResp, Term: 2, Reject: true})
	r.Step("n1", &message{Type: msgVoteResp, Term: 2})
	require.Equal(t, Leader, r.role, "n1 and n3 are a quorum of the old configuration")
}

// TestScenarioLiveness73762 replays the shrunk campaign failure with its system knobs.
func TestScenarioLiveness73762(t *testing.T) { replayScenario(t, "testdata/liveness-73762.json") }

// removeSelfAndLoseQuorum elects r, has follower acker match the first entry, proposes r's
// own removal and lets two election timeouts pass with no answers: r steps down, its
// removal appended but not committed.
func removeSelfAndLoseQuorum(t *testing.T, r *raft, acker nodeapi.NodeID) *raft {
	t.Helper()
	r = electLeader(t, r)
	r.Persisted(1, r.term)
	r.Step(acker, &message{Type: msgAppResp, Term: r.term, Index: 1})
	_, st, _ := r.ProposeConfChange(r.id, false)
	require.Equal(t, statusOK, st)
	for range 2 {
		r.now += r.cfg.ElectionTimeout
		r.Tick()
	}
	require.Equal(t, Follower, r.role, "lost its quorum of the new configuration")
	return r
}
