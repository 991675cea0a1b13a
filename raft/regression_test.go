package raft

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Regression tests for campaign seed 4197 (liveness): a torn write of the WAL segment that a
// restarting node rotates to erased entries the older segment held durably and the node had
// acknowledged; its leader then probed it in an endless storm of AppendEntries.

// termsLog returns a log holding entries with the given terms (index 1, 2, ...).
func termsLog(terms ...uint64) *raftLog {
	l := newRaftLog(ids3)
	for i, t := range terms {
		l.append(Entry{Index: uint64(i + 1), Term: t, Type: entryNoop})
	}
	return l
}

func TestReplayKeepsEntriesItAlreadyHolds(t *testing.T) {
	raw := termsLog(1, 2, 2)
	require.NoError(t, replayEntry(raw, Entry{Index: 1, Term: 1, Type: entryNoop}))
	require.NoError(t, replayEntry(raw, Entry{Index: 2, Term: 2, Type: entryNoop}))
	require.Equal(t, []uint64{1, 2, 2}, logTerms(raw), "the same entries again keep the suffix")

	require.NoError(t, replayEntry(raw, Entry{Index: 2, Term: 3, Type: entryNoop}))
	require.Equal(t, []uint64{1, 3}, logTerms(raw), "a conflicting entry replaces the suffix")
	require.NoError(t, replayEntry(raw, Entry{Index: 3, Term: 3, Type: entryNoop}))
	require.Equal(t, []uint64{1, 3, 3}, logTerms(raw))
}

// TestRecoveryAfterTornRotationKeepsDurableEntries is what a node does at every start: rotate
// to a new segment holding its whole log, then crash with that write torn. The entries past
// the tear are still durable in the older segment and must survive.
func TestRecoveryAfterTornRotationKeepsDurableEntries(t *testing.T) {
	disk := newMemDisk()
	w := wal{disk: disk}
	log := termsLog(1, 2, 2)
	_, err := w.rotate(2, "n3", log)
	require.NoError(t, err)
	_, err = w.rotate(2, "n3", log)
	require.NoError(t, err)
	segs := disk.List()
	require.Len(t, segs, 2)
	last := segs[1]
	offs := frameOffsets(t, disk.files[last])
	require.Len(t, offs, 5, "hard state, base and three entries")
	disk.files[last] = disk.files[last][:offs[4]+wire.RecordHeader+1] // entry 3 torn

	rec, err := recoverDisk(disk, ids3)
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2, 2}, logTerms(rec.log), "entry 3 is durable in %s", segs[0])
	require.Equal(t, uint64(2), rec.term)
	require.Equal(t, nodeapi.NodeID("n3"), rec.vote)
}

// TestLeaderDoesNotAnswerARejectAtMatchAtOnce: backing off cannot pass match, so a probe
// rejected at match is retried by the heartbeat, not at once (that would add one endless
// exchange per heartbeat).
func TestLeaderDoesNotAnswerARejectAtMatchAtOnce(t *testing.T) {
	r := asCandidate(withLog(newTestRaft("n1", ids3...), 1, 1, 1), 2)
	r.becomeLeader() // no-op at 4
	r.take()
	pr := r.progress("n2")
	r.Step("n2", &message{Type: msgAppResp, Term: 2, Index: 3})
	require.Equal(t, uint64(3), pr.match)
	require.Equal(t, uint64(3), takeOne(t, r, msgApp).PrevIndex, "entry 4 streamed")

	// n2 lost entries 3 and 4: the first reject turns it to probing at match.
	r.Step("n2", &message{Type: msgAppResp, Term: 2, Reject: true, Index: 4, HintIndex: 3})
	require.Equal(t, uint64(3), takeOne(t, r, msgApp).PrevIndex)
	r.Step("n2", &message{Type: msgAppResp, Term: 2, Reject: true, Index: 3, HintIndex: 3})
	require.Empty(t, r.take(), "a reject that cannot move next is left to the heartbeat")
	require.Equal(t, uint64(4), pr.next)

	r.now += r.cfg.HeartbeatInterval
	r.Tick()
	var probes int
	for _, om := range r.take() {
		if om.to == "n2" && om.m.Type == msgApp {
			probes++
			require.Equal(t, uint64(3), om.m.PrevIndex)
		}
	}
	require.Equal(t, 1, probes, "the heartbeat probes again")
}

// TestScenarioLiveness4197 replays the shrunk campaign failure with its system knobs.
func TestScenarioLiveness4197(t *testing.T) { replayScenario(t, "testdata/liveness-4197.json") }

// replayScenario runs a saved scenario, with its knobs, and requires it to pass.
func replayScenario(t *testing.T, path string) {
	t.Helper()
	s, err := scenario.LoadScenario(path)
	require.NoError(t, err)
	cfg := DefaultConfig()
	require.NoError(t, cfg.ApplyKnobs(s.System))
	sys, err := NewSystem(cfg)
	require.NoError(t, err)
	res, err := harness.Run(s, sys, harness.RunOptions{TraceTail: 400})
	require.NoError(t, err)
	if res.Failure != nil {
		for _, l := range res.TraceTail {
			t.Log(l)
		}
	}
	require.Nil(t, res.Failure)
}
