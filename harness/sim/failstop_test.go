package sim_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// A node that fail-stops after a write it never synced comes back 100 ms later as a new
// incarnation, from the durable disk only: the write is gone, what was synced is kept.
func TestFailStopCrashesThenRestartsFromTheDurableDisk(t *testing.T) {
	s := newTwSys()
	var seen [][]byte
	s.onStart = func(n *twNode) error {
		b, err := n.env.Disk().ReadFile("f")
		if err != nil && !errors.Is(err, nodeapi.ErrNotExist) {
			return err
		}
		seen = append(seen, b)
		return nil
	}
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1")
	require.NoError(t, w.Exec("n1", func() {
		n := s.nodes["n1"]
		require.NoError(t, n.env.Disk().Append("f", []byte("synced;")))
		n.env.Disk().Sync(func(err error) {
			require.NoError(t, err)
			require.NoError(t, n.env.Disk().Append("f", []byte("lost;")))
			fs, ok := n.env.(nodeapi.FailStopper)
			require.True(t, ok, "the simulated Env can fail-stop")
			fs.FailStop("test")
			require.True(t, w.Up("n1"), "the crash waits until the node's code returns")
		})
	}))
	require.NoError(t, w.RunFor(ms(50)))
	require.False(t, w.Up("n1"), "fail-stopped: down")
	require.Equal(t, []nodeapi.NodeID{"n1"}, s.down, "the observer heard of the crash")
	require.NoError(t, w.RunFor(ms(100)))
	require.True(t, w.Up("n1"), "restarted by the world")
	require.Equal(t, 2, s.starts["n1"])
	require.Equal(t, []byte("synced;"), seen[1], "only the durable write survives")
}
