package raft

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// The write-ahead log is a sequence of segment files "wal-<16 hex digits>", replayed in order.
// Each holds records:
//
//	hardState(term, vote)   the latest record wins
//	entry(index, term, ...) kept as is if an entry at index has that term; otherwise
//	                        replaces any entry at index or later, then appends
//	base(index, term, voters) the log now starts after a snapshot ending at (index, term):
//	                        a matching entry there keeps what follows, otherwise all goes
//
// After every snapshot (own or installed) a new segment is started holding the whole state
// that is not in the snapshot (hardState, base, the remaining entries), and the older segments
// are removed once that is synced, so a segment never needs rewriting.
//
// Every record is framed by package wire as len(u32) crc(len)(u32) crc(payload)(u32)
// payload. A frame cut short at the end of the last segment is a torn write from a crash and
// is dropped; any other bad frame is corruption, reported with the file and offset.

const (
	recHardState uint8 = iota + 1
	recEntry
	recBase
)

// maxFieldLen bounds a length-prefixed field and a record, so that a corrupted length
// cannot make the decoder allocate gigabytes. Snapshots are the largest fields.
const maxFieldLen = 64 << 20

// newDecoder reads a message, a record or a snapshot of this package.
func newDecoder(p []byte) wire.Decoder { return wire.NewDecoder(p, maxFieldLen) }

// walFormat is the framing of log records and of the snapshot file. Its noun keeps the
// wording of CorruptionError ("frame payload checksum mismatch").
var walFormat = wire.RecordFormat{Noun: "frame", MaxLen: maxFieldLen}

// The record writers below take no closure: they run for every log entry written, and a
// closure passed on would take an allocation each.

func appendHardState(buf []byte, term uint64, vote nodeapi.NodeID) []byte {
	e, start := wire.StartRecord(buf)
	e.U8(recHardState)
	e.Uvarint(term)
	e.Str(string(vote))
	return wire.FinishRecord(e.Buf, start)
}

func appendEntryRecord(buf []byte, ent *Entry) []byte {
	e, start := wire.StartRecord(buf)
	e.U8(recEntry)
	encodeEntry(&e, ent)
	return wire.FinishRecord(e.Buf, start)
}

func appendBase(buf []byte, index, term uint64, voters []nodeapi.NodeID) []byte {
	e, start := wire.StartRecord(buf)
	e.U8(recBase)
	e.Uvarint(index)
	e.Uvarint(term)
	encodeVoters(&e, voters)
	return wire.FinishRecord(e.Buf, start)
}

const segPrefix = "wal-"

// segName is "wal-" and n in 16 hex digits, so that names sort in segment order.
func segName(n uint64) string {
	var b [len(segPrefix) + 16]byte
	copy(b[:], segPrefix)
	const digits = "0123456789abcdef"
	for i := len(b) - 1; i >= len(segPrefix); i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b[:]) // one allocation: segment names are made on every rotation
}

func parseSegName(name string) (uint64, bool) {
	hex, ok := strings.CutPrefix(name, segPrefix)
	if !ok || len(hex) != 16 {
		return 0, false
	}
	n, err := strconv.ParseUint(hex, 16, 64)
	return n, err == nil
}

// wal appends records to the current segment and starts new ones.
type wal struct {
	disk nodeapi.Disk
	// segs are the segment numbers on disk, ascending; the last is the one written to, and
	// cur is its name.
	segs []uint64
	cur  string
	// buf is reused for every write: a Disk does not keep the slice it is given (the
	// simulated one copies it, a real one writes it out), like an io.Writer.
	buf []byte
	// term and vote are the hard state last written, which a restart would recover.
	term uint64
	vote nodeapi.NodeID
}

// appendHardState appends a hard-state record to buf after checking it against the last one
// written: the term never decreases, and the vote of a term never changes once on disk (a
// restart recovers the latest record, and a node that voted twice can elect two leaders).
func (w *wal) appendHardState(buf []byte, term uint64, vote nodeapi.NodeID) []byte {
	if term < w.term {
		panic("raft wal: invariant broken: term " + dec(term) + " written after term " +
			dec(w.term))
	}
	if term == w.term && w.vote != "" && vote != w.vote {
		panic("raft wal: invariant broken: vote for " + string(vote) + " in term " + dec(term) +
			" written after a vote for " + string(w.vote))
	}
	w.term, w.vote = term, vote
	return appendHardState(buf, term, vote)
}

func (w *wal) current() string { return w.cur }

// append writes buf (whole frames) to the current segment.
func (w *wal) append(buf []byte) error {
	if w.cur == "" {
		// A node starts by rotating: its first segment holds the whole recovered state.
		panic("raft wal: invariant broken: append before the first segment was started")
	}
	if err := w.disk.Append(w.current(), buf); err != nil {
		return wrap("wal append to "+w.current(), err)
	}
	return nil
}

// rotate starts a new segment holding the complete state outside the snapshot at the log's
// base, and returns the older segments, to be removed once the new one is synced.
func (w *wal) rotate(term uint64, vote nodeapi.NodeID, log *raftLog) ([]uint64, error) {
	old := w.segs
	next := uint64(1)
	if len(old) > 0 {
		next = old[len(old)-1] + 1
	}
	if n := rotateSize(vote, log); cap(w.buf) < n {
		w.buf = make([]byte, 0, n)
	}
	buf := w.appendHardState(w.buf[:0], term, vote)
	buf = appendBase(buf, log.snapIndex, log.snapTerm, log.baseVoters)
	for i := range log.entries {
		buf = appendEntryRecord(buf, &log.entries[i])
	}
	w.buf = buf
	w.segs, w.cur = []uint64{next}, segName(next)
	if err := w.append(buf); err != nil {
		return nil, err
	}
	return old, nil
}

// rotateSize bounds the bytes rotate writes for log: each record's frame header, tag and
// varints at their longest, plus the variable fields. A rotation writes the whole log, and
// growing the buffer by doubling from a small one allocated twice its size and copied it
// again at every step, at each rotation and at each restart (0.8 MB of a standard seed).
func rotateSize(vote nodeapi.NodeID, log *raftLog) int {
	// A record: frame header, tag, then at most two varints and a length (or three
	// varints), each at most MaxVarintLen64 bytes.
	const rec = wire.RecordHeader + 1 + 3*binary.MaxVarintLen64
	n := 2*rec + len(vote) + rec
	for _, v := range log.baseVoters {
		n += binary.MaxVarintLen64 + len(v)
	}
	for i := range log.entries {
		n += rec + 1 + len(log.entries[i].Data)
	}
	return n
}

// remove deletes segments that a newer segment has superseded.
func (w *wal) remove(segs []uint64) {
	for _, n := range segs {
		// A failed removal only leaves an old segment that replay supersedes anyway.
		_ = w.disk.Remove(segName(n))
	}
}
