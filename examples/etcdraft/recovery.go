package etcdraft

import (
	"errors"
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// CorruptionError reports a write-ahead log record that failed its checksum, could not be
// parsed, or contradicts the records before it. NewNode returns it and uses none of the
// data: a replica that trusted a damaged log could forget a vote or an acknowledged entry.
type CorruptionError struct {
	File   string
	Offset int
	Err    error
}

// Error names the file, the offset and the damage.
func (e *CorruptionError) Error() string {
	return fmt.Sprintf("etcdraft: corrupted record in %s at offset %d: %v", e.File, e.Offset,
		e.Err)
}

// Unwrap returns what was wrong with the record.
func (e *CorruptionError) Unwrap() error { return e.Err }

// readAttempts is how often recovery reads the disk before it believes a checksum failure.
// A read can be damaged in transit (a flipped bit in the copy) while the stored bytes are
// sound; reading again tells the two apart. Stored damage fails every attempt.
const readAttempts = 3

// durableState is what a node recovers from its disk: the latest snapshot (nil if none),
// the log entries after it, and the hard state.
type durableState struct {
	snap *pb.Snapshot
	ents []*pb.Entry
	hs   *pb.HardState
	// snapAt and hsAt are where the snapshot and the hard state were read, for errors.
	snapAt, hsAt position
}

// position is a record's place in the write-ahead log.
type position struct {
	file   string
	offset int
}

// corrupt reports damage found in the record at p.
func (p position) corrupt(err error) *CorruptionError {
	return &CorruptionError{File: p.file, Offset: p.offset, Err: err}
}

func (st *durableState) snapIndex() uint64 { return st.snap.GetMetadata().GetIndex() }

func (st *durableState) lastIndex() uint64 { return st.snapIndex() + uint64(len(st.ents)) }

// term returns the term of the entry at index i (the snapshot's at its index), if held.
func (st *durableState) term(i uint64) (uint64, bool) {
	si := st.snapIndex()
	switch {
	case i == si:
		return st.snap.GetMetadata().GetTerm(), true
	case i < si || i > st.lastIndex():
		return 0, false
	}
	return st.ents[i-si-1].GetTerm(), true
}

// recoverDisk replays every segment, retrying a file whose records fail their checksums.
func recoverDisk(disk nodeapi.Disk) (*durableState, error) {
	st := &durableState{hs: &pb.HardState{}}
	w := wal{disk: disk}
	for _, n := range w.segments() {
		if err := replayWithRetry(disk, n, st); err != nil {
			return nil, err
		}
	}
	if err := st.normalize(); err != nil {
		return nil, err
	}
	return st, nil
}

// replayWithRetry replays one segment into st, reading it again after a corruption error.
// A failed attempt changes nothing: records apply only once the whole file parsed.
func replayWithRetry(disk nodeapi.Disk, seg uint64, st *durableState) error {
	var err error
	for range readAttempts {
		var recs []record
		if recs, err = readSegment(disk, seg); err == nil {
			return st.replay(segName(seg), recs)
		}
		var ce *CorruptionError
		if !errors.As(err, &ce) {
			return err
		}
	}
	return err
}

// record is one parsed write-ahead log record and where it starts.
type record struct {
	typ    uint8
	offset int
	msg    proto.Message
}

// readSegment parses the records of segment seg; a record cut short at the end of the
// file is a torn write and ends the segment. A file that does not start with its segment
// record yields no records (see wal.go).
func readSegment(disk nodeapi.Disk, seg uint64) ([]record, error) {
	name := segName(seg)
	data, err := disk.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("etcdraft: reading %s: %w", name, err)
	}
	var recs []record
	for off := 0; off < len(data); {
		typ, payload, size, err := readRecord(data[off:])
		if errors.Is(err, wire.ErrTorn) {
			break
		}
		if err == nil && off == 0 {
			if typ != recSegment {
				return nil, nil // an orphan: its creation was lost
			}
			err = checkSegmentRecord(payload, seg)
		} else if err == nil {
			var m proto.Message
			if m, err = unmarshalRecord(typ, payload); err == nil {
				recs = append(recs, record{typ: typ, offset: off, msg: m})
			}
		}
		if err != nil {
			return nil, &CorruptionError{File: name, Offset: off, Err: err}
		}
		off += size
	}
	return recs, nil
}

func checkSegmentRecord(payload []byte, seg uint64) error {
	d := newDecoder(payload)
	n := d.Uvarint()
	if err := d.Done(); err != nil {
		return err
	}
	if n != seg {
		return fmt.Errorf("segment record names segment %d", n)
	}
	return nil
}

func unmarshalRecord(typ uint8, payload []byte) (proto.Message, error) {
	var m proto.Message
	switch typ {
	case recSnapshot:
		m = &pb.Snapshot{}
	case recEntry:
		m = &pb.Entry{}
	case recHardState:
		m = &pb.HardState{}
	default:
		return nil, fmt.Errorf("unknown record type %d", typ)
	}
	return m, proto.Unmarshal(payload, m)
}

// replay applies the records of segment name to st.
func (st *durableState) replay(name string, recs []record) error {
	for _, r := range recs {
		var err error
		at := position{file: name, offset: r.offset}
		switch m := r.msg.(type) {
		case *pb.Snapshot:
			err = st.applySnapshot(m)
			st.snapAt = at
		case *pb.Entry:
			err = st.appendEntry(m)
		case *pb.HardState:
			st.hs, st.hsAt = m, at
		}
		if err != nil {
			return at.corrupt(err)
		}
	}
	return nil
}

// applySnapshot makes the log start after snap: entries that agree with it at its index
// stay, otherwise the log is reset (the InstallSnapshot rule).
func (st *durableState) applySnapshot(snap *pb.Snapshot) error {
	md := snap.GetMetadata()
	if md.GetIndex() == 0 {
		return errors.New("snapshot record with index 0")
	}
	if md.GetIndex() < st.snapIndex() {
		return fmt.Errorf("snapshot at %d after one at %d", md.GetIndex(), st.snapIndex())
	}
	if t, ok := st.term(md.GetIndex()); ok && t == md.GetTerm() {
		st.ents = st.ents[md.GetIndex()-st.snapIndex():]
	} else {
		st.ents = nil
	}
	st.snap = snap
	return nil
}

// appendEntry applies an entry record with the AppendEntries rule. A rotated segment
// repeats the log; when a crash tears it, its copy of entry i must not erase the later
// entries that the older segment holds (durable, perhaps acknowledged).
func (st *durableState) appendEntry(e *pb.Entry) error {
	i := e.GetIndex()
	switch {
	case i <= st.snapIndex():
		return nil // covered by the snapshot
	case i > st.lastIndex()+1:
		return fmt.Errorf("entry %d leaves a gap after %d", i, st.lastIndex())
	}
	if t, ok := st.term(i); ok && t == e.GetTerm() {
		return nil // the same entry again
	}
	st.ents = append(st.ents[:i-st.snapIndex()-1], e)
	return nil
}

// normalize makes the recovered state one etcd accepts. A torn write may keep a Ready's
// entries and lose its hard state: nothing of that Ready was acknowledged (its messages wait
// for the sync), so raising the term to the last entry's (with no vote: none can have been
// sent in that term, or its hard state would be durable) and the commit index to the
// snapshot's (a snapshot holds only committed state) restores the invariants etcd checks.
// A commit index past the log cannot come from a torn write (entries precede the hard
// state): that is damage.
func (st *durableState) normalize() error {
	last, _ := st.term(st.lastIndex())
	if st.hs.GetTerm() < last {
		st.hs = &pb.HardState{Term: new(last), Vote: new(raft.None), Commit: st.hs.Commit}
	}
	if st.hs.GetCommit() < st.snapIndex() {
		st.hs.Commit = new(st.snapIndex())
	}
	if st.hs.GetCommit() > st.lastIndex() {
		return st.hsAt.corrupt(fmt.Errorf("commit index %d past the last entry %d",
			st.hs.GetCommit(), st.lastIndex()))
	}
	return nil
}
