package etcdraft

import (
	"errors"
	"fmt"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
	pb "go.etcd.io/raft/v3/raftpb"
)

// Tests of the write-ahead log: what a crash, a torn write, a lost write and a corrupted
// read leave on the disk, and what recovery makes of it.

func ent(index, term uint64, data string) *pb.Entry {
	return &pb.Entry{Index: new(index), Term: new(term), Type: pb.EntryType_EntryNormal.Enum(),
		Data: []byte(data)}
}

func hardState(term, vote, commit uint64) *pb.HardState {
	return &pb.HardState{Term: new(term), Vote: new(vote), Commit: new(commit)}
}

func ents(from, to, term uint64) []*pb.Entry {
	var out []*pb.Entry
	for i := from; i <= to; i++ {
		out = append(out, ent(i, term, fmt.Sprintf("e%d@%d", i, term)))
	}
	return out
}

// writeLog writes a bootstrap snapshot, entries 2-6 of term 2, then a new leader's entries
// 5-7 of term 3 that replace the old 5 and 6, each batch followed by its hard state. It
// returns the end offset of every write, and the state the complete log holds.
func writeLog(t *testing.T, disk *memDisk) []int {
	t.Helper()
	boot, err := bootstrapState([]nodeapi.NodeID{"n1", "n2", "n3"})
	require.NoError(t, err)
	w := wal{disk: disk}
	_, err = w.rotate(boot.snap, nil, boot.hs)
	require.NoError(t, err)
	ends := []int{len(disk.files[segName(1)])}
	for _, batch := range []struct {
		ents []*pb.Entry
		hs   *pb.HardState
	}{
		{ents(2, 6, 2), hardState(2, raftID("n1"), 4)},
		{ents(5, 7, 3), hardState(3, raftID("n2"), 6)},
	} {
		require.NoError(t, w.write(batch.ents, batch.hs))
		ends = append(ends, len(disk.files[segName(1)]))
	}
	return ends
}

func TestRecoverReplaysTruncationsAndHardState(t *testing.T) {
	disk := newMemDisk()
	writeLog(t, disk)
	st, err := recoverDisk(disk)
	require.NoError(t, err)
	require.EqualValues(t, 1, st.snapIndex())
	require.EqualValues(t, 7, st.lastIndex())
	for i, want := range []uint64{2, 2, 2, 3, 3, 3} {
		term, ok := st.term(uint64(i + 2))
		require.True(t, ok)
		require.Equal(t, want, term, "term of entry %d", i+2)
	}
	require.EqualValues(t, 3, st.hs.GetTerm())
	require.Equal(t, raftID("n2"), st.hs.GetVote())
	require.EqualValues(t, 6, st.hs.GetCommit())
}

// A crash may cut the last write anywhere. Every prefix of the log must recover, without an
// error, to the state of the records it holds whole: a torn record is dropped, never read.
func TestRecoverTornWriteAtEveryByte(t *testing.T) {
	full := newMemDisk()
	ends := writeLog(t, full)
	name := segName(1)
	bounds := append(recordOffsets(t, full.files[name]), ends[len(ends)-1])
	for cut := ends[0]; cut <= ends[len(ends)-1]; cut++ {
		whole := bounds[0]
		for _, b := range bounds {
			if b <= cut {
				whole = b
			}
		}
		torn, clean := full.clone(), full.clone()
		torn.files[name] = torn.files[name][:cut]
		clean.files[name] = clean.files[name][:whole]
		got, err := recoverDisk(torn)
		require.NoError(t, err, "cut at %d", cut)
		want, err := recoverDisk(clean)
		require.NoError(t, err, "cut at %d", whole)
		require.Equal(t, want.lastIndex(), got.lastIndex(), "cut at %d", cut)
		require.Equal(t, []uint64{want.hs.GetTerm(), want.hs.GetVote(), want.hs.GetCommit()},
			[]uint64{got.hs.GetTerm(), got.hs.GetVote(), got.hs.GetCommit()}, "cut at %d", cut)
		last, _ := got.term(got.lastIndex())
		require.GreaterOrEqual(t, got.hs.GetTerm(), last, "cut at %d", cut)
	}
}

// recordOffsets returns the offset of every record in data.
func recordOffsets(t *testing.T, data []byte) []int {
	var offs []int
	for off := 0; off < len(data); {
		_, _, size, err := readRecord(data[off:])
		require.NoError(t, err)
		offs = append(offs, off)
		off += size
	}
	return offs
}

