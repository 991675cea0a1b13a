package lockd

import (
	"errors"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	"github.com/stretchr/testify/require"
)

func cmd(term, seq uint64, key string) Entry {
	return Entry{Term: term, Session: 9, Seq: seq,
		Op: nodeapi.Op{Kind: Acquire, Key: key, Value: "c1"}}
}

// writeLog writes a hard state and entries 1-3, then replaces 3 by a conflicting entry.
func writeLog(t *testing.T, d *memDisk) (sizes []int) {
	w := wal{disk: d}
	require.NoError(t, w.appendHard(2, "n1"))
	sizes = append(sizes, len(d.files[WALFile]))
	require.NoError(t, w.appendEntries(1, []Entry{{Term: 1}, cmd(1, 1, "a"), cmd(2, 2, "b")}))
	sizes = append(sizes, len(d.files[WALFile]))
	require.NoError(t, w.appendEntries(3, []Entry{cmd(3, 3, "c")}))
	require.NoError(t, w.appendHard(3, ""))
	return sizes
}

func TestRecoveryReplaysTheLog(t *testing.T) {
	d := newMemDisk()
	writeLog(t, d)
	st, err := recoverDisk(d)
	require.NoError(t, err)
	require.Equal(t, uint64(3), st.term)
	require.Equal(t, nodeapi.NodeID(""), st.vote)
	require.Equal(t, []Entry{{Term: 1}, cmd(1, 1, "a"), cmd(3, 3, "c")}, st.log)
	empty, err := recoverDisk(newMemDisk())
	require.NoError(t, err)
	require.Zero(t, empty.term)
}

// A frame cut short at the end is a torn write: dropped, and cut off the file so that the
// next append follows whole frames.
func TestRecoveryDropsATornTail(t *testing.T) {
	for cut := 1; cut < wire.RecordHeader+5; cut++ {
		d := newMemDisk()
		writeLog(t, d)
		whole := len(d.files[WALFile])
		w := wal{disk: d}
		require.NoError(t, w.appendEntries(4, []Entry{cmd(3, 4, "d")}))
		d.files[WALFile] = d.files[WALFile][:whole+cut]
		st, err := recoverDisk(d)
		require.NoError(t, err, "cut %d", cut)
		require.Len(t, st.log, 3)
		require.Len(t, d.files[WALFile], whole)
	}
}

// A damaged record anywhere else is corruption, named by file and offset; a read corrupted
// in transit (the stored bytes are fine) is read again.
func TestRecoveryReportsCorruption(t *testing.T) {
	d := newMemDisk()
	sizes := writeLog(t, d)
	d.flipAt = sizes[0] + wire.RecordHeader + 2 // inside the first entry record's payload
	d.badReads = 1
	st, err := recoverDisk(d)
	require.NoError(t, err, "a single bad read is retried")
	require.Len(t, st.log, 3)

	d.badReads = readAttempts
	_, err = recoverDisk(d)
	var ce *CorruptionError
	require.True(t, errors.As(err, &ce), "%v", err)
	require.Equal(t, WALFile, ce.File)
	require.Equal(t, sizes[0], ce.Offset)
	require.ErrorContains(t, err, "corrupted record in lockd.wal at offset")

	d.flipAt = 1 // the length of the first record: not mistaken for a torn tail
	d.badReads = readAttempts
	_, err = recoverDisk(d)
	require.True(t, errors.As(err, &ce), "%v", err)
	require.Zero(t, ce.Offset)
}

func TestNewNodeRefusesACorruptedLog(t *testing.T) {
	sys, err := NewSystem(DefaultConfig())
	require.NoError(t, err)
	d := newMemDisk()
	writeLog(t, d)
	d.files[WALFile][wire.RecordHeader+3] ^= 0x10 // stored damage: every read sees it
	_, err = sys.NewNode(&fakeEnv{id: "n1", disk: d}, nodeapi.Boot{Peers: []nodeapi.NodeID{
		"n1", "n2", "n3"}})
	var ce *CorruptionError
	require.True(t, errors.As(err, &ce), "%v", err)
	require.Equal(t, 0, ce.Offset)

	_, err = sys.NewNode(&fakeEnv{id: "n4", disk: newMemDisk()}, nodeapi.Boot{})
	require.ErrorContains(t, err, "membership changes are not supported")
}
