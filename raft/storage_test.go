package raft

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// Tests of the on-disk format: checksums, torn tails, crash-safe snapshots.

// writeSome runs a 3-node sim cluster through n writes and returns it.
func writeSome(t *testing.T, n int, cfg Config) *simWorld {
	w := newSimWorld(t, 5, cfg)
	w.startCluster(ids3...)
	c := w.addClient("c1", ids3...)
	for i := range n {
		require.False(t, w.do(c, appendOp("k", fmt.Sprintf("%d,", i))).Unknown)
	}
	w.runFor(time.Second)
	return w
}

// frameOffsets returns the offset of every frame in data.
func frameOffsets(t *testing.T, data []byte) []int {
	var offs []int
	for off := 0; off < len(data); {
		_, size, err := walFormat.Read(data[off:])
		require.NoError(t, err)
		offs = append(offs, off)
		off += size
	}
	return offs
}

func corruptAt(d *memDisk, name string, at int) {
	for _, img := range []map[string][]byte{d.files, d.durable} {
		b := append([]byte(nil), img[name]...)
		b[at] ^= 0x10
		img[name] = b
	}
}

func TestRecoveryDetectsCorruptRecord(t *testing.T) {
	w := writeSome(t, 20, DefaultConfig())
	w.crash("n2")
	disk := w.eps["n2"].disk
	seg := disk.List()[0]
	offs := frameOffsets(t, disk.files[seg])
	require.Greater(t, len(offs), 10)
	target := offs[7]
	corruptAt(disk, seg, target+wire.RecordHeader+1)

	ep := w.eps["n2"]
	_, err := w.sys.NewNode(&simEnv{w: w, ep: ep, inc: ep.incarnation}, ep.boot)
	var ce *CorruptionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, seg, ce.File)
	require.Equal(t, target, ce.Offset)
	require.Contains(t, err.Error(), fmt.Sprintf("%s at offset %d", seg, target))
}

func TestRecoveryDetectsCorruptLength(t *testing.T) {
	w := writeSome(t, 5, DefaultConfig())
	w.crash("n3")
	disk := w.eps["n3"].disk
	seg := disk.List()[0]
	offs := frameOffsets(t, disk.files[seg])
	corruptAt(disk, seg, offs[3]+1) // the length field: must not pass for a torn tail
	ep := w.eps["n3"]
	_, err := w.sys.NewNode(&simEnv{w: w, ep: ep, inc: ep.incarnation}, ep.boot)
	var ce *CorruptionError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, offs[3], ce.Offset)
}

func TestRecoveryDropsTornTail(t *testing.T) {
	w := writeSome(t, 5, DefaultConfig())
	n := w.sys.Node("n1")
	last := n.r.log.lastIndex()
	w.crash("n1")
	disk := w.eps["n1"].disk
	seg := disk.List()[len(disk.List())-1]
	extra := appendEntryRecord(nil, &Entry{Index: last + 1, Term: 99, Type: entryNoop})
	torn := append(append([]byte(nil), disk.durable[seg]...), extra[:len(extra)-3]...)
	disk.files[seg], disk.durable[seg] = torn, torn
	w.restart("n1")
	require.Equal(t, last, w.sys.Node("n1").r.log.lastIndex(), "the torn entry is not used")
}

func TestRecoveryRetriesTransientReadCorruption(t *testing.T) {
	w := writeSome(t, 5, DefaultConfig())
	w.crash("n2")
	disk := w.eps["n2"].disk
	disk.corrupt = disk.List()[0] // the next read of it is flipped, the stored bytes are fine
	w.restart("n2")
	require.Nil(t, w.sys.Node("n2").failure)
	require.Empty(t, disk.corrupt, "the corrupted read happened")
}

