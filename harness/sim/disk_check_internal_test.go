package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// idleSys is a system whose nodes do nothing: the disk tests drive the disk by hand.
type idleSys struct{}

type idleNode struct{}

func (idleSys) NewNode(nodeapi.Env, nodeapi.Boot) (nodeapi.Node, error) {
	return idleNode{}, nil
}

func (idleSys) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) {
	return nil, nil
}

func (idleNode) HandleMessage(nodeapi.NodeID, []byte) {}

// diskOf makes a one-node world and returns it with the node's disk.
func diskOf(t *testing.T) (*World, *simDisk) {
	w, err := NewWorld(idleSys{}, Options{Seed: 1,
		Disk: DiskFaults{SyncLatencyMin: time.Millisecond, SyncLatencyMax: time.Millisecond}})
	require.NoError(t, err)
	require.NoError(t, w.AddNode("n1", nodeapi.Boot{}))
	return w, w.nodes[0].disk
}

// A disk whose images disagree (here the current image is corrupted behind the disk's
// back, as a slip in slice sharing would) is caught at the next sync, and the run stops
// with a harness error: the world's bug, never reported as the system's.
func TestDiskInvariantIsAssertedOnSync(t *testing.T) {
	w, d := diskOf(t)
	require.NoError(t, d.WriteFile("log", []byte("entry-1")))
	d.Sync(func(error) {})
	require.NoError(t, w.RunFor(2*time.Millisecond))
	require.NoError(t, d.Append("log", []byte("entry-2")))
	d.current["log"] = append(d.current["log"], 'x') // a size slip
	d.Sync(func(error) {})
	err := w.RunFor(2 * time.Millisecond)
	var hp *HarnessPanicError
	require.ErrorAs(t, err, &hp)
	require.Contains(t, hp.Error(), `current != durable + pending at sync: file "log"`)

	w, d = diskOf(t)
	require.NoError(t, d.WriteFile("log", []byte("entry-1")))
	d.Sync(func(error) {})
	d.current["log"] = []byte("Entry-1") // a content slip in the bytes being synced
	err = w.RunFor(2 * time.Millisecond)
	require.ErrorAs(t, err, &hp)
	require.Contains(t, hp.Error(), "bytes just synced")
}

// A crash compares the images in full before it throws the pending writes away.
func TestDiskInvariantIsAssertedOnCrash(t *testing.T) {
	w, d := diskOf(t)
	require.NoError(t, d.WriteFile("meta", []byte("term=1")))
	d.current["meta"] = []byte("term=2")
	w.At(time.Millisecond, func() { _ = w.Crash("n1", CrashOptions{}) })
	err := w.RunFor(2 * time.Millisecond)
	var hp *HarnessPanicError
	require.ErrorAs(t, err, &hp)
	require.Contains(t, hp.Error(), `at crash: file "meta" differs`)
}

// With only appends pending, the crash compares in place, and still catches each kind of
// slip: a changed byte in what was appended, a byte too many, a file too many or too few,
// and a file that current holds under a name durable + pending does not.
func TestDiskInvariantOnCrashWithAppendsPending(t *testing.T) {
	slips := map[string]func(d *simDisk){
		`file "log" differs`: func(d *simDisk) { d.current["log"][len("entry-1")+2] = 'X' },
		`file "log" has`:     func(d *simDisk) { d.current["log"] = append(d.current["log"], 'x') },
		"3 files, want 2":    func(d *simDisk) { d.current["ghost"] = nil },
		"1 files, want 2":    func(d *simDisk) { delete(d.current, "new") },
		"in current only": func(d *simDisk) {
			d.current["ghost"] = d.current["new"]
			delete(d.current, "new")
		},
	}
	for want, slip := range slips {
		w, d := diskOf(t)
		require.NoError(t, d.Append("log", []byte("entry-1")))
		d.Sync(func(error) {})
		require.NoError(t, w.RunFor(2*time.Millisecond))
		require.NoError(t, d.Append("log", []byte("entry-2")))
		require.NoError(t, d.Append("new", []byte("first")))
		require.NoError(t, d.Append("log", []byte("entry-3")))
		slip(d)
		w.At(w.Now()+time.Millisecond, func() { _ = w.Crash("n1", CrashOptions{}) })
		err := w.RunFor(2 * time.Millisecond)
		var hp *HarnessPanicError
		require.ErrorAs(t, err, &hp, want)
		require.Contains(t, hp.Error(), want)
	}
	w, d := diskOf(t)
	require.NoError(t, d.Append("log", []byte("entry-1")))
	require.NoError(t, d.Append("new", []byte("first")))
	w.At(time.Millisecond, func() { _ = w.Crash("n1", CrashOptions{}) })
	require.NoError(t, w.RunFor(2*time.Millisecond), "a sound disk passes the check")
}
