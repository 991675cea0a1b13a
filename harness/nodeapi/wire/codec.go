package wire

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// Encoder appends values to Buf. Numbers are unsigned varints (small ones take one byte)
// or fixed-size little-endian integers; strings and byte slices are a varint length and
// then the bytes. It never fails: encoding is the writer's own data.
//
// Buf is exported so that a caller can start from a reused buffer (Encoder{Buf: b[:0]}),
// append bytes it framed itself (a protobuf, a payload copied as is) and take the result.
type Encoder struct {
	Buf []byte
}

// U8 appends one byte (a type tag, a small enum).
func (e *Encoder) U8(v uint8) { e.Buf = append(e.Buf, v) }

// U32 appends v as 4 bytes, little-endian (checksums, fixed-size fields).
func (e *Encoder) U32(v uint32) { e.Buf = binary.LittleEndian.AppendUint32(e.Buf, v) }

// Uvarint appends v as an unsigned varint (encoding/binary's format, 1 to 10 bytes).
func (e *Encoder) Uvarint(v uint64) { e.Buf = binary.AppendUvarint(e.Buf, v) }

// Bool appends v as one byte, 1 or 0; a decoder refuses any other value.
func (e *Encoder) Bool(v bool) {
	var b uint8
	if v {
		b = 1
	}
	e.Buf = append(e.Buf, b)
}

// Str appends s with its length in front (a varint).
func (e *Encoder) Str(s string) {
	e.Uvarint(uint64(len(s)))
	e.Buf = append(e.Buf, s...)
}

// Bytes appends p with its length in front (a varint); a decoder reads it with Bytes.
func (e *Encoder) Bytes(p []byte) {
	e.Uvarint(uint64(len(p)))
	e.Buf = append(e.Buf, p...)
}

// Decoder reads the values an Encoder wrote, in the same order. It is sticky: the first
// error (truncated input, an over-long field, a value the caller rejects with Fail) is
// kept, and from then on every read returns the zero value. A parser therefore reads all
// of its fields and checks Err, or Done, once; no input makes it panic.
//
// The zero Decoder has no input and a limit of 0; use NewDecoder.
type Decoder struct {
	// buf is the input and pos the offset of the next read in it: advancing an offset
	// stores an integer, where re-slicing buf would store a pointer (with its write
	// barrier check) on every read.
	buf   []byte
	pos   int
	err   error
	limit uint64
}

// NewDecoder returns a decoder of p whose length-prefixed fields may be at most limit
// bytes long. The limit is what stops a corrupted length from allocating gigabytes: set it
// to the largest field the protocol writes (a snapshot, a lock name).
func NewDecoder(p []byte, limit int) Decoder {
	return Decoder{buf: p, limit: uint64(max(limit, 0))}
}

// Err returns the first error, or nil while every read has succeeded.
func (d *Decoder) Err() error { return d.err }

// Len returns how many bytes of input are left (0 after an error).
func (d *Decoder) Len() int { return len(d.buf) - d.pos }

// Fail records err as the decoder's error unless it already has one, and drops the input
// left, so later reads return zero values. Parsers call it for a value that decoded but is
// invalid (an unknown enum, an index out of order), so that one Err check covers both.
func (d *Decoder) Fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.buf, d.pos = nil, 0
}

// Done returns the first error, or ErrTrailing (and fails) if input is left over: a frame
// must be consumed exactly, or the reader and the writer disagree about its fields.
func (d *Decoder) Done() error {
	if d.err == nil && d.Len() != 0 {
		d.Fail(ErrTrailing)
	}
	return d.err
}

// U8 reads one byte.
func (d *Decoder) U8() uint8 {
	if d.pos >= len(d.buf) {
		d.Fail(ErrTruncated)
		return 0
	}
	v := d.buf[d.pos]
	d.pos++
	return v
}

// U32 reads 4 bytes, little-endian.
func (d *Decoder) U32() uint32 {
	if d.Len() < 4 {
		d.Fail(ErrTruncated)
		return 0
	}
	v := binary.LittleEndian.Uint32(d.buf[d.pos:])
	d.pos += 4
	return v
}

// Uvarint reads an unsigned varint; one that is cut short or overflows 64 bits is
// ErrTruncated.
func (d *Decoder) Uvarint() uint64 {
	// Most varints of a message are one byte (kinds, counts, small terms) or two (log
	// indexes, read rounds): those are read here, uvarint reads the rest. A two-byte
	// varint is read as binary.Uvarint reads it, a non-minimal one (0x80 0x00) included.
	b := d.buf[d.pos:]
	if len(b) > 0 && b[0] < 0x80 {
		d.pos++
		return uint64(b[0])
	}
	if len(b) > 1 && b[1] < 0x80 {
		d.pos += 2
		return uint64(b[0]&0x7f) | uint64(b[1])<<7
	}
	return d.uvarint()
}

