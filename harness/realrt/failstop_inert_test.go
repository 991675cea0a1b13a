package realrt

import (
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/stretchr/testify/require"
)

// inertWorld is endpoint n (an fsSystem node on an eager disk) with two peers: p accepts
// streams, q records datagrams.
type inertWorld struct {
	n, p, q *Runtime
	sys     *fsSystem
	acc     *acceptor
	qrec    *recorder
	log     *lockedLog
}

func newInertWorld(t *testing.T, restart time.Duration) *inertWorld {
	lns := map[nodeapi.NodeID]net.Listener{}
	peers := map[nodeapi.NodeID]string{}
	for _, id := range []nodeapi.NodeID{"n", "p", "q"} {
		lns[id] = freeListener(t)
		peers[id] = lns[id].Addr().String()
	}
	w := &inertWorld{sys: &fsSystem{}, acc: &acceptor{log: newStreamLog()}, log: &lockedLog{}}
	var err error
	w.p, err = New(Options{ID: "p", Listener: lns["p"], Peers: peers, Seed: 2})
	require.NoError(t, err)
	t.Cleanup(w.p.Kill)
	_, err = w.p.StartNode(acceptorSystem{w.acc}, nodeapi.Boot{})
	require.NoError(t, err)
	w.q, w.qrec = endpoint(t, "q", lns["q"], peers, false)
	w.n, err = New(Options{ID: "n", Listener: lns["n"], Peers: peers, Seed: 1, Log: w.log,
		Disk: openDisk(t, t.TempDir(), false), FailStopRestart: restart})
	require.NoError(t, err)
	t.Cleanup(w.n.Kill)
	_, err = w.n.StartNode(w.sys, nodeapi.Boot{})
	require.NoError(t, err)
	return w
}

// Once a node fail-stops, nothing of its incarnation acts or is called again: timers
// (even one already due), sync callbacks (one already completed, one still running), stream
// data and closes already received, sends,
// disk writes and log lines after FailStop; its stream breaks for the peer; a datagram that
// arrives before the restart reaches neither incarnation, whether its delivery was queued
// before the end or after. The new incarnation works.
func TestOldIncarnationIsInertAfterFailStop(t *testing.T) {
	w := newInertWorld(t, 200*time.Millisecond)
	rt, old := w.n, w.sys.node(0)
	oldLog := newStreamLog()
	require.NoError(t, rt.Do(func() {
		require.NoError(t, old.env.Dial("p", oldLog).Write([]byte("first")))
		require.NoError(t, old.env.Dial("p", oldLog).Write([]byte("second")))
	}))
	eventually(t, 10*time.Second, "both streams' first chunks", func() bool {
		w.acc.log.mu.Lock()
		defer w.acc.log.mu.Unlock()
		return len(w.acc.log.data) == 2
	})

	var late atomic.Int32 // callbacks of the old incarnation that ran
	var lateWrite error
	require.NoError(t, rt.Do(func() {
		e, d := old.env, old.env.Disk()
		e.After(time.Millisecond, func() { late.Add(1) })
		e.After(time.Hour, func() { late.Add(1) }) // cancelled, not left armed
		require.NoError(t, d.Append("log", []byte("x")))
		d.Sync(func(error) { late.Add(1) })
		w.p.Post(func() {
			_ = w.acc.all[0].Write([]byte("from p"))
			w.acc.all[1].Close()
		})
		eventually(t, 5*time.Second, "the timer, the sync and p's chunk and close to be due",
			func() bool {
				rt.loop.mu.Lock()
				defer rt.loop.mu.Unlock()
				return len(rt.loop.queue) >= 4
			})
		require.NoError(t, rt.Disk().SetSyncDelay(100*time.Millisecond))
		d.Sync(func(error) { late.Add(1) }) // still running at the end
		gapDatagram(t, w, "gap1")           // delivered after FailStop, before the crash completes

		e.(nodeapi.FailStopper).FailStop("test")
		require.Zero(t, e.After(0, func() { late.Add(1) }), "no timer after the end")
		e.Send("q", []byte("old"))
		lateWrite = d.Append("log", []byte("late"))
		d.Sync(func(error) { late.Add(1) })
		e.Logf("the old incarnation logs")
		require.Error(t, e.Dial("p", oldLog).Write([]byte("x")))
		gapDatagram(t, w, "gap2") // delivered after the crash, long before the restart
	}))
	eventually(t, 10*time.Second, "p to hear of both streams' ends", func() bool {
		w.acc.log.mu.Lock()
		defer w.acc.log.mu.Unlock()
		return len(w.acc.log.closed) == 2
	})
	_, closed := w.acc.log.wait(t)
	require.Equal(t, []error{nil, nodeapi.ErrPeerCrashed}, closed,
		"p closed one stream, and saw the other break")
	eventually(t, 10*time.Second, "the restart", func() bool { return w.sys.startCount() == 2 })
	require.NoError(t, rt.Disk().SetSyncDelay(0))

	fresh := w.sys.node(1)
	// Syncs complete in order: once the new incarnation's is done, the old running one's
	// completion has come and gone.
	require.NoError(t, commit(t, rt, fresh, "y"))
	send(t, rt, "q", "new")
	send(t, w.q, "n", "after")
	eventually(t, 10*time.Second, "q and the new node to hear each other", func() bool {
		return len(w.qrec.received()) > 0 && len(fresh.received()) > 0
	})
	require.Equal(t, []delivery{{"n", "new"}}, w.qrec.received(), "the old send had no effect")
	require.Equal(t, []delivery{{"q", "after"}}, fresh.received(), "the gap datagram dropped")
	require.Empty(t, old.received())
	require.Zero(t, late.Load(), "a timer or sync callback of the old incarnation ran")
	require.ErrorIs(t, lateWrite, errIncarnationEnded)
	require.Equal(t, "xy", read(t, rt.Env().Disk(), "log"))
	require.NotContains(t, w.log.String(), "the old incarnation logs")
	oldLog.mu.Lock()
	defer oldLog.mu.Unlock()
	require.Empty(t, oldLog.closed, "the old incarnation's stream handler was not called")
	require.Empty(t, oldLog.data)
	require.EqualValues(t, 1, rt.Stats().FailStops)
	require.Zero(t, rt.Stats().Timers, "the old incarnation's timers were cancelled")
}

// gapDatagram has q send msg to n and waits, on n's loop, until its delivery is queued.
func gapDatagram(t *testing.T, w *inertWorld, msg string) {
	before := queuedMessages(w.n)
	w.q.Post(func() { w.q.Env().Send("n", []byte(msg)) })
	eventually(t, 5*time.Second, "q's datagram "+msg+" to arrive", func() bool {
		return queuedMessages(w.n) > before
	})
}
