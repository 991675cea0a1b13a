package netfault

import (
	"math/bits"
	"math/rand/v2"
)

// The per-datagram draws (loss, corruption, duplication, latency, spike) read the link's
// PCG directly instead of through its *rand.Rand, whose Source interface cost an indirect
// call per draw. They consume the stream exactly as rand.Rand's Float64 and Int64N do, so
// the two may be mixed on one link (flipBit and admit still use the Rand) and every run
// draws what it drew before; draw_test.go compares them value by value.

// chance reports true with probability p. It draws nothing when p == 0, so a link with a
// fault switched off consumes no randomness for it.
func chance(src *rand.PCG, p float64) bool {
	return p > 0 && float64(src.Uint64()<<11>>11)/(1<<53) < p
}

// int64n is rand.Rand.Int64N on src for n > 0 (a 64-bit platform's algorithm: a mask for
// a power of two, else Lemire's multiply with rejection).
func int64n(src *rand.PCG, n int64) int64 {
	u := uint64(n)
	if u&(u-1) == 0 {
		return int64(src.Uint64() & (u - 1))
	}
	hi, lo := bits.Mul64(src.Uint64(), u)
	if lo < u {
		thresh := -u % u
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), u)
		}
	}
	return int64(hi)
}