func (d *Decoder) uvarint() uint64 {
	// The longer varints are five to eight bytes (times) or nine and ten (random IDs)
	// more often than two, and binary.Uvarint's loop took about 90 instructions for one.
	// With eight bytes at hand they are packed without a loop: the first byte below 0x80
	// ends the varint, the bytes after it are masked off (stop^(stop-1) keeps the bits up
	// to its high bit; all of them if no byte of the eight ends it), the continuation
	// bits are cleared and the 7-bit groups packed pairwise in three steps; a ninth and a
	// tenth byte are added as binary.Uvarint adds them. The value and the length are the
	// ones binary.Uvarint reads, non-minimal encodings included; what it refuses (cut
	// short, overflowing) falls through to it.
	b := d.buf[d.pos:]
	if len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		stop := ^w & 0x8080808080808080
		x := w & (stop ^ (stop - 1)) & 0x7f7f7f7f7f7f7f7f
		x = x&0x007f007f007f007f | (x&0x7f007f007f007f00)>>1
		x = x&0x00003fff00003fff | (x&0x3fff00003fff0000)>>2
		x = x&0x000000000fffffff | (x&0x0fffffff00000000)>>4
		switch {
		case stop != 0:
			d.pos += bits.TrailingZeros64(stop)/8 + 1
			return x
		case len(b) >= 9 && b[8] < 0x80:
			d.pos += 9
			return x | uint64(b[8])<<56
		case len(b) >= 10 && b[9] <= 1: // b[8] >= 0x80; a larger tenth byte overflows
			d.pos += 10
			return x | uint64(b[8]&0x7f)<<56 | uint64(b[9])<<63
		}
	}
	v, n := binary.Uvarint(b)
	if n <= 0 {
		d.Fail(ErrTruncated)
		return 0
	}
	d.pos += n
	return v
}

// Bool reads a byte that must be 0 or 1 (ErrInvalidBool otherwise): a strict decoder
// turns a flipped bit into an error instead of a silently different value.
func (d *Decoder) Bool() bool {
	switch d.U8() {
	case 0:
		return false
	case 1:
		return true
	}
	d.Fail(ErrInvalidBool)
	return false
}

// Bytes reads a length-prefixed field and returns it as a sub-slice of the input, without
// copying (its capacity ends with it, so an append cannot overwrite what follows). A
// length over the limit is ErrLength, one past the end of the input ErrTruncated. The
// caller copies the result if it outlives the input.
func (d *Decoder) Bytes() []byte {
	// Uvarint's one-byte case, written out: Uvarint is not inlined, and most fields are
	// shorter than 128 bytes.
	var n uint64
	if b := d.buf[d.pos:]; len(b) > 0 && b[0] < 0x80 {
		n = uint64(b[0])
		d.pos++
	} else {
		n = d.uvarint()
	}
	switch {
	case d.err != nil:
		return nil
	case n > d.limit:
		d.Fail(ErrLength)
		return nil
	case n > uint64(d.Len()):
		d.Fail(ErrTruncated)
		return nil
	}
	start, end := d.pos, d.pos+int(n)
	d.pos = end
	return d.buf[start:end:end]
}

// Str reads a length-prefixed string (a copy, so it never aliases the input).
func (d *Decoder) Str() string { return string(d.Bytes()) }

// StrView reads a length-prefixed string that shares the input's bytes, as Bytes does,
// instead of copying them: it is valid only while the input is unchanged, and a caller
// that keeps it copies it (strings.Clone). It spares an allocation for a string that is
// only looked at (compared, looked up, concatenated).
func (d *Decoder) StrView() string {
	p := d.Bytes()
	return unsafe.String(unsafe.SliceData(p), len(p))
}

// Count reads a number of items that follow, each at least minSize bytes long (at least
// 1 is assumed), and fails with ErrTruncated if the input left cannot hold them. A parser
// may then allocate for the count: a corrupted one cannot drive a large allocation.
func (d *Decoder) Count(minSize int) int {
	n := d.Uvarint()
	if d.err == nil && n > uint64(d.Len()/max(minSize, 1)) {
		d.Fail(ErrTruncated)
		return 0
	}
	return int(n)
}
