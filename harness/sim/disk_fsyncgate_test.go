package sim_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// With SyncFailLosesWrites a failed sync loses the writes it covered (fsyncgate): reads no
// longer show them, a later sync that succeeds does not bring them back, and a crash
// shows the disk without them. Writes made after the failed sync stay pending as usual.
func TestFsyncgateLosesTheWritesOfAFailedSync(t *testing.T) {
	w, s := diskWorld(t, 1)
	d := disk(s)
	require.NoError(t, d.WriteFile("base", []byte("durable")))
	d.Sync(func(err error) { require.NoError(t, err) })
	require.NoError(t, w.RunFor(ms(2)))

	gate := sim.DiskFaults{SyncFailRate: 1, SyncFailLosesWrites: true}
	require.NoError(t, w.SetDiskFaults("n1", gate))
	require.NoError(t, d.Append("base", []byte("+lost")))
	require.NoError(t, d.WriteFile("new", []byte("lost too")))
	var got []error
	d.Sync(func(err error) { got = append(got, err) })
	require.NoError(t, d.Append("base", []byte("+after"))) // not covered by that sync
	require.NoError(t, w.RunFor(ms(2)))
	require.Equal(t, []error{sim.ErrSyncFailed}, got)
	require.Equal(t, "durable+after", read(t, d, "base"), "the covered writes are gone")
	_, err := d.ReadFile("new")
	require.ErrorIs(t, err, nodeapi.ErrNotExist)
	require.Equal(t, uint64(2), w.Stats().LostWrites)

	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{}))
	d.Sync(func(err error) { require.NoError(t, err) })
	require.NoError(t, w.RunFor(ms(2)))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, "durable+after", read(t, disk(s), "base"))
	require.Equal(t, []string{"base"}, disk(s).List())
}

// Ops that depended on a lost write (a rename or truncation of a file whose creation was
// lost) do what they can on the disk without it, and the images stay consistent.
func TestFsyncgateReplaysWhatRemains(t *testing.T) {
	w, s := diskWorld(t, 2)
	d := disk(s)
	gate := sim.DiskFaults{SyncFailRate: 1, SyncFailLosesWrites: true}
	require.NoError(t, w.SetDiskFaults("n1", gate))
	require.NoError(t, d.WriteFile("tmp", []byte("0123456789")))
	d.Sync(func(error) {})
	require.NoError(t, d.Truncate("tmp", 4))
	require.NoError(t, d.Rename("tmp", "final"))
	require.NoError(t, d.Append("final", []byte("!")))
	require.NoError(t, w.RunFor(ms(2)))
	require.Equal(t, []string{"final"}, d.List())
	require.Equal(t, "!", read(t, d, "final"))
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{}))
	d.Sync(func(error) {})
	require.NoError(t, w.RunFor(ms(2)))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, "!", read(t, disk(s), "final"))
}
