package lockd

import (
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// smStep applies a command of session 1 with the given sequence number.
func smStep(sm *stateMachine, index, seq uint64, kind nodeapi.Kind, lock, owner string) (
	nodeapi.Result, bool, *Grant) {
	e := Entry{Term: 1, Session: 1, Seq: seq, Op: nodeapi.Op{Kind: kind, Key: lock,
		Value: owner}}
	res, answers, g, _ := sm.apply(index, &e)
	return res, answers, g
}

func TestLockSemantics(t *testing.T) {
	sm := newStateMachine()
	res, _, g := smStep(sm, 1, 1, Acquire, "l", "c1")
	require.Equal(t, nodeapi.Result{OK: true, Value: "1"}, res)
	require.Equal(t, &Grant{Lock: "l", Owner: "c1", Token: 1, Index: 1}, g)
	res, _, g = smStep(sm, 2, 2, Acquire, "l", "c1")
	require.Equal(t, nodeapi.Result{OK: true, Value: "1"}, res, "the holder again")
	require.Nil(t, g)
	res, _, _ = smStep(sm, 3, 3, Acquire, "l", "c2")
	require.False(t, res.OK)
	res, _, _ = smStep(sm, 4, 4, Release, "l", "c2")
	require.False(t, res.OK)
	res, _, _ = smStep(sm, 5, 5, Holder, "l", "")
	require.Equal(t, nodeapi.Result{Found: true, Value: "c1#1"}, res)
	res, _, _ = smStep(sm, 6, 6, Release, "l", "c1")
	require.True(t, res.OK)
	res, _, _ = smStep(sm, 7, 7, Holder, "l", "")
	require.False(t, res.Found)
	res, _, g = smStep(sm, 8, 8, Acquire, "l", "c2")
	require.Equal(t, "2", res.Value, "the token outlives the release")
	require.Equal(t, uint64(2), g.Token)
}

// A retry of the session's latest command answers again without applying again; an older
// one answers nobody and changes nothing.
func TestSessionsApplyEachCommandOnce(t *testing.T) {
	sm := newStateMachine()
	smStep(sm, 1, 1, Acquire, "l", "c1")
	res, answers, _ := smStep(sm, 2, 2, Release, "l", "c1")
	require.True(t, res.OK && answers)
	res, answers, _ = smStep(sm, 3, 2, Release, "l", "c1")
	require.True(t, res.OK && answers, "the retry gets the first answer, not 'not held'")
	_, answers, g := smStep(sm, 4, 1, Acquire, "l", "c1")
	require.False(t, answers)
	require.Nil(t, g, "a stale acquire must not grant again")
	require.Equal(t, "", sm.locks["l"].owner)
	cached, ok := sm.cached(1, 2)
	require.True(t, ok && cached.OK)
	_, ok = sm.cached(1, 1)
	require.False(t, ok)
}

func TestSessionTableIsBounded(t *testing.T) {
	sm := newStateMachine()
	for i := range uint64(maxSessions + 10) {
		e := Entry{Term: 1, Session: i + 1, Seq: 1, Op: nodeapi.Op{Kind: Holder, Key: "l"}}
		sm.apply(i+1, &e)
	}
	require.Len(t, sm.sessions, maxSessions)
	require.Nil(t, sm.sessions[1], "the longest idle session goes first")
	require.NotNil(t, sm.sessions[maxSessions+10])
}

// Replicas that apply the same entries agree on the digest; a different outcome shows.
func TestDigestFollowsTheState(t *testing.T) {
	a, b := newStateMachine(), newStateMachine()
	smStep(a, 1, 1, Acquire, "l", "c1")
	smStep(b, 1, 1, Acquire, "l", "c1")
	require.Equal(t, a.digest, b.digest)
	smStep(a, 2, 2, Release, "l", "c1")
	smStep(b, 2, 2, Release, "l", "c2")
	require.NotEqual(t, a.digest, b.digest)
}
