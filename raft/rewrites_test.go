package raft

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// copyLog is a deep copy of l, to compare a log before and after something that must only
// read it.
func copyLog(l *raftLog) raftLog {
	c := *l
	c.entries = append([]Entry(nil), l.entries...)
	for i := range c.entries {
		c.entries[i].Data = append([]byte(nil), c.entries[i].Data...)
	}
	c.confs = append([]confRecord(nil), l.confs...)
	c.history = append([]rewrite(nil), l.history...)
	return c
}

// The invariant checker must not write into the system it checks: every check, incremental
// or full, leaves the node's log exactly as it was.
func TestCheckerLeavesTheLogAlone(t *testing.T) {
	g := newGhost()
	n := ghostNode([]uint64{1, 1, 2}, 3)
	g.watch("n1", n)
	l := n.r.log
	step := func(change func()) {
		change()
		before := copyLog(l)
		require.NoError(t, g.check("n1"))
		require.True(t, reflect.DeepEqual(before, copyLog(l)), "check wrote into the log")
	}
	step(func() {})
	step(func() { l.append(Entry{Index: 4, Term: 2}) })
	step(func() { l.truncateFrom(3); l.append(Entry{Index: 3, Term: 3}) })
	step(func() { l.compact(2) })
	step(func() { g.rewatch("n1") })
}

// Checks stay incremental without a watermark in the log: an entry seen once is not visited
// again unless a truncation rewrote it, and a full sweep (rewatch) visits everything.
func TestCheckerSeesOnlyWhatChanged(t *testing.T) {
	g := newGhost()
	n1, n2 := ghostNode([]uint64{1, 1, 2}, 3), ghostNode([]uint64{1, 1, 2}, 3)
	n1.r.log.entries[1].Data = []byte("a")
	n2.r.log.entries[1].Data = []byte("a")
	g.watch("n1", n1)
	g.watch("n2", n2)
	require.NoError(t, g.check("n1"))
	require.NoError(t, g.check("n2"))

	// Changed behind the log's back (no rewrite recorded): an incremental check does not
	// look at entry 2 again, a full sweep does and finds it differs from n1's.
	n2.r.log.entries[1].Data = []byte("b")
	require.NoError(t, g.check("n2"), "an incremental check revisited a seen entry")
	g.rewatch("n2")
	var v *Violation
	require.ErrorAs(t, g.check("n2"), &v)
	require.Equal(t, LogMatching, v.Invariant)

	// A truncation is recorded, so the rewritten entries are checked again.
	n2.r.log.entries[1].Data = []byte("a")
	require.NoError(t, g.check("n2"))
	n2.r.log.truncateFrom(2)
	n2.r.log.append(Entry{Index: 2, Term: 1, Data: []byte("c")}, Entry{Index: 3, Term: 2})
	require.ErrorAs(t, g.check("n2"), &v)
	require.Equal(t, LogMatching, v.Invariant)
	require.Contains(t, v.Detail, "n2 holds entry 2@1")
}

// A leader that rewrites its log between two checks breaks Leader Append-Only; the checker
// learns of it from the rewrite history alone.
func TestCheckerSeesALeaderTruncate(t *testing.T) {
	g := newGhost()
	n := ghostLeader([]uint64{1, 2, 2}, 2, 0)
	g.watch("n1", n)
	require.NoError(t, g.check("n1"))
	n.r.log.append(Entry{Index: 4, Term: 2})
	require.NoError(t, g.check("n1"), "appending is fine")
	n.r.log.truncateFrom(3)
	err := g.check("n1")
	var v *Violation
	require.ErrorAs(t, err, &v)
	require.Equal(t, LeaderAppendOnly, v.Invariant)
	require.Contains(t, err.Error(), "leader n1 of term 2 changed its log at index 3 (last was 4)")
}

func TestRewrittenSince(t *testing.T) {
	l := newRaftLog([]nodeapi.NodeID{"n1"})
	for i := uint64(1); i <= 9; i++ {
		l.append(Entry{Index: i, Term: 1})
	}
	_, ok := l.rewrittenSince(0)
	require.False(t, ok, "appends are not rewrites")

	l.truncateFrom(8) // rewrite 1
	l.append(Entry{Index: 8, Term: 2})
	l.truncateFrom(5) // rewrite 2 hides rewrite 1 from older observers
	l.append(Entry{Index: 5, Term: 3}, Entry{Index: 6, Term: 3}, Entry{Index: 7, Term: 3})
	l.truncateFrom(7) // rewrite 3
	low := func(seq uint64) uint64 {
		i, ok := l.rewrittenSince(seq)
		require.True(t, ok)
		return i
	}
	require.Equal(t, uint64(5), low(0))
	require.Equal(t, uint64(5), low(1))
	require.Equal(t, uint64(7), low(2))
	_, ok = l.rewrittenSince(3)
	require.False(t, ok)
	require.Len(t, l.history, 2, "rewrite 1 is dominated by rewrite 2")

	l.compact(6) // the first index is 7: rewrite 2 now reads as rewrite 3 does
	require.Len(t, l.history, 1)
	require.Equal(t, uint64(7), low(0))
	require.Equal(t, uint64(7), low(2))
	l.reset(20, 4, []nodeapi.NodeID{"n1"}) // rewrite 4 replaces all history
	require.Len(t, l.history, 1)
	require.Equal(t, uint64(21), low(0))
	require.Equal(t, uint64(21), low(3))
}
