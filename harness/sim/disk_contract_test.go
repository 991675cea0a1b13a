package sim_test

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// The README's disk contract: a Rename is a pending write like any other. Written under a
// temporary name and synced, then renamed, a file keeps its old name after a crash until a
// Sync asked for after the Rename has completed.
func TestDiskRenameNeedsItsOwnSync(t *testing.T) {
	w, s := diskWorld(t, 1)
	d := disk(s)
	require.NoError(t, d.WriteFile("snap.tmp", []byte("v2")))
	d.Sync(func(error) {})
	require.NoError(t, w.RunFor(ms(2)))
	require.NoError(t, d.Rename("snap.tmp", "snap"))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, []string{"snap.tmp"}, disk(s).List(), "the unsynced rename was lost")

	d = disk(s)
	require.NoError(t, d.Rename("snap.tmp", "snap"))
	synced := false
	d.Sync(func(err error) { synced = err == nil })
	require.NoError(t, w.RunFor(ms(2)))
	require.True(t, synced)
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, []string{"snap"}, disk(s).List())
	require.Equal(t, "v2", read(t, disk(s), "snap"))
}

// A missing file is nodeapi.ErrNotExist wrapped with the operation and the name: errors.Is
// finds it, and fs.ErrNotExist too; == does not, as the contract says.
func TestDiskMissingFileIsErrNotExist(t *testing.T) {
	_, s := diskWorld(t, 1)
	d := disk(s)
	_, err := d.ReadFile("nope")
	require.ErrorIs(t, err, nodeapi.ErrNotExist)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.ErrorContains(t, err, `"nope"`)
	for _, err := range []error{d.Remove("nope"), d.Rename("nope", "x"), d.Truncate("nope", 0)} {
		require.True(t, errors.Is(err, fs.ErrNotExist), "%v", err)
	}
}
