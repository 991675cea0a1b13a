package realrt

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// A node on the real runtime may fail-stop (nodeapi.FailStopper), as in the simulated world,
// so that the code that ships is the code that was tested: the Raft KV answers a failed
// fsync with FailStop on both runtimes. The endpoint then ends the node's incarnation as a
// crash would and, Options.FailStopRestart later, starts a new one in the same process with
// the System and Boot given to StartNode, on the same disk:
//
//   - at once, in the callback that called FailStop: the incarnation's Env goes inert (its
//     timers and sync callbacks never run, Send, Dial, Logf and disk writes do nothing) and
//     the endpoint has no node, so datagrams and streams dialed to it are dropped or refused
//     until the restart;
//   - right after that callback: the incarnation's timers are cancelled, its streams break
//     (their peers see ErrPeerCrashed), a System that is a nodeapi.LifecycleObserver hears
//     NodeDown, and the disk loses what a kill -9 of the process would (Disk.crash);
//   - after the delay: NewNode on a new incarnation's Env. If it fails (a corrupted disk),
//     the endpoint logs it, keeps no node and does not try again; RestartError says why.
//
// Only an endpoint started with StartNode fail-stops. On a client endpoint, as in the
// simulated world (where only servers have a lifecycle), FailStop is logged and ignored:
// the client keeps running, and keeps no durable state a restart would recover anyway.

// defaultFailStopRestart is the simulated world's delay between a fail-stop and the restart.
const defaultFailStopRestart = 100 * time.Millisecond

// lifecycle is what an endpoint keeps to restart its node after a fail-stop.
type lifecycle struct {
	// sys and boot are StartNode's (set and read on the loop); sys is nil on a client
	// endpoint.
	sys   nodeapi.System
	boot  nodeapi.Boot
	delay time.Duration
	// incs numbers the incarnations (in New and on the loop).
	incs      uint64
	failStops atomic.Uint64
	// restartErr is the error of the last failed restart (RestartError).
	mu         sync.Mutex
	restartErr error
}

func (rt *Runtime) newIncarnation() *env {
	rt.life.incs++
	return newEnv(rt, rt.life.incs)
}

// startIncarnation runs a node's constructor with the Env of a live incarnation (a new one
// if the current one has ended) and installs what it returns, on the loop. A constructor
// that fails ends its incarnation, so nothing it armed (a timer, a sync) ever runs.
func (rt *Runtime) startIncarnation(
	build func(*env) (nodeapi.Node, error)) (nodeapi.Node, error) {
	e := rt.cur.Load()
	if !e.live() {
		e = rt.newIncarnation()
		rt.cur.Store(e)
	}
	n, err := build(e)
	switch {
	case err != nil:
		rt.endIncarnation(e)
	case e.live(): // not if the constructor fail-stopped already
		rt.node = n
		rt.setRestartError(nil)
	}
	return n, err
}

// failStop implements nodeapi.FailStopper for incarnation e; it runs on the loop, in the
// callback of e's node that gave up.
func (rt *Runtime) failStop(e *env, reason string) {
	if !e.live() {
		return
	}
	if rt.life.sys == nil {
		rt.notice("fail-stop ignored (%s): a client endpoint does not fail-stop", reason)
		return
	}
	e.dead.Store(true)
	rt.node = nil
	n := rt.life.failStops.Add(1)
	rt.notice("fail-stop %d, incarnation %d: %s; restarting from the disk in %v", n, e.num,
		reason, rt.life.delay)
	rt.loop.post(func() { rt.crash(e) })
}

// crash completes the end of incarnation e after the callback that fail-stopped it, and
// arms the restart. If the loop stops first, the endpoint's own shutdown does the rest.
func (rt *Runtime) crash(e *env) {
	rt.endIncarnation(e)
	if obs, ok := rt.life.sys.(nodeapi.LifecycleObserver); ok {
		obs.NodeDown(rt.id)
	}
	if err := rt.disk.crash(); err != nil {
		rt.restartFailed(err)
		return
	}
	// After a Stop or Kill the post is refused and nothing restarts.
	time.AfterFunc(rt.life.delay, func() { rt.loop.post(func() { rt.restart(e) }) })
}

// endIncarnation makes e inert and drops what it left running: its timers and streams.
// Every armed timer is e's while e is the current incarnation.
func (rt *Runtime) endIncarnation(e *env) {
	e.dead.Store(true)
	if rt.cur.Load() == e {
		rt.node = nil
		rt.timers.cancelAll()
	}
	rt.streams.crash(e)
}

// restart starts the incarnation after prev, unless the owner started a node meanwhile.
func (rt *Runtime) restart(prev *env) {
	if rt.cur.Load() != prev || rt.node != nil {
		return
	}
	sys, boot := rt.life.sys, rt.life.boot
	_, err := rt.startIncarnation(func(e *env) (nodeapi.Node, error) {
		return sys.NewNode(e, boot)
	})
	if err != nil {
		rt.restartFailed(err)
		return
	}
	if e := rt.cur.Load(); e.live() {
		rt.notice("restarted from the disk as incarnation %d", e.num)
	}
}

func (rt *Runtime) restartFailed(err error) {
	rt.notice("restart after fail-stop failed: %v; the endpoint stays without a node "+
		"(datagrams are dropped) and will not try again", err)
	rt.setRestartError(err)
}

func (rt *Runtime) setRestartError(err error) {
	rt.life.mu.Lock()
	rt.life.restartErr = err
	rt.life.mu.Unlock()
}

// RestartError is the error of the restart that failed after a fail-stop: the new
// incarnation's NewNode refused the disk (a corrupted record, say) or a lazy disk could not
// be read back. Since then the endpoint has no node, drops its datagrams and will not try
// again; its owner should report the error and stop the endpoint (cmd/raftkv's server exits
// 1). It is nil while a node runs, while a restart is pending, and after a successful
// StartNode. Safe from any goroutine.
func (rt *Runtime) RestartError() error {
	rt.life.mu.Lock()
	defer rt.life.mu.Unlock()
	return rt.life.restartErr
}
