package model

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"
)

func TestIllegalKeysAreNamedInOrder(t *testing.T) {
	h := []Operation{
		at(0, 0, 10).do(put("zeta", "1"), done()),
		at(1, 20, 30).do(get("zeta"), found("2")), // illegal
		at(0, 0, 10).do(put("alpha", "1"), done()),
		at(1, 20, 30).do(get("alpha"), found("1")), // fine
		at(2, 0, 10).do(put("mid", "1"), done()),
		at(2, 20, 30).do(get("mid"), absentOutcome()), // illegal
		at(2, 40, 50).do(get("mid"), found("1")),
	}
	v := requireIllegal(t, h)
	require.Equal(t, []string{"mid", "zeta"}, v.IllegalKeys)
	require.Equal(t, []int{3, 2}, v.IllegalOps)
	want := `not linearizable: 7 operations over 3 keys; illegal keys: "mid" (3 ops), ` +
		`"zeta" (2 ops)`
	require.Equal(t, want, v.Message())
	for range 20 { // goroutines inside porcupine must not leak into the message
		require.Equal(t, want, Check(h).Message())
	}
}

func TestLinearizableMessage(t *testing.T) {
	v := Check([]Operation{at(0, 0, 1).do(put("a", "x"), done())})
	require.True(t, v.Linearizable())
	require.Equal(t, "linearizable: 1 operations over 1 keys", v.Message())
	empty := Check(nil)
	require.True(t, empty.Linearizable())
	require.True(t, CheckOk(nil))
}

func TestMalformedHistoryIsReportedNotChecked(t *testing.T) {
	good := at(0, 10, 20).do(put("k", "x"), done())
	cases := map[string]Operation{
		"invalid operation kind 0": at(0, 0, 1).do(Op{Key: "k"}, done()),
		"invalid operation kind 9": at(0, 0, 1).do(Op{Kind: 9, Key: "k"}, done()),
		"negative client ID -2":    at(-2, 0, 1).do(get("k"), done()),
		"negative call time -5":    at(0, -5, 1).do(get("k"), done()),
		"returns at 3 before its call at 7": at(0, 7, 3).do(get("k"),
			absentOutcome()),
	}
	for msg, bad := range cases {
		v := Check([]Operation{good, bad})
		require.ErrorContains(t, v.Err, "history operation 1")
		require.ErrorContains(t, v.Err, msg)
		require.Equal(t, porcupine.Illegal, v.Ok)
		require.False(t, v.Linearizable())
		require.Contains(t, v.Message(), "malformed history: ")
		require.False(t, CheckOk([]Operation{good, bad}))
	}
	// An unknown outcome may carry any return time: it is replaced by Never.
	require.NoError(t, Validate([]Operation{at(0, 7, 3).do(put("k", "x"), unknown())}))
}

// TestGeneratedHistories checks histories built from a real store (always linearizable),
// then breaks one read in each and expects exactly that read's key to be named.
func TestGeneratedHistories(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 1))
		h := genHistory(rng, genOptions{clients: 4, keys: 3, ops: 120, unknownRate: 0.1})
		v := Check(h)
		require.True(t, v.Linearizable(), "seed %d: %s", seed, v.Message())
		require.True(t, CheckOk(h), "seed %d", seed)

		i := breakRead(rng, h)
		if i < 0 {
			continue
		}
		v = Check(h)
		require.Equal(t, []string{h[i].Op.Key}, v.IllegalKeys, "seed %d", seed)
		require.False(t, CheckOk(h), "seed %d", seed)
	}
}

// completedRead picks a get with a known outcome, or returns -1.
func completedRead(rng *rand.Rand, h []Operation) int {
	var reads []int
	for i, o := range h {
		if o.Op.Kind == Get && !o.Outcome.Unknown {
			reads = append(reads, i)
		}
	}
	if len(reads) == 0 {
		return -1
	}
	return reads[rng.IntN(len(reads))]
}

// breakRead makes a completed read (completedRead's pick) return a value never written,
// which no linearization explains, and returns its index, or -1 when h has no such read.
func breakRead(rng *rand.Rand, h []Operation) int {
	i := completedRead(rng, h)
	if i >= 0 {
		h[i].Outcome = found("never written")
	}
	return i
}

func TestToPorcupine(t *testing.T) {
	h := []Operation{
		at(2, 5, 9).do(get("k"), found("x")),
		at(1, 5, 9).do(put("k", "y"), unknown()),
	}
	ops := ToPorcupine(h)
	require.Len(t, ops, 2)
	require.Equal(t, 2, ops[0].ClientId)
	require.Equal(t, get("k"), ops[0].Input)
	require.Equal(t, found("x"), ops[0].Output)
	require.Equal(t, int64(5), ops[0].Call)
	require.Equal(t, int64(9), ops[0].Return)
	require.Equal(t, Never, ops[1].Return)
	require.Equal(t, `c1 [5, inf] put(k, "y") -> ?`, KV.FormatOperation(h[1]))
	require.Equal(t, `c2 [5, 9] get(k) -> "x"`, KV.FormatOperation(h[0]))
}

