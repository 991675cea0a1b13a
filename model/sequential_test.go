package model

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// Check's proof of keys before porcupine (sequential keys decided by stepping the model,
// the others by the searcher) must give porcupine's verdict: on histories with one client
// (every key sequential), several clients over many keys (some keys sequential) and few
// keys (none), each also with one read broken, Check's message equals checkVerbose's.
func TestSequentialShortcutAgreesWithPorcupine(t *testing.T) {
	shapes := []genOptions{
		{clients: 1, keys: 3, ops: 60, unknownRate: 0.1},
		{clients: 3, keys: 12, ops: 40, unknownRate: 0.1},
		{clients: 4, keys: 2, ops: 80, unknownRate: 0.1},
	}
	shortcut := 0
	for _, o := range shapes {
		for seed := range uint64(100) {
			rng := rand.New(rand.NewPCG(seed, 7))
			h := genHistory(rng, o)
			for broken := range 2 {
				if broken == 1 && breakRead(rng, h) < 0 {
					continue
				}
				got, want := KV.Check(h), KV.checkVerbose(h)
				require.Equal(t, want.Message(), got.Message(), "%+v seed %d broken %d",
					o, seed, broken)
				require.Equal(t, want.Ok, got.Ok)
				require.Equal(t, want.IllegalKeys, got.IllegalKeys)
				if !got.verbose {
					shortcut++
				}
				if !got.Linearizable() {
					require.True(t, got.verbose, "a failing verdict keeps the HTML view's data")
				}
			}
		}
	}
	require.Positive(t, shortcut, "some histories pass without porcupine")
}

// A key is sequential only when each operation returns strictly before the next is called:
// two that touch at an instant are concurrent (porcupine orders a call before a return at
// the same time), and an unknown outcome (Return Never) overlaps everything after it. A
// sequential key is linearizable exactly when the model accepts its operations in order.
func TestSequentialKeysNeedStrictGaps(t *testing.T) {
	s := newSearcher(KV)
	sequential := func(h []Operation) bool {
		s.sortEntries(h, []int32{0, 1})
		return s.sequential()
	}
	linearizable := func(h []Operation) bool {
		return s.linearizable(h, []int32{0, 1}, maxStepBudget)
	}
	h := []Operation{at(0, 1, 2).do(put("k", "a"), done()), at(1, 3, 4).do(get("k"), found("a"))}
	require.True(t, sequential(h))
	require.True(t, linearizable(h))
	h = []Operation{at(0, 1, 3).do(put("k", "a"), done()), at(1, 3, 4).do(get("k"), found("a"))}
	require.False(t, sequential(h), "touching at an instant is concurrent")
	require.True(t, linearizable(h))
	h = []Operation{
		at(0, 1, Never).do(put("k", "a"), unknown()), at(1, 3, 4).do(get("k"), found("a"))}
	require.False(t, sequential(h), "an unknown outcome overlaps what follows")
	require.True(t, linearizable(h))
	h = []Operation{
		at(1, 3, 4).do(get("k"), absentOutcome()), at(0, 5, Never).do(put("k", "a"), unknown())}
	require.True(t, sequential(h),
		"an unknown outcome last is sequential; history order need not be call order")
	require.True(t, linearizable(h))
	h = []Operation{at(0, 1, 2).do(put("k", "a"), done()), at(1, 3, 4).do(get("k"), found("b"))}
	require.True(t, sequential(h))
	require.False(t, linearizable(h), "a step the model refuses")
}

// A passing verdict from the shortcut lacks porcupine's data; WriteHTML computes it.
func TestWriteHTMLAfterTheShortcut(t *testing.T) {
	h := []Operation{at(0, 1, 2).do(put("k", "a"), done()), at(0, 3, 4).do(get("k"), found("a"))}
	v := Check(h)
	require.True(t, v.Linearizable())
	require.False(t, v.verbose, "one client's history passes without porcupine")
	var b []byte
	w := &sliceWriter{&b}
	require.NoError(t, WriteHTML(w, h, v, nil))
	require.Contains(t, string(b), "put")
}

type sliceWriter struct{ b *[]byte }

func (w *sliceWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }
