package realrt

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// A node whose sync fails fail-stops, and the endpoint starts a fresh incarnation from the
// disk: a lazy disk gives it only what was synced (the failed sync's write is gone, as
// after kill -9); an eager disk gives it every write, which the operating system already
// had. The new incarnation syncs as usual.
func TestFailedSyncFailStopsAndRestartsFromTheDisk(t *testing.T) {
	for _, lazy := range []bool{true, false} {
		sys, logw := &fsSystem{}, &lockedLog{}
		rt := fsEndpoint(t, sys, Options{Disk: openDisk(t, t.TempDir(), lazy), Log: logw})
		require.NoError(t, commit(t, rt, sys.node(0), "a;"))
		require.NoError(t, rt.Disk().FailSyncs(1))
		require.ErrorIs(t, commit(t, rt, sys.node(0), "b;"), errSyncFault)
		eventually(t, 10*time.Second, "the restart", func() bool { return sys.startCount() == 2 })

		recovered, downs := sys.snapshot()
		want := map[bool]string{true: "a;", false: "a;b;"}[lazy]
		require.Equal(t, []string{"", want}, recovered, "lazy=%v", lazy)
		require.Equal(t, 1, downs, "the System heard NodeDown")
		require.EqualValues(t, 1, rt.Stats().FailStops)
		require.NoError(t, rt.RestartError())
		require.NotSame(t, sys.node(0).env, rt.Env(), "a new incarnation")
		require.NoError(t, commit(t, rt, sys.node(1), "c;"), "the new incarnation syncs")
		require.Equal(t, want+"c;", read(t, rt.Env().Disk(), "log"))
		require.Contains(t, logw.String(), "fail-stop 1, incarnation 1: sync failed")
		require.Contains(t, logw.String(), "restarted from the disk as incarnation 2")
	}
}

// A lazy disk loses exactly its unsynced writes at a fail-stop, as at kill -9: writes never
// synced, the writes of a sync still running (stalled) and those of a sync queued behind
// it. The synced ones survive, and the disk keeps working for the next incarnation.
func TestLazyDiskLosesUnsyncedWritesAtFailStop(t *testing.T) {
	dir := t.TempDir()
	sys := &fsSystem{}
	rt := fsEndpoint(t, sys, Options{Disk: openDisk(t, dir, true)})
	n := sys.node(0)
	require.NoError(t, commit(t, rt, n, "synced;"))
	require.NoError(t, rt.Disk().SetSyncDelay(150*time.Millisecond))
	var late atomic.Int32
	require.NoError(t, rt.Do(func() {
		d := n.env.Disk()
		require.NoError(t, d.Append("log", []byte("stalled;")))
		d.Sync(func(error) { late.Add(1) }) // running: stalled by the delay
		require.NoError(t, d.Append("log", []byte("queued;")))
		d.Sync(func(error) { late.Add(1) }) // queued behind it
		require.NoError(t, d.Append("log", []byte("unsynced;")))
		require.Equal(t, 3, rt.Disk().Pending())
		n.env.(nodeapi.FailStopper).FailStop("test")
	}))
	eventually(t, 10*time.Second, "the restart", func() bool { return sys.startCount() == 2 })
	require.NoError(t, rt.Disk().SetSyncDelay(0))
	recovered, _ := sys.snapshot()
	require.Equal(t, []string{"", "synced;"}, recovered)
	require.Zero(t, rt.Disk().Pending())
	b, err := os.ReadFile(filepath.Join(dir, "log"))
	require.NoError(t, err)
	require.Equal(t, "synced;", string(b), "nothing unsynced reached the file")
	require.NoError(t, commit(t, rt, sys.node(1), "new;"))
	b, err = os.ReadFile(filepath.Join(dir, "log"))
	require.NoError(t, err)
	require.Equal(t, "synced;new;", string(b))
	require.Zero(t, late.Load(), "a sync callback of the ended incarnation ran")
}

// A restart whose NewNode fails (a corrupted disk) is logged and reported by RestartError,
// once: the endpoint stays without a node, drops its datagrams and does not try again,
// until its owner starts a node.
func TestFailedRestartIsReportedNotRetried(t *testing.T) {
	sys, logw := &fsSystem{failFrom: 2}, &lockedLog{}
	delay := 20 * time.Millisecond
	rt := fsEndpoint(t, sys, Options{Disk: openDisk(t, t.TempDir(), true), Log: logw,
		FailStopRestart: delay})
	require.NoError(t, rt.Disk().FailSyncs(1))
	require.Error(t, commit(t, rt, sys.node(0), "x;"))
	eventually(t, 10*time.Second, "the restart error", func() bool {
		return rt.RestartError() != nil
	})
	require.ErrorIs(t, rt.RestartError(), errCorrupted)
	require.Contains(t, logw.String(), "restart after fail-stop failed: "+errCorrupted.Error())
	require.NoError(t, rt.Do(func() {
		rt.tr.send(rt.id, []byte("dropped")) // a datagram reaches the endpoint: no node
	}))
	time.Sleep(15 * delay) // time for many restarts, were there a retry loop
	require.NoError(t, rt.Do(func() {}))
	require.Equal(t, 2, sys.startCount(), "NewNode ran once after the fail-stop, no more")
	require.EqualValues(t, 1, rt.Stats().FailStops)
	require.Empty(t, sys.node(0).received(), "the old incarnation got nothing")

	sys.mu.Lock()
	sys.failFrom = 0 // the operator repaired the disk
	sys.mu.Unlock()
	_, err := rt.StartNode(sys, nodeapi.Boot{})
	require.NoError(t, err)
	require.NoError(t, rt.RestartError(), "a node runs again")
	require.NoError(t, commit(t, rt, sys.node(1), "y;"))
}

// A client endpoint does not fail-stop: FailStop is logged and ignored, and the client's
// Env keeps working, as in the simulated world.
func TestClientIgnoresFailStop(t *testing.T) {
	logw := &lockedLog{}
	rt, err := New(Options{ID: "c", Seed: 1, Log: logw})
	require.NoError(t, err)
	defer rt.Kill()
	c, err := rt.StartClient(&fsSystem{}, nil)
	require.NoError(t, err)
	fired := make(chan struct{})
	require.NoError(t, rt.Do(func() {
		e := c.(*fsNode).env
		e.(nodeapi.FailStopper).FailStop("test")
		e.After(time.Millisecond, func() { close(fired) })
	}))
	select {
	case <-fired:
	case <-time.After(10 * time.Second):
		t.Fatal("the client's timer never fired after FailStop")
	}
	require.Zero(t, rt.Stats().FailStops)
	require.Contains(t, logw.String(), "fail-stop ignored (test)")
}
