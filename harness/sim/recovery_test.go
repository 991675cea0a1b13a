package sim_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// refuseRestarts makes every start after a node's first fail, as a system that cannot read
// back its own disk would.
func refuseRestarts(s *twSys) {
	s.onStart = func(n *twNode) error {
		if s.starts[n.env.ID()] > 1 {
			return errors.New("cannot parse my own log")
		}
		return nil
	}
}

// A restart that fails on a disk the harness never corrupted stops the run with a
// *RecoveryError, which every later step returns; the timeline says what happened.
func TestRestartFailureOnAnUncorruptedDiskStopsTheRun(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	require.NoError(t, w.Crash("n1", sim.CrashOptions{TornWrite: true}))
	err := w.Restart("n1")
	var re *sim.RecoveryError
	require.ErrorAs(t, err, &re)
	require.Equal(t, nodeapi.NodeID("n1"), re.Node)
	require.ErrorContains(t, re, "n1 could not restart at 0s on a disk with no injected "+
		"corruption: cannot parse my own log")
	require.False(t, w.Up("n1"))
	require.Same(t, re, w.Err())
	require.ErrorAs(t, w.RunFor(time.Second), &re)
	last := w.Annotations()[len(w.Annotations())-1]
	require.Equal(t, "restart failed: cannot parse my own log", last.Text)
}

// The world's own restart after a fail-stop is judged the same way.
func TestRestartFailureAfterFailStopStopsTheRun(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1")
	require.NoError(t, w.Exec("n1", func() {
		s.nodes["n1"].env.(nodeapi.FailStopper).FailStop("sync failed")
	}))
	err := w.RunFor(time.Second)
	var re *sim.RecoveryError
	require.ErrorAs(t, err, &re)
	require.Equal(t, 100*time.Millisecond, re.At, "the restart follows the fail-stop")
	for _, a := range w.Annotations() {
		require.False(t, strings.HasPrefix(a.Text, "skipped restart"),
			"a recovery failure is not a skipped restart: %v", a)
	}
}

// Once read corruption has been configured for a node's disk, even if it was later healed,
// that node may refuse to start: the restart fails and the run goes on. Another node's
// disk, never corrupted, gives no such excuse.
func TestRestartRefusalAfterReadCorruptionIsLegitimate(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, sim.Options{Seed: 1}, "n1", "n2")
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{ReadCorruptRate: 0.5}))
	require.NoError(t, w.SetDiskFaults("n1", sim.DiskFaults{}))
	require.NoError(t, w.Crash("n1", sim.CrashOptions{}))
	err := w.Restart("n1")
	require.ErrorContains(t, err, "n1 did not start: cannot parse my own log")
	var re *sim.RecoveryError
	require.False(t, errors.As(err, &re))
	require.NoError(t, w.Err())
	require.NoError(t, w.RunFor(time.Second))

	require.NoError(t, w.Crash("n2", sim.CrashOptions{}))
	require.ErrorAs(t, w.Restart("n2"), &re)
	require.Equal(t, nodeapi.NodeID("n2"), re.Node)
}

// Read corruption in the world's default disk settings excuses every node.
func TestDefaultReadCorruptionExcusesEveryNode(t *testing.T) {
	s := newTwSys()
	refuseRestarts(s)
	w := newWorld(t, s, sim.Options{Seed: 1,
		Disk: sim.DiskFaults{ReadCorruptRate: 0.01}}, "n1", "n2")
	for _, id := range []nodeapi.NodeID{"n1", "n2"} {
		require.NoError(t, w.Crash(id, sim.CrashOptions{}))
		require.ErrorContains(t, w.Restart(id), "did not start")
	}
	require.NoError(t, w.Err())
}
