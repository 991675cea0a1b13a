package raft

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

const (
	snapFile    = "snap"
	snapTmpFile = "snap.tmp"
)

// recovered is the durable state of a node found on its disk.
type recovered struct {
	term uint64
	vote nodeapi.NodeID
	log  *raftLog
	snap *snapshotRef
	kv   *kvStore
	segs []uint64
}

// CorruptionError reports a disk record that failed its checksum or could not be parsed.
// NewNode returns it and uses none of the data: a replica with a damaged log must not vote or
// serve, or it could forget what it promised.
type CorruptionError struct {
	File   string
	Offset int
	Err    error
}

func (e *CorruptionError) Error() string {
	cause := "<nil>"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return "raft: corrupted record in " + e.File + " at offset " + strconv.Itoa(e.Offset) +
		": " + cause
}

func (e *CorruptionError) Unwrap() error { return e.Err }

// recoveryAttempts is how often recovery reads the disk before it believes a checksum
// failure: a read can be corrupted in transit (a flipped bit in the copy) while the stored
// bytes are fine, and a second read tells the two apart.
const recoveryAttempts = 3

// recoverWithRetry runs recoverDisk again after a corruption error, and reports the error
// only when every attempt finds one. No data from a failed attempt is kept.
func recoverWithRetry(disk nodeapi.Disk, boot []nodeapi.NodeID) (*recovered, error) {
	var err error
	for range recoveryAttempts {
		var rec *recovered
		if rec, err = recoverDisk(disk, boot); err == nil {
			return rec, nil
		}
		var ce *CorruptionError
		if !errors.As(err, &ce) {
			return nil, err
		}
	}
	return nil, err
}

// recoverDisk reads the snapshot and the write-ahead log. boot is the voter set to assume
// when the disk holds no configuration.
func recoverDisk(disk nodeapi.Disk, boot []nodeapi.NodeID) (*recovered, error) {
	rec := &recovered{kv: newKVStore()}
	var segs []uint64
	for _, name := range disk.List() {
		if n, ok := parseSegName(name); ok {
			segs = append(segs, n)
		} else if name == snapTmpFile {
			// An unfinished snapshot write; the previous snapshot (if any) is intact.
			_ = disk.Remove(snapTmpFile)
		}
	}
	slices.Sort(segs)
	rec.segs = segs
	if err := rec.loadSnapshot(disk); err != nil {
		return nil, err
	}
	raw := newRaftLog(boot)
	for _, n := range segs {
		if err := rec.replaySegment(disk, segName(n), raw); err != nil {
			return nil, err
		}
	}
	if err := rec.reconcile(raw); err != nil {
		return nil, err
	}
	return rec, nil
}

func (rec *recovered) loadSnapshot(disk nodeapi.Disk) error {
	data, err := disk.ReadFile(snapFile)
	if errors.Is(err, nodeapi.ErrNotExist) {
		return nil
	}
	if err != nil {
		return wrap("raft: reading "+snapFile, err)
	}
	payload, size, err := walFormat.Read(data)
	if err == nil && size != len(data) {
		err = errors.New(strconv.Itoa(len(data)-size) + " bytes after the snapshot frame")
	}
	if err != nil {
		// The snapshot is renamed into place only once complete, so even a short frame is
		// damage, not a torn write.
		return &CorruptionError{File: snapFile, Offset: 0, Err: err}
	}
	snap, kv, err := decodeSnapshot(append([]byte(nil), payload...))
	if err != nil {
		return &CorruptionError{File: snapFile, Offset: wire.RecordHeader, Err: err}
	}
	rec.snap, rec.kv = snap, kv
	return nil
}

// replaySegment applies one segment's records to raw. A frame cut short ends the segment (a
// torn write at a crash); the next segment, if any, starts with the complete state again.
func (rec *recovered) replaySegment(disk nodeapi.Disk, name string, raw *raftLog) error {
	data, err := disk.ReadFile(name)
	if err != nil {
		return wrap("raft: reading "+name, err)
	}
	// Room for the segment's entries and a quarter more for those the node appends next:
	// replayed one at a time into a log growing by doubling, a restart's log allocated
	// about twice its size (a megabyte of a standard seed's nine).
	if n := entryRecords(data); n > 0 {
		raw.entries = slices.Grow(raw.entries, n+n/4)
	}
	for off := 0; off < len(data); {
		payload, size, err := walFormat.Read(data[off:])
		if errors.Is(err, wire.ErrTorn) {
			return nil
		}
		if err == nil {
			// Entries keep slices of the payload: data is this call's own copy of the
			// file (Disk.ReadFile), so nothing else writes it.
			err = rec.applyRecord(payload, raw)
		}
		if err != nil {
			return &CorruptionError{File: name, Offset: off, Err: err}
		}
		off += size
	}
	return nil
}

