package raft

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Every byte this package puts on the network or on disk goes through these helpers: varints
// for numbers, length-prefixed strings and byte slices, and a CRC-32C over whole frames. The
// decoder is sticky: after the first error every read returns zero values, so a parser can
// read all fields and check err once, and truncated or corrupted input never panics.

// maxFieldLen bounds a length-prefixed field so that a corrupted length cannot make the
// decoder allocate gigabytes. Snapshots are the largest fields.
const maxFieldLen = 64 << 20

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// checksum is the CRC-32C used by every frame.
func checksum(p []byte) uint32 { return crc32.Checksum(p, crcTable) }

var errTruncated = errors.New("truncated input")

type encoder struct{ buf []byte }

func (e *encoder) u8(v uint8)       { e.buf = append(e.buf, v) }
func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) u32(v uint32)     { e.buf = binary.LittleEndian.AppendUint32(e.buf, v) }

func (e *encoder) boolean(v bool) {
	if v {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) bytes(p []byte) {
	e.uvarint(uint64(len(p)))
	e.buf = append(e.buf, p...)
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
	if len(d.buf) < 1 {
		d.fail(errTruncated)
		return 0
	}
	v := d.buf[0]
	d.buf = d.buf[1:]
	return v
}

func (d *decoder) boolean() bool {
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

func (d *decoder) u32() uint32 {
	if len(d.buf) < 4 {
		d.fail(errTruncated)
		return 0
	}
	v := binary.LittleEndian.Uint32(d.buf)
	d.buf = d.buf[4:]
	return v
}

// raw returns the next length-prefixed field as a sub-slice of the input (no copy).
func (d *decoder) raw() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > maxFieldLen || n > uint64(len(d.buf)) {
		d.fail(errTruncated)
		return nil
	}
	p := d.buf[:n:n]
	d.buf = d.buf[n:]
	return p
}

func (d *decoder) str() string { return string(d.raw()) }

// count reads a length that announces that many items of at least minSize bytes each, and
// rejects it when the input cannot hold them (a corrupted count must not drive allocation).
func (d *decoder) count(minSize int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.buf)/max(minSize, 1)) {
		d.fail(errTruncated)
		return 0
	}
	return int(n)
}

// done fails the decoder if input is left over: a frame must be consumed exactly.
func (d *decoder) done() error {
	if d.err == nil && len(d.buf) != 0 {
		d.fail(errors.New("trailing bytes"))
	}
	return d.err
}
