package wire_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

// fuzzLimit is the field limit of the fuzzed decoders: small, so that inputs reach it.
const fuzzLimit = 64

// value is what one read returned: a number or a byte string.
type value struct {
	n uint64
	b []byte
}

// run applies the reads that ops names (one per byte) to a decoder of input, checking the
// decoder's contract after each, and returns what they read and whether ops used Count
// (whose check depends on the bytes left, which re-encoding can shorten).
func run(t *testing.T, ops, input []byte) (vals []value, counted bool, err error) {
	d := wire.NewDecoder(input, fuzzLimit)
	for _, op := range ops {
		before, left := d.Err(), d.Len()
		v := read(&d, op)
		counted = counted || op%8 == 6
		// Plain checks: require's reflection would slow the fuzzer down tenfold.
		switch {
		case d.Len() > left:
			t.Fatalf("op %d: the input grew from %d to %d bytes", op, left, d.Len())
		case before != nil && (v.n != 0 || v.b != nil):
			t.Fatalf("op %d: a failed decoder read %v", op, v)
		case before != nil && d.Err() != before:
			t.Fatalf("op %d: error %v replaced the first one, %v", op, d.Err(), before)
		case d.Err() != nil && d.Len() != 0:
			t.Fatalf("op %d: %d bytes left after error %v", op, d.Len(), d.Err())
		case len(v.b) > fuzzLimit:
			t.Fatalf("op %d: a field of %d bytes, over the limit", op, len(v.b))
		}
		vals = append(vals, v)
	}
	return vals, counted, d.Err()
}

// read does the read that op names; an empty byte string is nil.
func read(d *wire.Decoder, op byte) value {
	switch op % 8 {
	case 0:
		return value{n: uint64(d.U8())}
	case 1:
		return value{n: uint64(d.U32())}
	case 2:
		return value{n: d.Uvarint()}
	case 3:
		if d.Bool() {
			return value{n: 1}
		}
		return value{}
	case 4:
		if p := d.Bytes(); len(p) > 0 {
			return value{b: p}
		}
		return value{}
	case 5:
		if s := d.Str(); s != "" {
			return value{b: []byte(s)}
		}
		return value{}
	case 6:
		return value{n: uint64(d.Count(int(op >> 3)))}
	}
	_ = d.Done()
	return value{}
}

// write encodes vals as the reads of ops expect them.
func write(ops []byte, vals []value) []byte {
	e := wire.Encoder{}
	for i, op := range ops {
		v := vals[i]
		switch op % 8 {
		case 0:
			e.U8(uint8(v.n))
		case 1:
			e.U32(uint32(v.n))
		case 2, 6:
			e.Uvarint(v.n)
		case 3:
			e.Bool(v.n == 1)
		case 4, 5:
			e.Bytes(v.b)
		}
	}
	return e.Buf
}

// FuzzDecode runs arbitrary reads over arbitrary input. The decoder must never panic, must
// keep its first error and read zero values after it, must never return a field over its
// limit, and what it read without error must encode into input that reads the same.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, sample())
	f.Add([]byte{0, 1, 2, 3, 3, 5, 4, 6, 0, 0, 7}, sample())
	f.Add([]byte{4}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Add([]byte{2, 2}, []byte{0x80, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, ops, input []byte) {
		vals, counted, err := run(t, ops, input)
		if err != nil || counted {
			return
		}
		again, _, err := run(t, ops, write(ops, vals))
		require.NoError(t, err)
		require.Equal(t, vals, again)
	})
}

// FuzzDecodeRecord reads records from arbitrary data. Read must never panic; a record it
// accepts lies within the data and its bounds, and framing its payload again gives the
// same bytes; an error is torn, a checksum mismatch or a length out of range.
func FuzzDecodeRecord(f *testing.F) {
	f.Add(appendPayload(appendPayload(nil, "one"), "two"))
	f.Add(withLength(7))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		for off := 0; off < len(data); {
			p, size, err := testFormat.Read(data[off:])
			if err != nil {
				require.True(t, errors.Is(err, wire.ErrTorn) ||
					errors.Is(err, wire.ErrChecksum) || errors.Is(err, wire.ErrLength), err)
				return
			}
			require.LessOrEqual(t, size, len(data)-off)
			require.LessOrEqual(t, len(p), int(testFormat.MaxLen))
			require.True(t, bytes.Equal(data[off:off+size], appendPayload(nil, string(p))))
			off += size
		}
	})
}

// FuzzDecodeDatagram checks sealed frames: Verify never panics, and a frame it accepts
// seals to itself.
func FuzzDecodeDatagram(f *testing.F) {
	f.Add([]byte("kind+payload"), 1)
	f.Add([]byte{}, 0)
	f.Fuzz(func(t *testing.T, frame []byte, at int) {
		if wire.Verify(frame, at) != nil {
			return
		}
		again := append([]byte(nil), frame...)
		wire.Seal(again, at)
		require.Equal(t, frame, again)
	})
}
