package lockd

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// The write-ahead log is one append-only file of records, replayed in order:
//
//	hard(term, vote)      the latest one wins
//	entry(index, entry)   the log becomes its first index-1 entries plus this one
//
// A follower that replaces a conflicting suffix just appends the new entries; replay drops
// the old suffix when it meets them. The log is never compacted (see Config.MaxLogEntries).
//
// Each record is framed by package wire as len u32, crc(len) u32, crc(payload) u32,
// payload. A frame cut short at the end of the file is a torn write of a crash (it was never
// synced, so nothing depended on it): recovery drops it and truncates the file. Any other
// bad frame is corruption, and NewNode fails with a *CorruptionError naming the file and
// offset.

// WALFile is the name of the write-ahead log on the node's disk.
const WALFile = "lockd.wal"

const (
	recHard uint8 = iota + 1
	recEntry
)

// maxRecord bounds a record's payload: a hard state or one entry with two bounded strings.
const maxRecord = 3*maxString + 64

// walFormat is the framing of the log's records; no noun keeps the wording of
// CorruptionError ("payload checksum mismatch").
var walFormat = wire.RecordFormat{MaxLen: maxRecord}

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
	w.buf = wire.AppendRecord(w.buf[:0], func(e *wire.Encoder) {
		e.U8(recHard)
		e.Uvarint(term)
		e.Str(string(vote))
	})
	return w.write()
}

// appendEntries writes entries as the log's indexes first, first+1, ...
func (w *wal) appendEntries(first uint64, entries []Entry) error {
	w.buf = w.buf[:0]
	for i := range entries {
		w.buf = wire.AppendRecord(w.buf, func(e *wire.Encoder) {
			e.U8(recEntry)
			e.Uvarint(first + uint64(i))
			encodeEntry(e, &entries[i])
		})
	}
	return w.write()
}
