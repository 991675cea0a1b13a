package etcdraft

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Every byte this package writes to the disk or puts on the network that is not a protobuf
// of etcd's goes through this small codec: varints, length-prefixed strings, and a CRC-32C
// over whole frames. The decoder is sticky: after the first error every read yields zero
// values, so a parser reads all fields and checks the error once, and truncated or
// corrupted input never panics and never drives a large allocation.

// maxField bounds a length-prefixed field; a corrupted length must not allocate gigabytes.
const maxField = 64 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// checksum is the CRC-32C every frame carries.
func checksum(p []byte) uint32 { return crc32.Checksum(p, castagnoli) }

var errShort = errors.New("truncated input")

type encoder struct{ buf []byte }

func (e *encoder) u8(v uint8)       { e.buf = append(e.buf, v) }
func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

func (e *encoder) bytes(p []byte) {
	e.uvarint(uint64(len(p)))
	e.buf = append(e.buf, p...)
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
	if len(d.buf) < 1 {
		d.fail(errShort)
		return 0
	}
	v := d.buf[0]
	d.buf = d.buf[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// raw returns the next length-prefixed field as a sub-slice of the input, without copying.
func (d *decoder) raw() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > maxField || n > uint64(len(d.buf)) {
		d.fail(errShort)
		return nil
	}
	p := d.buf[:n:n]
	d.buf = d.buf[n:]
	return p
}

func (d *decoder) str() string { return string(d.raw()) }

// count reads a number of items that each take at least one byte, refusing a count the rest
// of the input cannot hold.
func (d *decoder) count() int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.buf)) {
		d.fail(errShort)
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

// checksumUpdate extends a CRC-32C over more bytes.
func checksumUpdate(sum uint32, p []byte) uint32 { return crc32.Update(sum, castagnoli, p) }
