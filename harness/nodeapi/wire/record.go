package wire

import (
	"encoding/binary"
	"strconv"
)

// A write-ahead log is a sequence of records, each framed as
//
//	len u32 | crc(len) u32 | crc(payload) u32 | payload (len bytes)
//
// with little-endian integers and CRC-32C checksums. The length has a checksum of its own
// so that a reader can tell the two ways a record goes bad. A damaged length fails its
// checksum: corruption, which the reader must report, since it cannot know where the next
// record starts. A sound length that runs past the end of the data is a torn write, the
// tail of a write a crash cut short: it was never synced, so nothing depended on it, and
// recovery drops it (ErrTorn).

// RecordHeader is the size of a record's header: the length and the two checksums.
const RecordHeader = 12

// AppendRecord appends to buf one record whose payload fill encodes, and returns the
// extended buffer. fill appends to the Encoder it is given, which starts after the header;
// the header is filled in after it returns. A payload must be shorter than 4 GiB, and the
// reader refuses one outside its RecordFormat's bounds. A hot path that cannot afford the
// closure writes StartRecord and FinishRecord around its own encoding instead.
func AppendRecord(buf []byte, fill func(e *Encoder)) []byte {
	e, start := StartRecord(buf)
	fill(&e)
	return FinishRecord(e.Buf, start)
}

// StartRecord begins a record at the end of buf: it returns an Encoder whose Buf is buf
// with room for the header, and where the record starts. Append the payload through the
// Encoder, then close the record with FinishRecord(e.Buf, start).
func StartRecord(buf []byte) (e Encoder, start int) {
	start = len(buf)
	return Encoder{Buf: append(buf, make([]byte, RecordHeader)...)}, start
}

// FinishRecord fills in the header of the record that StartRecord began at start, whose
// payload is the rest of buf, and returns buf.
func FinishRecord(buf []byte, start int) []byte {
	hdr, payload := buf[start:start+RecordHeader], buf[start+RecordHeader:]
	binary.LittleEndian.PutUint32(hdr[0:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(hdr[4:], Checksum(hdr[0:4]))
	binary.LittleEndian.PutUint32(hdr[8:], Checksum(payload))
	return buf
}

// RecordFormat is what a reader of records checks beyond the checksums: the bounds of a
// payload's length, and the word its errors use for a record.
type RecordFormat struct {
	// Noun names a record in error texts ("torn frame", "frame payload checksum
	// mismatch"); empty, the texts carry no noun. Error texts go into corruption reports
	// and from there into traces, so a system keeps the wording it has always used.
	Noun string
	// MinLen and MaxLen bound a payload's length. MaxLen is what stops a damaged length
	// whose checksum happens to match from making the reader trust a huge record; MinLen
	// lets a format whose payloads always hold a type byte refuse an empty one.
	MinLen, MaxLen uint32
}

// Read parses the record at the start of data and returns its payload (a sub-slice of
// data) and the record's total size, so that the next record starts at data[size:]. An
// error wrapping ErrTorn means data ends inside the record (a torn tail); one wrapping
// ErrChecksum or ErrLength means corruption. Read never panics.
func (f RecordFormat) Read(data []byte) (payload []byte, size int, err error) {
	if len(data) < RecordHeader {
		return nil, 0, recordErr(ErrTorn, "torn", f.Noun)
	}
	n := binary.LittleEndian.Uint32(data[0:])
	switch {
	case Checksum(data[0:4]) != binary.LittleEndian.Uint32(data[4:]):
		return nil, 0, recordErr(ErrChecksum, f.Noun, "length checksum mismatch")
	case n < f.MinLen || n > f.MaxLen:
		return nil, 0, recordErr(ErrLength, f.Noun, "length",
			strconv.FormatUint(uint64(n), 10), "out of range")
	case uint64(len(data)-RecordHeader) < uint64(n):
		return nil, 0, recordErr(ErrTorn, "torn", f.Noun)
	}
	payload = data[RecordHeader : RecordHeader+int(n)]
	if Checksum(payload) != binary.LittleEndian.Uint32(data[8:]) {
		return nil, 0, recordErr(ErrChecksum, f.Noun, "payload checksum mismatch")
	}
	return payload, RecordHeader + int(n), nil
}

// recordErr builds an error of kind whose text is words joined by spaces, empty ones left
// out.
func recordErr(kind error, words ...string) error {
	var text []byte
	for _, w := range words {
		if w == "" {
			continue
		}
		if len(text) > 0 {
			text = append(text, ' ')
		}
		text = append(text, w...)
	}
	return &recordError{text: string(text), kind: kind}
}

// recordError is an error of Read: its own text, and the sentinel it is a case of.
type recordError struct {
	text string
	kind error
}

// Error returns the text, which names the record with the format's Noun.
func (e *recordError) Error() string { return e.text }

// Unwrap returns the sentinel (ErrTorn, ErrChecksum, ErrLength), for errors.Is.
func (e *recordError) Unwrap() error { return e.kind }
