package model

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"
)

// porcupineSteps runs porcupine on one key's operations and counts its model steps.
func porcupineSteps(ops []Operation) (bool, int) {
	m := KV.Model()
	steps := 0
	step := m.Step
	m.Step = func(state, input, output any) (bool, any) {
		steps++
		return step(state, input, output)
	}
	ok := porcupine.CheckOperations(m, ToPorcupine(ops))
	return ok, steps
}

// The searcher must linearize a key exactly when porcupine does and, since Check's budget
// counts porcupine's steps, within exactly porcupine's number of steps: it passes with that
// many and fails with one fewer. Shapes: few and many clients, unknown outcomes, times
// rounded so that calls and returns tie, histories in reverse (far from sorted), each also
// with one read broken.
func TestSearchTakesPorcupinesSteps(t *testing.T) {
	shapes := []genOptions{
		{clients: 2, keys: 1, ops: 60, unknownRate: 0.1},
		{clients: 4, keys: 2, ops: 120, unknownRate: 0.2},
		{clients: 6, keys: 3, ops: 150, unknownRate: 0.3},
	}
	s := newSearcher(KV)
	searched := 0
	for _, o := range shapes {
		for seed := range uint64(40) {
			rng := rand.New(rand.NewPCG(seed, 11))
			h := genHistory(rng, o)
			if seed%2 == 1 { // ties: widen every interval to multiples of 40
				for i := range h {
					h[i].Call = h[i].Call / 40 * 40
					if !h[i].Outcome.Unknown {
						h[i].Return = (h[i].Return + 39) / 40 * 40
					}
				}
			}
			if seed%3 == 2 {
				slices.Reverse(h)
			}
			for broken := range 2 {
				if broken == 1 && breakRead(rng, h) < 0 {
					continue
				}
				ki := indexKeys(h)
				keys := ki.keys
				start, byKey := ki.groups()
				for k := range keys {
					idx := byKey[start[k]:start[k+1]]
					ops := make([]Operation, len(idx))
					for j, i := range idx {
						ops[j] = h[i]
					}
					ok, steps := porcupineSteps(ops)
					at := "shape %+v seed %d broken %d key %s"
					if !ok {
						require.False(t, s.linearizable(h, idx, maxStepBudget), at, o, seed,
							broken, keys[k])
						continue
					}
					searched++
					require.True(t, s.linearizable(h, idx, steps), at, o, seed, broken, keys[k])
					require.False(t, s.linearizable(h, idx, steps-1), at, o, seed, broken,
						keys[k])
				}
			}
		}
	}
	require.Positive(t, searched)
}

// Check's verdict with the search equals porcupine's on the same history (checkVerbose),
// on histories where many keys are concurrent.
func TestSearchAgreesWithPorcupine(t *testing.T) {
	for seed := range uint64(60) {
		rng := rand.New(rand.NewPCG(seed, 13))
		h := genHistory(rng, genOptions{clients: 5, keys: 4, ops: 160, unknownRate: 0.15})
		if seed%3 == 0 {
			breakRead(rng, h)
		}
		got, want := KV.Check(h), KV.checkVerbose(h)
		require.Equal(t, want.Message(), got.Message(), "seed %d", seed)
		require.Equal(t, want.Ok, got.Ok, "seed %d", seed)
		require.Equal(t, want.IllegalKeys, got.IllegalKeys, "seed %d", seed)
	}
}

// The subtle failures: a read that returns what another read of its key returned, a value
// that was current at some time, just perhaps not within the read's interval. Whether the
// history stays linearizable then depends on real-time order alone, which is what the
// search must respect as porcupine does. Both verdicts must occur, and agree every time.
func TestSearchAgreesOnBorrowedReads(t *testing.T) {
	passed, failed := 0, 0
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 17))
		h := genHistory(rng, genOptions{clients: 4, keys: 2, ops: 80, unknownRate: 0.1})
		i := completedRead(rng, h)
		if i < 0 {
			continue
		}
		var donors []int
		for j, o := range h {
			if j != i && o.Op.Kind == Get && !o.Outcome.Unknown && o.Op.Key == h[i].Op.Key &&
				o.Outcome.Result != h[i].Outcome.Result {
				donors = append(donors, j)
			}
		}
		if len(donors) == 0 {
			continue
		}
		h[i].Outcome = h[donors[rng.IntN(len(donors))]].Outcome
		got, want := KV.Check(h), KV.checkVerbose(h)
		require.Equal(t, want.Ok, got.Ok, "seed %d", seed)
		require.Equal(t, want.IllegalKeys, got.IllegalKeys, "seed %d", seed)
		if want.Linearizable() {
			passed++
		} else {
			failed++
		}
	}
	require.Positive(t, passed, "no borrowed read stayed linearizable")
	require.Positive(t, failed, "no borrowed read broke linearizability")
}
