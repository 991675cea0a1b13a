package wire_test

import (
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

// sample encodes one value of every kind, in a fixed order that readSample reads.
func sample() []byte {
	e := wire.Encoder{}
	e.U8(7)
	e.U32(0xdeadbeef)
	e.Uvarint(300)
	e.Bool(true)
	e.Bool(false)
	e.Str("lock-a")
	e.Bytes([]byte{0, 1, 2})
	e.Uvarint(2) // a count of two one-byte items
	e.U8(1)
	e.U8(2)
	return e.Buf
}

type sampled struct {
	u8     uint8
	u32    uint32
	v      uint64
	t, f   bool
	s      string
	b      []byte
	n      int
	items  [2]uint8
	err    error
	leftAt int
}

func readSample(p []byte, limit int) sampled {
	d := wire.NewDecoder(p, limit)
	var x sampled
	x.u8, x.u32, x.v = d.U8(), d.U32(), d.Uvarint()
	x.t, x.f = d.Bool(), d.Bool()
	x.s, x.b, x.n = d.Str(), d.Bytes(), d.Count(1)
	x.items = [2]uint8{d.U8(), d.U8()}
	x.leftAt = d.Len()
	x.err = d.Done()
	return x
}

func TestRoundTrip(t *testing.T) {
	x := readSample(sample(), 64)
	require.NoError(t, x.err)
	require.Equal(t, sampled{u8: 7, u32: 0xdeadbeef, v: 300, t: true, s: "lock-a",
		b: []byte{0, 1, 2}, n: 2, items: [2]uint8{1, 2}}, x)
}

// The format is fixed: every system's disks and traces depend on these bytes.
func TestEncodingIsStable(t *testing.T) {
	require.Equal(t, "07efbeadde"+"ac02"+"0100"+"066c6f636b2d61"+"03000102"+"020102",
		hex.EncodeToString(sample()))
}

func TestTruncationAtEveryByteIsAnError(t *testing.T) {
	full := sample()
	for cut := range full {
		x := readSample(full[:cut], 64)
		require.ErrorIs(t, x.err, wire.ErrTruncated, "cut at %d", cut)
	}
}

func TestTrailingBytes(t *testing.T) {
	x := readSample(append(sample(), 0), 64)
	require.ErrorIs(t, x.err, wire.ErrTrailing)
}

func TestDecoderIsSticky(t *testing.T) {
	d := wire.NewDecoder([]byte{2, 5, 1, 1}, 64)
	require.False(t, d.Bool()) // 2 is not a boolean
	require.ErrorIs(t, d.Err(), wire.ErrInvalidBool)
	// The input left is valid, but every read now yields zero values.
	require.Zero(t, d.U8())
	require.False(t, d.Bool())
	require.Zero(t, d.Len())
	d.Fail(wire.ErrTrailing)
	require.ErrorIs(t, d.Done(), wire.ErrInvalidBool, "the first error is kept")
}

func TestFailByTheParser(t *testing.T) {
	d := wire.NewDecoder([]byte{9, 1}, 64)
	if d.U8() != 1 {
		d.Fail(wire.ErrLength)
	}
	require.Zero(t, d.U8())
	require.ErrorIs(t, d.Done(), wire.ErrLength)
}

func TestOverLongLengthIsRefused(t *testing.T) {
	e := wire.Encoder{}
	e.Str("12345")
	d := wire.NewDecoder(e.Buf, 4)
	require.Empty(t, d.Str())
	require.ErrorIs(t, d.Err(), wire.ErrLength)

	// A corrupted length near 2^64 is refused before anything is allocated.
	e = wire.Encoder{}
	e.Uvarint(1 << 62)
	d = wire.NewDecoder(append(e.Buf, "short"...), 64<<20)
	require.Nil(t, d.Bytes())
	require.ErrorIs(t, d.Err(), wire.ErrLength)

	// Within the limit but past the end of the input: truncated.
	d = wire.NewDecoder([]byte{10, 'a'}, 64)
	require.Nil(t, d.Bytes())
	require.ErrorIs(t, d.Err(), wire.ErrTruncated)
}

func TestCountMustFitTheInput(t *testing.T) {
	e := wire.Encoder{}
	e.Uvarint(3)
	e.Buf = append(e.Buf, make([]byte, 11)...)
	d := wire.NewDecoder(e.Buf, 64)
	require.Zero(t, d.Count(4), "3 items of 4 bytes do not fit in 11")
	require.ErrorIs(t, d.Err(), wire.ErrTruncated)

	d = wire.NewDecoder(e.Buf, 64)
	require.Equal(t, 3, d.Count(3))
	d = wire.NewDecoder(e.Buf, 64)
	require.Equal(t, 3, d.Count(0), "minSize 0 counts as 1")
}

func TestBytesAliasesTheInputWithItsCapacityCapped(t *testing.T) {
	in := []byte{2, 'a', 'b', 'c'}
	d := wire.NewDecoder(in, 64)
	p := d.Bytes()
	require.Equal(t, []byte("ab"), p)
	require.Equal(t, 2, cap(p))
	in[1] = 'x'
	require.Equal(t, []byte("xb"), p, "no copy")
	_ = append(p, 'z')
	require.Equal(t, byte('c'), in[3], "an append cannot overwrite the rest of the input")
}

// StrView reads what Str reads, sharing the input, and fails alike.
func TestStrViewSharesTheInput(t *testing.T) {
	in := []byte{2, 'a', 'b', 0, 5, 'c'}
	d := wire.NewDecoder(in, 64)
	s, empty := d.StrView(), d.StrView()
	require.Equal(t, "ab", s)
	require.Equal(t, "", empty)
	in[1] = 'x'
	require.Equal(t, "xb", s, "no copy")
	require.Equal(t, "", d.StrView(), "a length past the input reads nothing")
	require.ErrorIs(t, d.Err(), wire.ErrTruncated)
}

func TestOverflowingVarintIsAnError(t *testing.T) {
	d := wire.NewDecoder([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
		64)
	require.Zero(t, d.Uvarint())
	require.ErrorIs(t, d.Err(), wire.ErrTruncated)
}

func TestZeroDecoderRefusesFields(t *testing.T) {
	var d wire.Decoder
	require.Zero(t, d.U8())
	require.ErrorIs(t, d.Err(), wire.ErrTruncated)
	d = wire.NewDecoder([]byte{1, 'a'}, -1)
	require.Empty(t, d.Str())
	require.ErrorIs(t, d.Err(), wire.ErrLength, "a negative limit is 0")
}

// The decoder's varint reading (one and two bytes first, up to eight packed without a
// loop, the rest through binary.Uvarint) reads what binary.Uvarint reads, consumes as many
// bytes, and fails where it fails, on every length and with any bytes after the varint,
// non-minimal encodings and overflows included.
func TestUvarintIsBinaryUvarint(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	check := func(buf []byte) {
		t.Helper()
		want, n := binary.Uvarint(buf)
		d := wire.NewDecoder(buf, 1<<20)
		got := d.Uvarint()
		if n <= 0 {
			require.Error(t, d.Err(), "% x", buf)
			require.Zero(t, got, "% x", buf)
			return
		}
		require.NoError(t, d.Err(), "% x", buf)
		require.Equal(t, want, got, "% x", buf)
		require.Equal(t, len(buf)-n, d.Len(), "% x", buf)
	}
	for _, v := range []uint64{0, 1, 127, 128, 300, 1<<14 - 1, 1 << 14, 1<<49 - 1, 1 << 49,
		1<<56 - 1, 1 << 56, 1<<63 + 5, math.MaxUint64} {
		for tail := range 10 {
			buf := binary.AppendUvarint(nil, v)
			for range tail {
				buf = append(buf, byte(r.Uint32()))
			}
			check(buf)
		}
	}
	for range 200000 {
		n := 1 + r.IntN(14)
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = byte(r.Uint32())
			if i < r.IntN(12) {
				buf[i] |= 0x80 // long runs of continuation bytes
			}
		}
		check(buf)
	}
}
