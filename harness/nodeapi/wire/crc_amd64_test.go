package wire

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// The CRC32-instruction loop must be hash/crc32's CRC-32C for every length (each path of
// its eight, four, two and one byte steps), every alignment and any crc to continue from;
// so must crc32c, which hands long inputs over.
func TestCRC32CMatchesHashCRC32(t *testing.T) {
	if !haveSSE42 {
		t.Skip("the CPU has no SSE4.2")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 600)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for off := 0; off < 8; off++ {
		for n := 0; off+n <= len(buf); n++ {
			p := buf[off : off+n]
			crc := rng.Uint32()
			want := crc32.Update(crc, castagnoli, p)
			require.Equal(t, want, crc32cSSE42(crc, p), "offset %d length %d", off, n)
			require.Equal(t, want, crc32c(crc, p), "offset %d length %d", off, n)
			require.Equal(t, crc32.Checksum(p, castagnoli), crc32c(0, p))
		}
	}
}