func (rec *recovered) applyRecord(payload []byte, raw *raftLog) error {
	d := newDecoder(payload)
	switch typ := d.U8(); typ {
	case recHardState:
		term, vote := d.Uvarint(), nodeapi.NodeID(d.Str())
		if err := d.Done(); err != nil {
			return err
		}
		rec.term, rec.vote = term, vote
	case recEntry:
		ent := decodeEntry(&d)
		if err := d.Done(); err != nil {
			return err
		}
		return replayEntry(raw, ent)
	case recBase:
		index, term, voters := d.Uvarint(), d.Uvarint(), decodeVoters(&d)
		if err := d.Done(); err != nil {
			return err
		}
		rebase(raw, index, term, voters)
	default:
		return errors.New("unknown record type " + strconv.Itoa(int(typ)))
	}
	return nil
}

// replayEntry applies an entry record to raw with the AppendEntries rule: an entry already
// present with the same term is kept together with what follows it, and only a conflicting
// one replaces the suffix. A rotated segment rewrites the whole log; when a crash tears it,
// its copy of entry i must not erase the later entries, durable (and acknowledged) in the
// older segment, that the torn tail no longer repeats.
func replayEntry(raw *raftLog, ent Entry) error {
	switch {
	case ent.Index <= raw.snapIndex:
		return nil // covered by the base
	case ent.Index > raw.lastIndex()+1:
		return errors.New("entry " + dec(ent.Index) + " leaves a gap after " +
			dec(raw.lastIndex()))
	case raw.matchTerm(ent.Index, ent.Term):
		return nil // the same entry again (Log Matching)
	case ent.Index <= raw.lastIndex():
		raw.truncateFrom(ent.Index)
	}
	if ent.Type == entryConfig {
		if _, err := parseConfig(ent.Data); err != nil {
			return err
		}
	}
	raw.append(ent)
	return nil
}

// rebase applies a snapshot boundary to a log: the InstallSnapshot rule, used both for a
// base record and for a snapshot newer than the log's base.
func rebase(l *raftLog, index, term uint64, voters []nodeapi.NodeID) {
	if index >= l.snapIndex && l.matchTerm(index, term) {
		l.compact(index)
		l.baseVoters = voters
		return
	}
	l.reset(index, term, voters)
}

// reconcile combines the replayed log with the snapshot file.
func (rec *recovered) reconcile(raw *raftLog) error {
	s := rec.snap
	switch {
	case s == nil && raw.snapIndex > 0:
		return &CorruptionError{File: snapFile, Err: errors.New(
			"missing, but the log starts after index " + dec(raw.snapIndex))}
	case s == nil:
	case s.index < raw.snapIndex:
		return &CorruptionError{File: snapFile, Err: errors.New(
			"ends at " + dec(s.index) + ", before the log's base " + dec(raw.snapIndex))}
	case s.index == raw.snapIndex && s.term != raw.snapTerm:
		return &CorruptionError{File: snapFile, Err: errors.New(
			"ends at " + dec(s.index) + "@" + dec(s.term) + ", the log's base is " +
				dec(raw.snapIndex) + "@" + dec(raw.snapTerm))}
	default:
		// Crashed after the snapshot became durable, before the new segment did.
		rebase(raw, s.index, s.term, s.voters)
	}
	raw.unstable = raw.lastIndex() + 1
	rec.log = raw
	return nil
}

// entryRecords counts the entry records of a segment by their lengths and type bytes
// alone, without checksums: a hint of the room replay needs. A length that runs past the
// end stops the count, and replay reports any damage.
func entryRecords(data []byte) int {
	n := 0
	for len(data) > wire.RecordHeader {
		size := uint64(binary.LittleEndian.Uint32(data))
		if size > uint64(len(data)-wire.RecordHeader) {
			break
		}
		if size > 0 && data[wire.RecordHeader] == recEntry {
			n++
		}
		data = data[wire.RecordHeader+int(size):]
	}
	return n
}
