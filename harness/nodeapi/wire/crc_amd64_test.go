package wire

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// crc32c must be hash/crc32's CRC-32C for every length (each path of its eight, four, two
// and one byte steps, and the long inputs it hands over), every alignment and any crc to
// continue from.
func TestCRC32CMatchesHashCRC32(t *testing.T) {
	if !haveSSE42 {
		t.Log("the CPU has no SSE4.2: only the jump to hash/crc32 is tested")
	}
	defer func(have bool) { haveSSE42 = have }(haveSSE42)
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 600)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for _, haveSSE42 = range []bool{haveSSE42, false} { // false: as on a CPU without it
		for off := 0; off < 8; off++ {
			for n := 0; off+n <= len(buf); n++ {
				p := buf[off : off+n]
				crc := rng.Uint32()
				require.Equal(t, crc32.Update(crc, castagnoli, p), crc32c(crc, p),
					"offset %d length %d SSE4.2 %t", off, n, haveSSE42)
				require.Equal(t, crc32.Checksum(p, castagnoli), crc32c(0, p))
			}
		}
	}
}
