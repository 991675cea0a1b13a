package etcdraft

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// The write-ahead log is a sequence of segment files "wal-<16 hex digits>", replayed in
// order. A segment holds records, each one of
//
//	snapshot   a raftpb.Snapshot: the log now starts after it (entries that match it at its
//	           index are kept, otherwise the log is reset), the state machine is its data
//	entry      a raftpb.Entry: kept if an entry with its index and term is present (the
//	           same entry, by Log Matching), otherwise it replaces the entry at its index
//	           and everything after
//	hardState  a raftpb.HardState: the latest one wins
//	segment    the segment's own number, always its first record
//
// A node writes, per etcd Ready, the snapshot (if any), then the entries, then the hard
// state, in one Append, and syncs before sending the Ready's messages. Entries go before the
// hard state so that a torn write never leaves a commit index past the recovered log.
//
// A new segment is started when the node starts, after every snapshot and after a failed
// sync, holding the whole state (snapshot, the entries after it, the hard state); older
// segments are removed once it is synced. Until then a crash replays old and new segments
// together, which the replay rules above make idempotent. A file that does not begin with
// its segment record is the remnant of a segment whose creation a failed sync lost (later
// appends recreate the file without its beginning); nothing in it was acknowledged (see
// Node.syncThen), and replay skips it.
//
// Each record is framed by package wire as len(u32) crc(len)(u32) crc(payload)(u32)
// payload, the payload being the type byte and the record. Checking the length's own
// checksum first tells a damaged length (corruption: an error naming the file and offset)
// from a frame that runs past the end of the file (a torn write: the tail of a crash,
// dropped).

const (
	recSnapshot uint8 = iota + 1
	recEntry
	recHardState
	recSegment
)

const segPrefix = "wal-"

// maxField bounds a length-prefixed field and a record; a corrupted length must not
// allocate gigabytes.
const maxField = 64 << 20

// newDecoder reads what this package encodes itself (everything but etcd's protobufs).
func newDecoder(p []byte) wire.Decoder { return wire.NewDecoder(p, maxField) }

// walFormat is the framing of the log's records: each holds at least its type byte, and
// the noun keeps the wording of CorruptionError ("record payload checksum mismatch").
var walFormat = wire.RecordFormat{Noun: "record", MinLen: 1, MaxLen: maxField}

func segName(n uint64) string { return fmt.Sprintf("%s%016x", segPrefix, n) }

func parseSegName(name string) (uint64, bool) {
	hex, ok := strings.CutPrefix(name, segPrefix)
	if !ok || len(hex) != 16 {
		return 0, false
	}
	n, err := strconv.ParseUint(hex, 16, 64)
	return n, err == nil
}

// appendRecord frames a record of type typ whose payload is the protobuf m.
func appendRecord(buf []byte, typ uint8, m proto.Message) []byte {
	var err error
	buf = wire.AppendRecord(buf, func(e *wire.Encoder) {
		e.U8(typ)
		e.Buf, err = proto.MarshalOptions{Deterministic: true}.MarshalAppend(e.Buf, m)
	})
	if err != nil {
		// etcd's messages always marshal; failing here means memory is corrupt.
		panic("etcdraft wal: marshal: " + err.Error())
	}
	return buf
}

// appendSegmentRecord frames the segment record of segment seg.
func appendSegmentRecord(buf []byte, seg uint64) []byte {
	return wire.AppendRecord(buf, func(e *wire.Encoder) {
		e.U8(recSegment)
		e.Uvarint(seg)
	})
}

// readRecord parses the record at the start of data: its type, payload and size. An error
// wrapping wire.ErrTorn means data ends inside the record; any other error is corruption.
func readRecord(data []byte) (typ uint8, payload []byte, size int, err error) {
	p, size, err := walFormat.Read(data)
	if err != nil {
		return 0, nil, 0, err
	}
	return p[0], p[1:], size, nil // MinLen 1: the type byte is there
}

// wal appends records to the current segment and starts new ones.
type wal struct {
	disk nodeapi.Disk
	// cur is the number of the segment written to (0 before the first rotation), curName
	// its file name.
	cur     uint64
	curName string
	// buf is reused for every write (a Disk copies what it is given).
	buf []byte
}

// write appends the records of one Ready to the current segment.
func (w *wal) write(ents []*pb.Entry, hs *pb.HardState) error {
	buf := w.buf[:0]
	for _, e := range ents {
		buf = appendRecord(buf, recEntry, e)
	}
	if hs != nil {
		buf = appendRecord(buf, recHardState, hs)
	}
	w.buf = buf
	if len(buf) == 0 {
		return nil
	}
	if w.cur == 0 {
		panic("etcdraft wal: invariant broken: append before the first segment was started")
	}
	if err := w.disk.Append(w.curName, buf); err != nil {
		return fmt.Errorf("etcdraft wal: append to %s: %w", w.curName, err)
	}
	return nil
}

// rotate starts a new segment holding the whole durable state: snap, the entries after it,
// then hs. It returns the numbers of the older segments, to remove once the new one is
// synced.
func (w *wal) rotate(snap *pb.Snapshot, ents []*pb.Entry, hs *pb.HardState) ([]uint64, error) {
	old := w.segments()
	// Numbers only grow within an incarnation: a segment whose creation a failed sync lost
	// (fsyncgate) is missing from the list, and reusing its number would make the new,
	// current segment one of the superseded ones that the next successful sync removes.
	next := w.cur + 1
	if len(old) > 0 {
		next = max(next, old[len(old)-1]+1)
	}
	buf := appendSegmentRecord(w.buf[:0], next)
	if snap != nil {
		buf = appendRecord(buf, recSnapshot, snap)
	}
	for _, e := range ents {
		buf = appendRecord(buf, recEntry, e)
	}
	buf = appendRecord(buf, recHardState, hs)
	w.buf, w.cur, w.curName = buf, next, segName(next)
	if err := w.disk.WriteFile(w.curName, buf); err != nil {
		return nil, fmt.Errorf("etcdraft wal: write %s: %w", w.curName, err)
	}
	return old, nil
}

// segments lists the segment numbers on disk, ascending (Disk.List sorts names, and the
// fixed-width hex keeps name order and number order the same).
func (w *wal) segments() []uint64 {
	var segs []uint64
	for _, name := range w.disk.List() {
		if n, ok := parseSegName(name); ok {
			segs = append(segs, n)
		}
	}
	return segs
}

// remove deletes superseded segments. A failed removal only leaves a segment that replay
// supersedes anyway.
func (w *wal) remove(segs []uint64) {
	for _, n := range segs {
		_ = w.disk.Remove(segName(n))
	}
}
