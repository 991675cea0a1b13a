package wire_test

import (
	"encoding/binary"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

func TestChecksumIsCRC32C(t *testing.T) {
	// The check value of CRC-32C (Castagnoli), as published with the polynomial.
	require.Equal(t, uint32(0xe3069283), wire.Checksum([]byte("123456789")))
	require.Zero(t, wire.Checksum(nil))
}

// frameWithSlot returns a frame of body with an empty slot inserted at at.
func frameWithSlot(body []byte, at int) []byte {
	f := append([]byte(nil), body[:at]...)
	f = append(f, make([]byte, wire.SumSize)...)
	return append(f, body[at:]...)
}

// Sealing covers every byte but the slot, wherever the slot is: first (the lock service),
// after a kind byte (the etcd glue) or last (the Raft KV).
func TestSealCoversEveryOtherByte(t *testing.T) {
	body := []byte("kind+payload")
	for _, at := range []int{0, 1, len(body)} {
		f := frameWithSlot(body, at)
		wire.Seal(f, at)
		require.Equal(t, wire.Checksum(body), binary.LittleEndian.Uint32(f[at:]), "at %d", at)
		require.NoError(t, wire.Verify(f, at))
		for i := range f {
			for bit := range 8 {
				f[i] ^= 1 << bit
				require.ErrorIs(t, wire.Verify(f, at), wire.ErrChecksum, "byte %d", i)
				f[i] ^= 1 << bit
			}
		}
	}
}

func TestSealOfAnEmptyBody(t *testing.T) {
	f := make([]byte, wire.SumSize)
	wire.Seal(f, 0)
	require.Equal(t, []byte{0, 0, 0, 0}, f, "the CRC-32C of nothing is 0")
	require.NoError(t, wire.Verify(f, 0))
}

func TestVerifyOfAShortFrame(t *testing.T) {
	f := frameWithSlot([]byte("ab"), 1)
	wire.Seal(f, 1)
	for cut := range f {
		err := wire.Verify(f[:cut], 1)
		require.Error(t, err, "cut at %d", cut)
		if cut < 1+wire.SumSize {
			require.ErrorIs(t, err, wire.ErrTruncated)
		}
	}
	require.ErrorIs(t, wire.Verify(f, -1), wire.ErrTruncated)
	require.ErrorIs(t, wire.Verify(f, len(f)), wire.ErrTruncated)
}
