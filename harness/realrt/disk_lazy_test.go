package realrt

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// A lazy disk keeps writes in memory until Sync: a kill loses exactly the writes made
// after the last completed Sync and keeps every synced one, renames and removals included.
func TestLazyDiskKillLosesUnsyncedWritesOnly(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, true)
	require.NoError(t, d.WriteFile("wal", []byte("synced1;")))
	require.NoError(t, d.WriteFile("snap.tmp", []byte("snapshot")))
	require.NoError(t, d.WriteFile("old", []byte("old")))
	_, err := os.Stat(filepath.Join(dir, "wal"))
	require.ErrorIs(t, err, os.ErrNotExist, "nothing reaches the files before Sync")
	syncNow(t, d)

	require.NoError(t, d.Rename("snap.tmp", "snap"))
	require.NoError(t, d.Append("wal", []byte("synced2;")))
	syncNow(t, d)

	require.NoError(t, d.Append("wal", []byte("lost;")))
	require.NoError(t, d.Remove("old"))
	require.NoError(t, d.WriteFile("new", []byte("lost")))
	require.NoError(t, d.Truncate("snap", 1))
	require.Equal(t, "synced1;synced2;lost;", read(t, d, "wal"), "reads see unsynced writes")
	require.Equal(t, 4, d.Pending())
	d.Kill()

	for _, lazy := range []bool{true, false} {
		d2 := openDisk(t, dir, lazy)
		require.Equal(t, []string{"old", "snap", "wal"}, d2.List())
		require.Equal(t, "synced1;synced2;", read(t, d2, "wal"))
		require.Equal(t, "snapshot", read(t, d2, "snap"))
		require.Equal(t, "old", read(t, d2, "old"))
		d2.Close()
	}
}

// Many syncs in a row flush the writes in order, each exactly once.
func TestLazyDiskFlushesInOrder(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, true)
	var want strings.Builder
	done := make(chan error, 100)
	for i := range 100 {
		rec := strings.Repeat(string(rune('a'+i%26)), i%7+1)
		require.NoError(t, d.Append("log", []byte(rec)))
		want.WriteString(rec)
		if i%3 == 0 {
			d.Sync(func(err error) { done <- err })
		}
	}
	syncNow(t, d)
	for range 34 {
		require.NoError(t, <-done)
	}
	require.Zero(t, d.Pending())
	b, err := os.ReadFile(filepath.Join(dir, "log"))
	require.NoError(t, err)
	require.Equal(t, want.String(), string(b))
	d.Close()
}

// A lazy disk keeps the rule of package journal: whatever the writes and the syncs, failed
// ones included, reads see the files plus the pending writes, and a sync that succeeds
// leaves nothing pending.
func TestLazyDiskReadsSeeFilesPlusPending(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, true)
	defer d.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	names := []string{"a", "b", "c"}
	for step := range 200 {
		name, other := names[rng.IntN(3)], names[rng.IntN(3)]
		rec := []byte(strings.Repeat(string(rune('a'+step%26)), rng.IntN(4)))
		switch k := rng.IntN(10); {
		case k < 3:
			require.NoError(t, d.WriteFile(name, rec))
		case k < 6:
			require.NoError(t, d.Append(name, rec))
		case k == 6 && slices.Contains(d.List(), name):
			require.NoError(t, d.Truncate(name, rng.IntN(len(read(t, d, name))+1)))
		case k == 7 && slices.Contains(d.List(), name):
			require.NoError(t, d.Rename(name, other))
		case k == 8 && slices.Contains(d.List(), name):
			require.NoError(t, d.Remove(name))
		case k == 9:
			require.NoError(t, d.FailSyncs(rng.IntN(2)))
			ch := make(chan error, 1)
			d.Sync(func(err error) { ch <- err })
			if err := <-ch; err == nil {
				require.Zero(t, d.Pending(), "step %d", step)
			}
		}
		files := map[string][]byte{}
		onDisk, err := d.store.list()
		require.NoError(t, err)
		for _, name := range onDisk {
			files[name], err = d.store.read(name)
			require.NoError(t, err)
		}
		d.mu.Lock()
		want := map[string]string{}
		for name, f := range journal.Image(files, d.pending.Ops()) {
			want[name] = string(f)
		}
		d.mu.Unlock()
		got := map[string]string{}
		for _, name := range d.List() {
			got[name] = read(t, d, name)
		}
		require.Equal(t, want, got, "step %d", step)
	}
}

// syncNode is a test node whose only job is to let a test call its Env's disk.
type syncNode struct{ env nodeapi.Env }

func (n *syncNode) HandleMessage(nodeapi.NodeID, []byte) {}

type syncSystem struct{}

func (syncSystem) NewNode(env nodeapi.Env, _ nodeapi.Boot) (nodeapi.Node, error) {
	return &syncNode{env: env}, nil
}

func (syncSystem) NewClient(nodeapi.Env, []nodeapi.NodeID) (nodeapi.Client, error) {
	panic("unused")
}

// Sync's done callback runs on the node's loop like every other callback: never while
// another callback (here, the one that called Sync) is still running.
func TestSyncDoneRunsOnTheLoop(t *testing.T) {
	for _, lazy := range []bool{false, true} {
		disk := openDisk(t, t.TempDir(), lazy)
		rt, err := New(Options{ID: "n", Disk: disk})
		require.NoError(t, err)
		_, err = rt.StartNode(syncSystem{}, nodeapi.Boot{})
		require.NoError(t, err)
		var inCallback atomic.Bool
		result := make(chan bool, 1)
		require.NoError(t, rt.Do(func() {
			inCallback.Store(true)
			d := rt.Env().Disk()
			require.NoError(t, d.Append("f", []byte("x")))
			d.Sync(func(err error) { result <- err == nil && !inCallback.Load() })
			time.Sleep(50 * time.Millisecond) // the fsync completes meanwhile
			inCallback.Store(false)
		}))
		select {
		case ok := <-result:
			require.True(t, ok, "lazy=%v: done ran during another callback or failed", lazy)
		case <-time.After(10 * time.Second):
			t.Fatal("done never ran")
		}
		rt.Stop()
	}
}

// A data directory must be a writable directory that no other process has open.
func TestDataDirectoryChecks(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, false)
	_, err := OpenDisk(dir, DiskOptions{})
	require.ErrorContains(t, err, "in use by another process")
	d.Close()
	d = openDisk(t, dir, false) // released on Close
	d.Close()

	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	_, err = OpenDisk(filepath.Join(file, "data"), DiskOptions{})
	require.ErrorContains(t, err, "cannot be created")
	_, err = OpenDisk(file, DiskOptions{})
	require.Error(t, err)
	_, err = OpenDisk("", DiskOptions{})
	require.Error(t, err)
	if os.Geteuid() != 0 { // root writes anywhere
		ro := t.TempDir()
		require.NoError(t, os.Chmod(ro, 0o500))
		_, err = OpenDisk(ro, DiskOptions{})
		require.ErrorContains(t, err, "not writable")
	}
}
