package model

import (
	"math/rand/v2"
	"testing"
)

// benchHistory is the standard workload's shape: 3 closed-loop clients over 8 keys, about
// 300 operations, half reads, a few writes of unknown outcome.
func benchHistory() []Operation {
	rng := rand.New(rand.NewPCG(1, 2))
	return genHistory(rng, genOptions{clients: 3, keys: 8, ops: 300, unknownRate: 0.03})
}

func BenchmarkCheck(b *testing.B) {
	h := benchHistory()
	if !Check(h).Linearizable() {
		b.Fatal("benchmark history must be linearizable")
	}
	for b.Loop() {
		Check(h)
	}
}

func BenchmarkCheckOk(b *testing.B) {
	h := benchHistory()
	for b.Loop() {
		if !CheckOk(h) {
			b.Fatal("benchmark history must be linearizable")
		}
	}
}

// BenchmarkCheckIllegal measures the failing path: one read in the middle is broken.
func BenchmarkCheckIllegal(b *testing.B) {
	h := benchHistory()
	breakRead(rand.New(rand.NewPCG(3, 4)), h)
	b.Run("Check", func(b *testing.B) {
		for b.Loop() {
			if Check(h).Linearizable() {
				b.Fatal("must be illegal")
			}
		}
	})
	b.Run("CheckOk", func(b *testing.B) {
		for b.Loop() {
			if CheckOk(h) {
				b.Fatal("must be illegal")
			}
		}
	})
}
