package journal

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func op(i int) Op {
	return Op{Kind: Append, Name: "log", Data: Exact([]byte(strconv.Itoa(i)))}
}

// names lists the data of ops, for comparisons that print well.
func names(ops []Op) []string {
	out := []string{}
	for _, o := range ops {
		out = append(out, string(o.Data))
	}
	return out
}

// A sync covers the ops made before it was asked for, not those made while it runs, and
// its Mark keeps covering them while earlier syncs trim the log.
func TestLogMarksCoverWhatCameBefore(t *testing.T) {
	var l Log
	require.Zero(t, l.Len())
	require.Equal(t, Mark(0), l.Mark())
	l.Append(op(0))
	l.Append(op(1))
	first := l.Mark()
	l.Append(op(2))
	second := l.Mark()
	l.Append(op(3))
	require.Equal(t, []string{"0", "1", "2", "3"}, names(l.Ops()))

	covered, after := l.Split(first)
	require.Equal(t, []string{"0", "1"}, names(covered))
	require.Equal(t, []string{"2", "3"}, names(after))
	l.Trim(len(covered))
	covered, after = l.Split(second)
	require.Equal(t, []string{"2"}, names(covered), "the second sync covers what it did")
	require.Equal(t, []string{"3"}, names(after))
	covered, _ = l.Split(first)
	require.Empty(t, covered, "a mark the log trimmed past covers nothing")
	l.Trim(1)
	require.Equal(t, 1, l.Len())
	require.Equal(t, Mark(4), l.Mark())
}

// Reset forgets the pending ops; positions go on from where they were, so a mark taken
// before covers nothing after.
func TestLogReset(t *testing.T) {
	var l Log
	l.Append(op(0))
	l.Append(op(1))
	m := l.Mark()
	l.Reset()
	require.Zero(t, l.Len())
	require.Empty(t, l.Ops())
	require.Nil(t, l.ops, "the array and the ops' data are let go")
	l.Append(op(2))
	covered, after := l.Split(m)
	require.Empty(t, covered)
	require.Equal(t, []string{"2"}, names(after))
	require.Equal(t, m+1, l.Mark())
}

// Trimming more than is pending is a caller's bug and says so.
func TestLogTrimTooMuchPanics(t *testing.T) {
	var l Log
	l.Append(op(0))
	require.PanicsWithValue(t, "journal: Trim(2) of a log of 1 pending ops",
		func() { l.Trim(2) })
	require.Panics(t, func() { l.Trim(-1) })
	l.Trim(0)
	require.Equal(t, 1, l.Len())
}

// Under any mix of appends and trims, one op at a time as the real disk's flush trims or
// many as the simulator's syncs do, the log is the ops appended minus those trimmed, in
// order; trimmed slots hold no data; and the array stays within four times the log's peak.
func TestLogAppendTrimMatchesAQueue(t *testing.T) {
	for seed := range uint64(50) {
		rng := rand.New(rand.NewPCG(seed, 0))
		var l Log
		var want []string
		next, peak := 0, 0
		for range 2000 {
			if rng.IntN(3) > 0 || len(want) == 0 {
				l.Append(op(next))
				want = append(want, strconv.Itoa(next))
				next++
			} else {
				n := 1 + rng.IntN(len(want))
				if rng.IntN(2) == 0 {
					n = 1
				}
				l.Trim(n)
				want = want[n:]
			}
			peak = max(peak, len(want))
			require.Equal(t, len(want), l.Len())
			require.Equal(t, Mark(next), l.Mark())
			for _, o := range l.ops[:l.head] {
				require.Zero(t, o, "seed %d: a trimmed slot still holds an op", seed)
			}
		}
		require.Equal(t, want, names(l.Ops()), "seed %d", seed)
		require.LessOrEqual(t, cap(l.ops), 4*peak+8, "seed %d: the array outgrew the log",
			seed)
	}
}

// The log's steady use, appends and trims of a few ops, costs no allocation once the
// array has grown.
func TestLogSteadyStateAllocatesNothing(t *testing.T) {
	var l Log
	o := op(0)
	for range 64 {
		l.Append(o)
	}
	l.Trim(64)
	allocs := testing.AllocsPerRun(100, func() {
		for range 10 {
			l.Append(o)
		}
		l.Trim(3)
		l.Trim(l.Len())
	})
	require.Zero(t, allocs)
}