// TestSnapshotCrashSafety crashes a node at every point of snapshot persistence and checks
// that it recovers the same state each time.
func TestSnapshotCrashSafety(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SnapshotThreshold = 10
	for step := range 12 {
		t.Run(fmt.Sprint(step), func(t *testing.T) {
			w := newSimWorld(t, uint64(step), cfg)
			w.syncLat = 3 * time.Millisecond
			w.startCluster(ids3...)
			c := w.addClient("c1", ids3...)
			for i := range 8 {
				require.False(t, w.do(c, appendOp("k", fmt.Sprintf("%d,", i))).Unknown)
			}
			w.runFor(time.Second)
			// The 9th write (index 10, after the no-op) triggers a snapshot on every node;
			// crash n2 partway through writing it.
			var out *nodeapi.Outcome
			c.Invoke(appendOp("k", "8,"), func(o nodeapi.Outcome) { out = &o })
			n2 := w.sys.Node("n2")
			w.runUntil(func() bool { return n2.applied >= 10 }, time.Second)
			require.True(t, n2.snapBusy, "the snapshot is being written")
			w.runFor(time.Duration(step) * time.Millisecond)
			w.crash("n2")
			w.restart("n2")
			w.runUntil(func() bool { return out != nil }, 10*time.Second)
			require.False(t, out.Unknown)
			w.runUntil(func() bool { return w.sys.Converged(w.liveIDs()) == nil },
				5*time.Second)
			require.NoError(t, w.sys.Converged(w.liveIDs()))
			require.Equal(t, "0,1,2,3,4,5,6,7,8,", w.sys.Node("n2").kv.read("k").Value)
			require.NoError(t, w.sys.CheckAll())
		})
	}
}

func TestMessageCorruptionNeverPanics(t *testing.T) {
	msgs := []*message{
		appendMsg(3, 5, 2, 4, 3, 3, 3),
		{Type: msgVote, Term: 9, LastIndex: 4, LastTerm: 2, Transfer: true},
		{Type: msgAppResp, Term: 2, Reject: true, Index: 7, HintIndex: 3, HintTerm: 1},
		{Type: msgSnap, Term: 4, PrevIndex: 10, PrevTerm: 3, Snap: []byte("snapshot bytes")},
		{Type: msgClientReq, Seq: 3, Nonce: 77, Op: put("k", "v")},
		{Type: msgClientResp, Seq: 3, Status: statusOK, Leader: "n1",
			Result: nodeapi.Result{Value: "v", Found: true}},
		{Type: msgAdminReq, Seq: 4, Target: "n4", Action: adminAdd},
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for _, m := range msgs {
		frame := encodeMessage(m)
		back, err := decodeMessage(frame)
		require.NoError(t, err, "%v", m.Type)
		require.Equal(t, m.Type, back.Type)
		require.Equal(t, encodeMessage(back), frame, "%v round trip", m.Type)
		for range 500 {
			bad := append([]byte(nil), frame...)
			switch rng.IntN(3) {
			case 0:
				bad[rng.IntN(len(bad))] ^= byte(1 + rng.IntN(255))
			case 1:
				bad = bad[:rng.IntN(len(bad))]
			default:
				bad = append(bad, byte(rng.IntN(256)))
			}
			_, err := decodeMessage(bad)
			require.Error(t, err, "%v: a damaged frame must be rejected", m.Type)
		}
	}
}

func TestNodeDropsCorruptMessages(t *testing.T) {
	w := newSimWorld(t, 8, DefaultConfig())
	w.addNode("n1", nodeapi.Boot{Peers: ids3})
	frame := encodeMessage(voteReq(3, 0, 0))
	frame[3] ^= 1
	w.eps["n1"].node.HandleMessage("n2", frame)
	w.eps["n1"].node.HandleMessage("n2", frame[:2])
	n := w.sys.Node("n1")
	require.Equal(t, uint64(2), n.Stats().DroppedMessages)
	require.Equal(t, uint64(0), n.r.term)
}

func TestCorruptionErrorUnwraps(t *testing.T) {
	err := error(&CorruptionError{File: "wal-1", Offset: 12, Err: wire.ErrChecksum})
	require.True(t, errors.Is(err, wire.ErrChecksum))
}

// Segment names are "wal-" and 16 hex digits, so that names sort in segment order, and
// parse back to their number.
func TestSegmentNames(t *testing.T) {
	for _, n := range []uint64{0, 1, 0xab, 1<<63 + 5, ^uint64(0)} {
		name := segName(n)
		require.Len(t, name, len(segPrefix)+16)
		got, ok := parseSegName(name)
		require.True(t, ok, name)
		require.Equal(t, n, got)
	}
	require.Equal(t, "wal-00000000000000ab", segName(0xab))
	require.Less(t, segName(9), segName(10))
}
