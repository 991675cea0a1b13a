// Package wire is the binary format that systems under test put on the network and on
// disk: an Encoder and a Decoder for varints, fixed-size integers, booleans and
// length-prefixed strings and bytes; a CRC-32C checksum slot that seals a datagram; and the
// checksummed records of a write-ahead log, with torn-tail detection.
//
// It exists so that the built-in Raft KV, the lock service and the etcd-raft glue share
// one codec instead of three copies that drift. It imports only the standard library, and
// not fmt (which links os), so that a node built on the node contract stays free of the
// file system: a node's code must be able to run on a real runtime.
//
// The formats are fixed: changing a byte here changes every trace hash of every system
// that uses the package, and makes old disks unreadable.
//
// Decoding never panics and never trusts a length: a Decoder is sticky (after its first
// error every read returns zero values, so a parser reads all its fields and checks Err or
// Done once), every length-prefixed field is bounded, and a count of items must fit in the
// input left. Damaged input, from a flipped bit on the network or a torn write on disk, is
// an error, never a crash or a huge allocation.
package wire

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// The errors of the package. Decoders and readers return them, or errors that wrap them
// (errors.Is finds them), so that a caller can tell damage of one kind from another.
var (
	// ErrTruncated: the input ends inside a value, or a count announces more items than
	// the input left can hold.
	ErrTruncated = errors.New("truncated input")
	// ErrLength: a length-prefixed field is longer than the decoder's limit, or a record's
	// length is outside its format's bounds.
	ErrLength = errors.New("length out of range")
	// ErrInvalidBool: a boolean byte is neither 0 nor 1.
	ErrInvalidBool = errors.New("invalid boolean")
	// ErrTrailing: input is left after the last field that a frame should hold.
	ErrTrailing = errors.New("trailing bytes")
	// ErrChecksum: the bytes do not match their CRC-32C.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrTorn: the data ends inside a record: a write cut short by a crash, not damage.
	ErrTorn = errors.New("torn record")
)

// SumSize is the size of a checksum slot: a CRC-32C stored as a little-endian uint32.
const SumSize = 4

// castagnoli is the CRC-32C table: the Castagnoli polynomial detects more of the errors of
// short frames than IEEE's, and CPUs compute it in hardware.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum returns the CRC-32C of p, the checksum every frame and record carries.
func Checksum(p []byte) uint32 { return crc32c(0, p) }

// sumExcept is the CRC-32C of frame without the slot at frame[at:at+SumSize]: the bytes
// before it, then the bytes after it.
func sumExcept(frame []byte, at int) uint32 {
	sum := crc32c(0, frame[:at])
	if rest := frame[at+SumSize:]; len(rest) > 0 { // most frames carry their slot last
		sum = crc32c(sum, rest)
	}
	return sum
}

// Seal writes into the checksum slot frame[at:at+SumSize] the CRC-32C of every other byte
// of frame. A datagram carries its slot where its protocol puts it (first, after a kind
// byte, or last); what it covers is always the rest of the frame, so one flipped bit
// anywhere is caught. The slot must lie inside frame; the frame is the caller's own
// buffer, so a slot outside it is a bug and panics.
func Seal(frame []byte, at int) {
	binary.LittleEndian.PutUint32(frame[at:at+SumSize], sumExcept(frame, at))
}

// Verify checks a frame sealed with Seal at the same offset: ErrTruncated if the frame
// cannot hold the slot, ErrChecksum if the slot does not match the other bytes, else nil.
// It never panics, whatever frame holds.
func Verify(frame []byte, at int) error {
	if at < 0 || len(frame)-at < SumSize {
		return ErrTruncated
	}
	if binary.LittleEndian.Uint32(frame[at:]) != sumExcept(frame, at) {
		return ErrChecksum
	}
	return nil
}