// Every single-bit flip anywhere in the stored log is reported as corruption of the record
// that holds it: never a silently different state, never mistaken for a torn tail.
func TestRecoverReportsEveryStoredBitFlip(t *testing.T) {
	full := newMemDisk()
	writeLog(t, full)
	name := segName(1)
	offs := recordOffsets(t, full.files[name])
	record := 0
	for at := range full.files[name] {
		for record+1 < len(offs) && offs[record+1] <= at {
			record++
		}
		disk := full.clone()
		disk.files[name][at] ^= 1 << (at % 8)
		_, err := recoverDisk(disk)
		var ce *CorruptionError
		require.ErrorAs(t, err, &ce, "flip at byte %d", at)
		require.Equal(t, name, ce.File)
		require.Equal(t, offs[record], ce.Offset, "flip at byte %d", at)
		require.Equal(t, readAttempts, disk.reads, "a stored flip fails every read")
	}
}

// A bit flipped in transit (in the copy ReadFile returns) is gone on the next read.
func TestRecoverRereadsAfterTransientCorruption(t *testing.T) {
	disk := newMemDisk()
	writeLog(t, disk)
	disk.onRead = func(_ string, data []byte) {
		if disk.reads == 1 {
			data[len(data)/2] ^= 0x04
		}
	}
	st, err := recoverDisk(disk)
	require.NoError(t, err)
	require.EqualValues(t, 7, st.lastIndex())
	require.Equal(t, 2, disk.reads)
}

func TestNewNodeNamesFileAndOffsetOfCorruption(t *testing.T) {
	disk := newMemDisk()
	writeLog(t, disk)
	name := segName(1)
	offs := recordOffsets(t, disk.files[name])
	disk.files[name][offs[4]+wire.RecordHeader+2] ^= 0x80
	sys, err := NewSystem(DefaultConfig())
	require.NoError(t, err)
	_, err = sys.NewNode(newFakeEnv("n1", disk), nodeapi.Boot{Peers: []nodeapi.NodeID{"n1"}})
	require.ErrorContains(t, err, fmt.Sprintf("%s at offset %d", name, offs[4]))
	require.Nil(t, sys.Node("n1"), "a node that failed to recover is not registered")
}

// A failed sync can lose the creation of a new segment while later appends recreate the
// file without its beginning (fsyncgate). Such a remnant holds nothing acknowledged.
func TestRecoverSkipsSegmentWithoutItsSegmentRecord(t *testing.T) {
	disk := newMemDisk()
	writeLog(t, disk)
	var orphan []byte
	for _, e := range ents(8, 9, 3) {
		orphan = appendRecord(orphan, recEntry, e)
	}
	disk.files[segName(2)] = orphan
	st, err := recoverDisk(disk)
	require.NoError(t, err)
	require.EqualValues(t, 7, st.lastIndex())
}

// A torn write can keep a Ready's entries of a new term and lose its hard state; etcd
// needs the term to cover the log, and no vote can have been sent in it.
func TestRecoverRaisesTermToTheLastEntry(t *testing.T) {
	disk := newMemDisk()
	ends := writeLog(t, disk)
	name := segName(1)
	disk.files[name] = disk.files[name][:ends[2]-wire.RecordHeader-5] // inside the last hard state
	st, err := recoverDisk(disk)
	require.NoError(t, err)
	require.EqualValues(t, 3, st.hs.GetTerm())
	require.Zero(t, st.hs.GetVote())
	require.EqualValues(t, 4, st.hs.GetCommit())
}

func TestRecoverRefusesCommitPastTheLog(t *testing.T) {
	disk := newMemDisk()
	writeLog(t, disk)
	w := wal{disk: disk, cur: 1, curName: segName(1)}
	require.NoError(t, w.write(nil, hardState(3, 0, 9)))
	_, err := recoverDisk(disk)
	var ce *CorruptionError
	require.True(t, errors.As(err, &ce), "got %v", err)
	require.ErrorContains(t, err, "commit index 9 past the last entry 7")
	require.Equal(t, segName(1), ce.File, "the record holding the hard state")
	offs := recordOffsets(t, disk.files[segName(1)])
	require.Equal(t, offs[len(offs)-1], ce.Offset)
}

// Rotation repeats the log in a new segment; until the old one is removed both replay, and
// a torn copy of an entry in the new one must not erase the later entries of the old.
func TestRecoverTornRotationKeepsOlderSegment(t *testing.T) {
	disk := newMemDisk()
	writeLog(t, disk)
	st, err := recoverDisk(disk)
	require.NoError(t, err)
	w := wal{disk: disk, cur: 1, curName: segName(1)}
	_, err = w.rotate(st.snap, st.ents, st.hs)
	require.NoError(t, err)
	name := segName(2)
	offs := recordOffsets(t, disk.files[name])
	disk.files[name] = disk.files[name][:offs[3]+3] // snapshot and two entries survive
	got, err := recoverDisk(disk)
	require.NoError(t, err)
	require.EqualValues(t, 7, got.lastIndex())
	require.EqualValues(t, 3, got.hs.GetTerm())
}
