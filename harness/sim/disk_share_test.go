package sim_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/sim"
)

// A synced log shares its bytes with what reads see (disk_share.go); the appends that
// follow, pending or torn, must still never reach the durable file, and a file synced over
// and over must keep every synced append.
func TestSyncedAppendsSurviveLaterAppendsAndCrashes(t *testing.T) {
	for _, torn := range []bool{false, true} {
		for seed := uint64(1); seed <= 20; seed++ {
			w, s := diskWorld(t, seed)
			d := disk(s)
			want := ""
			for i, part := range []string{"one|", "two|", "three|"} {
				require.NoError(t, d.Append("log", []byte(part)))
				if i == 1 {
					require.NoError(t, d.Append("other", []byte("x"))) // a second file
				}
				d.Sync(func(error) {})
				require.NoError(t, w.RunFor(ms(2)))
				want += part
			}
			// Appended in place beyond the synced bytes, if the array has room.
			require.NoError(t, d.Append("log", []byte("pending")))
			require.Equal(t, want+"pending", read(t, d, "log"))
			require.NoError(t, w.Crash("n1", sim.CrashOptions{TornWrite: torn}))
			require.NoError(t, w.Restart("n1"))
			got := read(t, disk(s), "log")
			require.GreaterOrEqual(t, len(got), len(want), "seed %d: a synced append lost", seed)
			require.Equal(t, want, got[:len(want)], "seed %d", seed)
			if !torn {
				require.Equal(t, want, got, "seed %d: a pending append survived", seed)
			}
			// The restarted node appends again: the durable bytes are not overwritten.
			require.NoError(t, disk(s).Append("log", []byte("again")))
			require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
			require.NoError(t, w.Restart("n1"))
			require.Equal(t, got, read(t, disk(s), "log"), "seed %d", seed)
		}
	}
}
