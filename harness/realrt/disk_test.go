package realrt

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

func openDisk(t *testing.T, dir string, lazy bool) *Disk {
	t.Helper()
	d, err := OpenDisk(dir, DiskOptions{Lazy: lazy})
	require.NoError(t, err)
	return d
}

// syncNow runs Sync and waits for its done (a standalone disk runs done on the syncer).
func syncNow(t *testing.T, d *Disk) {
	t.Helper()
	ch := make(chan error, 1)
	d.Sync(func(err error) { ch <- err })
	select {
	case err := <-ch:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Sync never completed")
	}
}

func read(t *testing.T, d nodeapi.Disk, name string) string {
	t.Helper()
	b, err := d.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// The file operations behave like the simulated disk's, in both modes.
func TestDiskOperations(t *testing.T) {
	for _, lazy := range []bool{false, true} {
		d := openDisk(t, t.TempDir(), lazy)
		require.NoError(t, d.WriteFile("a", []byte("hello")))
		require.NoError(t, d.Append("a", []byte(" world")))
		require.NoError(t, d.Append("b", []byte("new")))
		require.Equal(t, "hello world", read(t, d, "a"))
		require.NoError(t, d.Truncate("a", 5))
		require.Error(t, d.Truncate("a", 6), "Truncate cannot grow a file")
		require.NoError(t, d.Rename("a", "c"))
		require.Equal(t, []string{"b", "c"}, d.List())
		require.Equal(t, "hello", read(t, d, "c"))
		require.NoError(t, d.Remove("b"))
		for _, err := range []error{d.Remove("b"), d.Rename("a", "x"), d.Truncate("a", 0),
			func() error { _, err := d.ReadFile("a"); return err }()} {
			require.ErrorIs(t, err, nodeapi.ErrNotExist)
			require.ErrorIs(t, err, fs.ErrNotExist, "errors.Is with the os package's error too")
		}
		for _, bad := range []string{"", ".lock", "x/y", "..", "a\x00b"} {
			require.Error(t, d.WriteFile(bad, nil), "name %q", bad)
		}
		require.Equal(t, []string{"c"}, d.List(), "lazy=%v: the runtime's files are hidden", lazy)
		syncNow(t, d)
		d.Close()
	}
}

// An eager disk's writes reach the files at once, and a reopened directory holds them.
func TestEagerDiskWritesThrough(t *testing.T) {
	dir := t.TempDir()
	d := openDisk(t, dir, false)
	require.NoError(t, d.Append("wal", []byte("record1")))
	b, err := os.ReadFile(filepath.Join(dir, "wal"))
	require.NoError(t, err)
	require.Equal(t, "record1", string(b), "written through before any Sync")
	syncNow(t, d)
	d.Close()
	d2 := openDisk(t, dir, false)
	defer d2.Close()
	require.Equal(t, "record1", read(t, d2, "wal"))
}

// Sync fsyncs every file written since the last one and the directory when names changed;
// once done, nothing is left to fsync.
func TestSyncFsyncsFilesAndDirectory(t *testing.T) {
	d := openDisk(t, t.TempDir(), false)
	defer d.Close()
	require.NoError(t, d.Append("x", []byte("1")))
	require.NoError(t, d.Append("y", []byte("2")))
	d.store.mu.Lock()
	require.Len(t, d.store.dirty, 2)
	require.True(t, d.store.dirDirty, "new names need the directory synced")
	d.store.mu.Unlock()
	syncNow(t, d)
	d.store.mu.Lock()
	require.Empty(t, d.store.dirty)
	require.False(t, d.store.dirDirty)
	d.store.mu.Unlock()

	require.NoError(t, d.Append("x", []byte("3")))
	b := d.store.takeDirty()
	require.Len(t, b.handles, 1)
	require.False(t, b.dir, "an append to an existing file leaves the directory alone")
	require.NoError(t, d.store.fsync(b))
}

// A failed fsync returns the files to the dirty set: the next Sync tries them again
// rather than call writes durable that are not.
func TestFailedFsyncIsRetried(t *testing.T) {
	d := openDisk(t, t.TempDir(), false)
	defer d.Close()
	require.NoError(t, d.Append("x", []byte("1")))
	b := d.store.takeDirty()
	require.Len(t, b.handles, 1)
	f := b.handles[0].f
	f.Close() // the fsync below fails
	require.Error(t, d.store.fsync(b))
	d.store.mu.Lock()
	_, again := d.store.dirty[b.handles[0]]
	d.store.mu.Unlock()
	require.True(t, again)
}

// The slow-disk fault stalls each sync by the delay, and lifting it restores speed.
func TestSyncDelayStallsSyncs(t *testing.T) {
	d := openDisk(t, t.TempDir(), true)
	defer d.Close()
	require.Error(t, d.SetSyncDelay(-time.Second))
	require.NoError(t, d.SetSyncDelay(80*time.Millisecond))
	require.NoError(t, d.Append("f", []byte("x")))
	start := time.Now()
	syncNow(t, d)
	require.GreaterOrEqual(t, time.Since(start), 80*time.Millisecond)
	require.NoError(t, d.SetSyncDelay(0))
	start = time.Now()
	syncNow(t, d)
	require.Less(t, time.Since(start), 80*time.Millisecond)
}

// The failing-disk fault fails the next n syncs without making anything durable: the
// writes stay dirty (eager) or pending (lazy), and the first sync after the fault makes
// them durable.
func TestFailSyncsFailsTheNextSyncs(t *testing.T) {
	for _, lazy := range []bool{false, true} {
		dir := t.TempDir()
		d := openDisk(t, dir, lazy)
		require.Error(t, d.FailSyncs(-1))
		require.NoError(t, d.Append("f", []byte("a")))
		require.NoError(t, d.FailSyncs(2))
		for range 2 {
			ch := make(chan error, 1)
			d.Sync(func(err error) { ch <- err })
			require.ErrorIs(t, <-ch, errSyncFault, "lazy=%v", lazy)
		}
		if lazy {
			require.Equal(t, 1, d.Pending(), "the write is still pending")
			_, err := os.Stat(filepath.Join(dir, "f"))
			require.ErrorIs(t, err, os.ErrNotExist)
		} else {
			d.store.mu.Lock()
			require.Len(t, d.store.dirty, 1, "the file is still dirty")
			d.store.mu.Unlock()
		}
		syncNow(t, d)
		require.Zero(t, d.Pending())
		b, err := os.ReadFile(filepath.Join(dir, "f"))
		require.NoError(t, err)
		require.Equal(t, "a", string(b))
		d.Close()
	}
}
