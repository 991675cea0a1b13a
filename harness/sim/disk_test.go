package sim_test

import (
	"math/bits"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// diskWorld is a one-node world whose disk syncs in exactly 1 ms.
func diskWorld(t *testing.T, seed uint64) (*sim.World, *twSys) {
	s := newTwSys()
	w := newWorld(t, s, sim.Options{Seed: seed,
		Disk: sim.DiskFaults{SyncLatencyMin: ms(1), SyncLatencyMax: ms(1)}}, "n1")
	return w, s
}

func disk(s *twSys) nodeapi.Disk { return s.nodes["n1"].env.Disk() }

func read(t *testing.T, d nodeapi.Disk, name string) string {
	b, err := d.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func TestDiskCrash(t *testing.T) {
	w, s := diskWorld(t, 1)
	d := disk(s)
	var results []error
	require.NoError(t, d.WriteFile("a", []byte("synced")))
	d.Sync(func(err error) { results = append(results, err) })
	require.NoError(t, d.Append("a", []byte("+after-sync-call")))
	require.NoError(t, w.RunFor(ms(5)))
	require.Equal(t, []error{nil}, results)
	require.Equal(t, "synced+after-sync-call", read(t, d, "a"))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, "synced", read(t, disk(s), "a"), "a sync covers writes before the call")

	// A graceful stop makes pending writes durable.
	require.NoError(t, disk(s).Append("a", []byte("+stopped")))
	require.NoError(t, disk(s).Rename("a", "b"))
	require.NoError(t, w.Stop("n1"))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, "synced+stopped", read(t, disk(s), "b"))
	require.Equal(t, []string{"b"}, disk(s).List())

	// A crash in the middle of a sync loses the writes and never calls back.
	require.NoError(t, disk(s).WriteFile("c", []byte("x")))
	disk(s).Sync(func(err error) { t.Error("sync callback of a crashed node") })
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.RunFor(ms(5)))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, []string{"b"}, disk(s).List())
}

func TestDiskTornWrite(t *testing.T) {
	const base, tail = "base|", "ABCDEFGHIJKLMNOP"
	partial, none, all := 0, 0, 0
	for seed := uint64(1); seed <= 60; seed++ {
		w, s := diskWorld(t, seed)
		d := disk(s)
		require.NoError(t, d.WriteFile("log", []byte(base)))
		d.Sync(func(error) {})
		require.NoError(t, w.RunFor(ms(2)))
		require.NoError(t, d.Append("log", []byte(tail)))
		require.NoError(t, w.Crash("n1", sim.CrashOptions{TornWrite: true}))
		require.NoError(t, w.Restart("n1"))
		got := read(t, disk(s), "log")
		require.True(t, strings.HasPrefix(base+tail, got), "seed %d: %q", seed, got)
		require.True(t, strings.HasPrefix(got, base), "seed %d: synced data lost", seed)
		switch len(got) {
		case len(base):
			none++
		case len(base + tail):
			all++
		default:
			partial++
		}
	}
	t.Logf("torn appends: %d partial, %d lost, %d whole", partial, none, all)
	require.Greater(t, partial, 20, "most crashes keep a strict prefix of the torn write")
	require.Positive(t, none+all)
}

func TestDiskSyncFailure(t *testing.T) {
	w, s := diskWorld(t, 1)
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{SyncFailRate: 1}))
	d := disk(s)
	require.NoError(t, d.WriteFile("f", []byte("v1")))
	var got []error
	d.Sync(func(err error) { got = append(got, err) })
	require.NoError(t, w.RunFor(ms(1)))
	require.Equal(t, []error{sim.ErrSyncFailed}, got)
	require.Equal(t, uint64(1), w.Stats().SyncFailures)

	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{}))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	_, err := disk(s).ReadFile("f")
	require.ErrorIs(t, err, nodeapi.ErrNotExist, "a failed sync made nothing durable")

	// A later successful sync covers writes a failed one left pending.
	d = disk(s)
	require.NoError(t, d.WriteFile("g", []byte("v2")))
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{SyncFailRate: 1}))
	d.Sync(func(error) {})
	require.NoError(t, w.RunFor(time.Millisecond))
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{}))
	d.Sync(func(err error) { require.NoError(t, err) })
	require.NoError(t, w.RunFor(time.Millisecond))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	require.NoError(t, w.Restart("n1"))
	require.Equal(t, "v2", read(t, disk(s), "g"))
}

func TestDiskReadCorruption(t *testing.T) {
	w, s := diskWorld(t, 3)
	d := disk(s)
	want := []byte("the quick brown fox jumps over the lazy dog")
	require.NoError(t, d.WriteFile("f", want))
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{ReadCorruptRate: 1}))
	for range 20 {
		got, err := d.ReadFile("f")
		require.NoError(t, err)
		flipped := 0
		for i := range want {
			flipped += bits.OnesCount8(want[i] ^ got[i])
		}
		require.Equal(t, 1, flipped, "exactly one bit of the copy flips")
	}
	require.Equal(t, uint64(20), w.Stats().ReadCorruption)
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{}))
	require.Equal(t, string(want), read(t, d, "f"), "the stored data is intact")
}

func TestDiskErrors(t *testing.T) {
	_, s := diskWorld(t, 1)
	d := disk(s)
	require.ErrorContains(t, d.WriteFile("", nil), "empty file name")
	require.ErrorContains(t, d.Append(strings.Repeat("x", 300), nil), "longer than 255")
	require.ErrorIs(t, d.Remove("nope"), nodeapi.ErrNotExist)
	require.ErrorIs(t, d.Rename("nope", "b"), nodeapi.ErrNotExist)
	require.ErrorIs(t, d.Truncate("nope", 0), nodeapi.ErrNotExist)
	require.NoError(t, d.WriteFile("f", []byte("12345")))
	require.ErrorContains(t, d.Truncate("f", 9), "want a size in [0, 5]")
	require.NoError(t, d.Truncate("f", 2))
	require.NoError(t, d.Append("f", []byte("xy")))
	require.Equal(t, "12xy", read(t, d, "f"))
	b, err := d.ReadFile("f")
	require.NoError(t, err)
	b[0] = 'Z'
	require.Equal(t, "12xy", read(t, d, "f"), "ReadFile returns a copy")
}
