package wire_test

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

var testFormat = wire.RecordFormat{Noun: "frame", MaxLen: 1 << 10}

func appendPayload(buf []byte, payload string) []byte {
	return wire.AppendRecord(buf, func(e *wire.Encoder) { e.Buf = append(e.Buf, payload...) })
}

// readAll reads records until the data ends or a record does not read.
func readAll(f wire.RecordFormat, data []byte) (payloads []string, off int, err error) {
	for off < len(data) {
		p, size, err := f.Read(data[off:])
		if err != nil {
			return payloads, off, err
		}
		payloads = append(payloads, string(p))
		off += size
	}
	return payloads, off, nil
}

func TestRecordRoundTrip(t *testing.T) {
	var log []byte
	want := []string{"first", "", strings.Repeat("x", 1<<10)}
	for _, p := range want {
		log = appendPayload(log, p)
	}
	got, off, err := readAll(testFormat, log)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, len(log), off)
}

// The format is fixed: every system's disks depend on these bytes.
func TestRecordEncodingIsStable(t *testing.T) {
	rec := wire.AppendRecord([]byte{0xaa}, func(e *wire.Encoder) {
		e.U8(1)
		e.Str("ab")
	})
	require.Equal(t, "aa"+"04000000"+hex.EncodeToString(le32(wire.Checksum(le32(4))))+
		hex.EncodeToString(le32(wire.Checksum([]byte{1, 2, 'a', 'b'})))+"01026162",
		hex.EncodeToString(rec))

	e, start := wire.StartRecord([]byte{0xaa})
	e.U8(1)
	e.Str("ab")
	require.Equal(t, rec, wire.FinishRecord(e.Buf, start),
		"StartRecord and FinishRecord write what AppendRecord writes")
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// A log cut anywhere reads as its whole records followed by a torn tail, never as damage.
func TestTruncationAtEveryByteIsATornTail(t *testing.T) {
	log := appendPayload(appendPayload(nil, "one"), "two")
	first := wire.RecordHeader + len("one")
	for cut := range log {
		got, off, err := readAll(testFormat, log[:cut])
		if cut == 0 || cut == first {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, wire.ErrTorn, "cut at %d", cut)
		whole := 0 // how many records end before the cut
		if cut > first {
			whole = 1
		}
		require.Len(t, got, whole)
		require.Equal(t, whole*first, off, "cut at %d", cut)
	}
}

// A flipped bit anywhere in a record is corruption, never a torn tail and never a payload
// that reads as sound.
func TestEveryFlippedBitIsCorruption(t *testing.T) {
	rec := appendPayload(nil, "payload")
	for i := range rec {
		for bit := range 8 {
			rec[i] ^= 1 << bit
			_, _, err := testFormat.Read(rec)
			require.ErrorIs(t, err, wire.ErrChecksum, "byte %d bit %d", i, bit)
			rec[i] ^= 1 << bit
		}
	}
}

// withLength returns a header announcing a payload of n bytes, with a sound length
// checksum: damage that the length checksum cannot see.
func withLength(n uint32) []byte {
	hdr := le32(n)
	hdr = append(hdr, le32(wire.Checksum(hdr))...)
	return append(hdr, 0, 0, 0, 0)
}

func TestLengthOutOfBoundsIsRefused(t *testing.T) {
	// A huge length is refused before the reader waits for (or trusts) its bytes.
	_, _, err := testFormat.Read(withLength(1<<31 + 5))
	require.ErrorIs(t, err, wire.ErrLength)
	require.EqualError(t, err, "frame length 2147483653 out of range")

	f := wire.RecordFormat{Noun: "record", MinLen: 1, MaxLen: 8}
	_, _, err = f.Read(appendPayload(nil, ""))
	require.ErrorIs(t, err, wire.ErrLength, "below MinLen")
	_, _, err = f.Read(appendPayload(nil, "123456789"))
	require.ErrorIs(t, err, wire.ErrLength, "above MaxLen")
	_, _, err = f.Read(appendPayload(nil, "12345678"))
	require.NoError(t, err)
}

// The noun keeps each system's wording of its corruption reports.
func TestErrorTexts(t *testing.T) {
	rec := appendPayload(nil, "p")
	badLen := append([]byte(nil), rec...)
	badLen[0] ^= 1
	badPayload := append([]byte(nil), rec...)
	badPayload[wire.RecordHeader] ^= 1
	for noun, want := range map[string][3]string{
		"frame": {"torn frame", "frame length checksum mismatch",
			"frame payload checksum mismatch"},
		"record": {"torn record", "record length checksum mismatch",
			"record payload checksum mismatch"},
		"": {"torn", "length checksum mismatch", "payload checksum mismatch"},
	} {
		f := wire.RecordFormat{Noun: noun, MaxLen: 64}
		for i, data := range [][]byte{rec[:5], badLen, badPayload} {
			_, _, err := f.Read(data)
			require.EqualError(t, err, want[i])
		}
	}
}
