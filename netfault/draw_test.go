package netfault

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The direct draws must consume a link's stream exactly as rand.Rand does and return the
// same values, interleaved with draws through the Rand on the same source: a difference
// would change every run's network fates.
func TestDirectDrawsMatchRand(t *testing.T) {
	ns := []int64{1, 2, 3, 7, 8, 1000, 2_000_001, 1 << 40, 1<<62 + 1, math.MaxInt64}
	ps := []float64{0, 1e-9, 0.001, 0.01, 0.5, 0.999, 1}
	for seed := range uint64(50) {
		a, b := rand.NewPCG(seed, seed*7+1), rand.NewPCG(seed, seed*7+1)
		ra, rb := rand.New(a), rand.New(b)
		for i := range 2000 {
			n, p := ns[i%len(ns)], ps[i%len(ps)]
			if got, want := int64n(a, n), rb.Int64N(n); got != want {
				t.Fatalf("seed %d draw %d: int64n(%d) = %d, Int64N = %d", seed, i, n, got, want)
			}
			want := p > 0 && rb.Float64() < p
			if got := chance(a, p); got != want {
				t.Fatalf("seed %d draw %d: chance(%v) = %v, Rand = %v", seed, i, p, got, want)
			}
			if i%5 == 0 { // the Rand on the same source stays in step
				if x, y := ra.IntN(10), rb.IntN(10); x != y {
					t.Fatalf("seed %d draw %d: streams diverged", seed, i)
				}
			}
		}
	}
}

// A rejection in int64n (possible only when n does not divide 2^64) draws again as Int64N
// does: with n = 3<<61, 2^64 mod n is 2^62, so a quarter of the first draws are rejected.
func TestInt64nRejectsLikeRand(t *testing.T) {
	a, b := rand.NewPCG(3, 4), rand.NewPCG(3, 4)
	rb := rand.New(b)
	n := int64(3 << 61)
	for i := range 10000 {
		if got, want := int64n(a, n), rb.Int64N(n); got != want {
			t.Fatalf("draw %d: %d != %d", i, got, want)
		}
	}
	if a.Uint64() != b.Uint64() {
		t.Fatal("the streams diverged")
	}
}
