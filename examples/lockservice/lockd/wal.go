package lockd

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The write-ahead log is one append-only file of records, replayed in order:
//
//	hard(term, vote)      the latest one wins
//	entry(index, entry)   the log becomes its first index-1 entries plus this one
//
// A follower that replaces a conflicting suffix just appends the new entries; replay drops
// the old suffix when it meets them. The log is never compacted (see Config.MaxLogEntries).
//
// Each record is framed as len u32, crc(len) u32, crc(payload) u32, payload. A frame cut
// short at the end of the file is a torn write of a crash (it was never synced, so nothing
// depended on it): recovery drops it and truncates the file. Any other bad frame is
// corruption, and NewNode fails with a *CorruptionError naming the file and offset.

// WALFile is the name of the write-ahead log on the node's disk.
const WALFile = "lockd.wal"

const (
	recHard uint8 = iota + 1
	recEntry
)

const frameHeader = 12

// maxRecord bounds a frame's payload: a hard state or one entry with two bounded strings.
const maxRecord = 3*maxString + 64

func appendFrame(buf []byte, fill func(e *encoder)) []byte {
	start := len(buf)
	e := encoder{buf: append(buf, make([]byte, frameHeader)...)}
	fill(&e)
	hdr, payload := e.buf[start:start+frameHeader], e.buf[start+frameHeader:]
	binary.LittleEndian.PutUint32(hdr[0:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(hdr[4:], checksum(hdr[0:4]))
	binary.LittleEndian.PutUint32(hdr[8:], checksum(payload))
	return e.buf
}

var errTorn = errors.New("torn frame")

// readFrame parses the frame at the start of data. errTorn means data ends inside it.
func readFrame(data []byte) (payload []byte, size int, err error) {
	if len(data) < frameHeader {
		return nil, 0, errTorn
	}
	n := binary.LittleEndian.Uint32(data[0:])
	switch {
	case checksum(data[0:4]) != binary.LittleEndian.Uint32(data[4:]):
		return nil, 0, errors.New("length checksum mismatch")
	case n > maxRecord:
		return nil, 0, fmt.Errorf("record length %d over the limit", n)
	case len(data)-frameHeader < int(n):
		return nil, 0, errTorn
	}
	payload = data[frameHeader : frameHeader+int(n)]
	if checksum(payload) != binary.LittleEndian.Uint32(data[8:]) {
		return nil, 0, errors.New("payload checksum mismatch")
	}
	return payload, frameHeader + int(n), nil
}

// wal writes records; a Disk does not keep the slice it is given, so buf is reused.
type wal struct {
	disk nodeapi.Disk
	buf  []byte
}

func (w *wal) write() error {
	if err := w.disk.Append(WALFile, w.buf); err != nil {
		return fmt.Errorf("lockd: appending to %s: %w", WALFile, err)
	}
	return nil
}

func (w *wal) appendHard(term uint64, vote nodeapi.NodeID) error {
	w.buf = appendFrame(w.buf[:0], func(e *encoder) {
		e.u8(recHard)
		e.uvarint(term)
		e.str(string(vote))
	})
	return w.write()
}

// appendEntries writes entries as the log's indexes first, first+1, ...
func (w *wal) appendEntries(first uint64, entries []Entry) error {
	w.buf = w.buf[:0]
	for i := range entries {
		w.buf = appendFrame(w.buf, func(e *encoder) {
			e.u8(recEntry)
			e.uvarint(first + uint64(i))
			e.entry(&entries[i])
		})
	}
	return w.write()
}
