package lockd

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Every byte the service puts on the wire or on disk goes through this encoder and decoder:
// varints for numbers, length-prefixed strings, and CRC-32C checksums over whole frames. The
// decoder is sticky (after the first error every read returns zero) so that a parser reads
// all its fields and checks once, and no input, however damaged, can make it panic.

// maxString bounds a decoded string, so that a corrupted length cannot allocate gigabytes;
// lock names, owners and node IDs are short.
const maxString = 4 << 10

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func checksum(p []byte) uint32 { return crc32.Checksum(p, castagnoli) }

var (
	errTruncated = errors.New("truncated input")
	errTooLong   = errors.New("string longer than the limit")
	errTrailing  = errors.New("trailing bytes")
)

type encoder struct{ buf []byte }

func (e *encoder) u8(v uint8)       { e.buf = append(e.buf, v) }
func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

func (e *encoder) flag(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.buf = nil
}

func (d *decoder) u8() uint8 {
	if len(d.buf) == 0 {
		d.fail(errTruncated)
		return 0
	}
	v := d.buf[0]
	d.buf = d.buf[1:]
	return v
}

func (d *decoder) flag() bool {
	switch d.u8() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail(errors.New("invalid boolean"))
	return false
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errTruncated)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	switch {
	case n > maxString:
		d.fail(errTooLong)
		return ""
	case uint64(len(d.buf)) < n:
		d.fail(errTruncated)
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

// finish reports the first error, or trailing bytes the parser did not expect.
func (d *decoder) finish() error {
	if d.err == nil && len(d.buf) > 0 {
		return errTrailing
	}
	return d.err
}