// slowKey returns operations on key that cost porcupine factorial time to refute: many
// concurrent writes of unknown outcome, then a read no order of them can produce.
func slowKey(key string, writes int) []Operation {
	var h []Operation
	for i := range writes {
		h = append(h, at(i, 0, Never).do(appendOp(key, string(rune('a'+i))), unknown()))
	}
	return append(h, at(writes, 10, 20).do(get(key), found("impossible")))
}

func TestCheckStopsAtTheFirstProof(t *testing.T) {
	h := slowKey("slow", 16)
	h = append(h, at(20, 0, 10).do(put("fast", "x"), done()),
		at(20, 20, 30).do(get("fast"), found("y")))
	v := requireIllegal(t, h)
	require.Equal(t, []string{"fast"}, v.IllegalKeys)
	require.Equal(t, []string{"slow"}, v.UndecidedKeys)
	require.Equal(t, `not linearizable: 19 operations over 2 keys; illegal keys: "fast" `+
		`(2 ops); keys left undecided: 1`, v.Message())
	var page strings.Builder
	require.NoError(t, WriteHTML(&page, h, v, nil))
	require.Contains(t, page.String(), `append(slow, \"p\") -\u003e ?`)
}

func TestCheckGrowsTheBudget(t *testing.T) {
	var h []Operation
	for i := range int64(40) {
		h = append(h, at(0, 20*i, 20*i+10).do(appendOp("k", "x"), done()))
	}
	want := strings.Repeat("x", 40)
	h = append(h, at(0, 1000, 1010).do(get("k"), found(want)))
	ops := ToPorcupine(h)
	ki := indexKeys(h)
	keys, counts := ki.keys, ki.counts
	var v Verdict
	require.False(t, v.checkWithin(KV, ops, keys, counts, 10), "41 steps cannot fit in 10")
	require.True(t, v.checkWithin(KV, ops, keys, counts, 100))
	require.True(t, v.Linearizable())

	h[len(h)-1].Outcome = found(want + "x")
	ops = ToPorcupine(h)
	require.False(t, v.checkWithin(KV, ops, keys, counts, 10), "an undecided key proves nothing")
	require.True(t, v.checkWithin(KV, ops, keys, counts, 100))
	require.Equal(t, []string{"k"}, v.IllegalKeys)
}

// A search that reaches the most steps it may take without a proof either way ends in an
// undecided verdict: not linearizable, not a violation, and saying so.
func TestCheckGivesUpUndecided(t *testing.T) {
	h := slowKey("slow", 12)
	h = append(h, at(20, 0, 10).do(put("fast", "x"), done()),
		at(20, 20, 30).do(get("fast"), found("x")))
	ki := indexKeys(h)
	keys, counts := ki.keys, ki.counts
	v := KV.checkUpTo(Verdict{Ops: len(h), Keys: len(keys), w: KV}, h, keys, counts, 1000)
	require.False(t, v.Decided())
	require.False(t, v.Linearizable())
	require.Equal(t, []string{"slow"}, v.UndecidedKeys)
	require.Empty(t, v.IllegalKeys)
	require.Equal(t, `undecided: 15 operations over 2 keys; the search gave up after 1000 `+
		`model steps on keys ["slow"], neither linearizable nor proven not`, v.Message())
	var page strings.Builder
	require.NoError(t, WriteHTML(&page, h, v, nil), "the view renders an undecided verdict")

	decided := Check(h[len(h)-2:])
	require.True(t, decided.Decided())
	require.True(t, decided.Linearizable())
}

// The liveness probe's writes are counted apart from the client operations: "3 operations
// over 2 keys" used to count the probe's key among the workload's keys.
func TestMessageCountsTheProbeApart(t *testing.T) {
	h := []Operation{
		at(0, 0, 10).do(put("k0", "1"), done()),
		at(1, 20, 30).do(get("k0"), found("2")), // illegal
		at(2, 40, 50).do(put(ProbeKey, "probe"), done()),
		at(2, 60, 70).do(put(ProbeKey, "probe"), done()),
	}
	v := requireIllegal(t, h)
	require.Equal(t, `not linearizable: 2 operations over 1 keys (and 2 probe writes); `+
		`illegal keys: "k0" (2 ops)`, v.Message())
	v = Check(h[2:])
	require.Equal(t, "linearizable: 0 operations over 0 keys (and 2 probe writes)",
		v.Message())
	require.Equal(t, 2, v.ProbeOps)
	require.Equal(t, 2, v.Ops, "Ops counts every operation of the history")
}
