package sim

import (
	"errors"
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// CrashOptions tunes a crash.
type CrashOptions struct {
	// TornWrite keeps the unsynced writes up to a random point, the write at that point cut
	// to a random prefix of its bytes, instead of losing them all.
	TornWrite bool
}

// Crash kills server id at once: its volatile state and unsynced writes are lost (see
// CrashOptions), its timers, sync callbacks and held messages are dropped, its streams
// break, and a LifecycleObserver hears NodeDown. A paused node can crash.
func (w *World) Crash(id nodeapi.NodeID, opts CrashOptions) error {
	n, err := w.lookupServer(id, "Crash")
	if err != nil {
		return err
	}
	if !n.up {
		return fmt.Errorf("harness: Crash %q: the node is already down", id)
	}
	note := "crash"
	if opts.TornWrite {
		note = "crash (torn write)"
	}
	w.annotate(id, note)
	w.stats.Crashes++
	w.down(n)
	n.disk.crash(opts.TornWrite)
	w.net.DropHeld(n.ep)
	w.breakStreamsOf(n, ErrPeerCrashed)
	w.nodeDown(id)
	return nil
}

// Stop shuts server id down gracefully: Stopper.Stop runs if the node implements it, every
// pending write becomes durable, then the node is down as after a crash (its streams break
// with ErrPeerStopped). A paused node must be resumed (or crashed) instead.
func (w *World) Stop(id nodeapi.NodeID) error {
	n, err := w.lookupServer(id, "Stop")
	if err != nil {
		return err
	}
	switch {
	case !n.up:
		return fmt.Errorf("harness: Stop %q: the node is already down", id)
	case n.paused:
		return fmt.Errorf("harness: Stop %q: the node is paused; resume or crash it", id)
	}
	w.annotate(id, "stop")
	if s, ok := n.impl.(nodeapi.Stopper); ok {
		if err := w.guard(n, s.Stop); err != nil {
			return err
		}
	}
	w.stats.Stops++
	w.down(n)
	n.disk.stop()
	w.breakStreamsOf(n, ErrPeerStopped)
	w.nodeDown(id)
	return nil
}

// nodeDown tells the LifecycleObserver, as system code, that id went down.
func (w *World) nodeDown(id nodeapi.NodeID) {
	if w.life != nil {
		prev := w.enterSystem(&sysFrame{what: "lifecycle observer", about: id})
		w.life.NodeDown(id)
		w.leaveSystem(prev)
	}
}

// down ends n's incarnation: everything queued for it becomes stale.
func (w *World) down(n *node) {
	for i := range n.held {
		if n.held[i].kind == evTimer {
			w.timers.release(n.held[i].id)
		}
	}
	clear(n.held)
	n.held = n.held[:0]
	n.up, n.paused, n.impl, n.env = false, false, nil, nil
	n.inc++
}

// Restart starts a down server again with System.NewNode on its durable disk, as a new
// incarnation with a fresh random stream. If NewNode fails on a disk for which read
// corruption was never configured, the node could not recover from what it made durable
// itself (lost unsynced writes and torn writes are part of every crash): the run stops with
// a *RecoveryError, which Restart returns too. Otherwise a failed start leaves the node
// down, as AddNode does, and the error is returned for the caller to report.
func (w *World) Restart(id nodeapi.NodeID) error {
	n, err := w.lookupServer(id, "Restart")
	if err != nil {
		return err
	}
	if n.up {
		return fmt.Errorf("harness: Restart %q: the node is up; crash or stop it first", id)
	}
	w.annotate(id, "restart")
	w.stats.Restarts++
	err = w.start(n)
	if err == nil || w.fail != nil || n.disk.corruptReads {
		return err // started, stopped the run (a panic in NewNode), or may refuse
	}
	w.annotate(id, "restart failed: "+n.err.Error())
	re := &RecoveryError{Node: id, At: w.Now(), Err: n.err}
	w.fail = re
	return re
}

// IsRecoveryFailure reports whether err, returned by a restart, stopped the run as a
// *RecoveryError: the failure is reported as such, not annotated as a skipped restart.
func IsRecoveryFailure(err error) bool {
	var re *RecoveryError
	return errors.As(err, &re)
}

// Pause freezes id (a server or a client): nothing of it runs, and its due timers,
// messages and sync completions wait, in order, until Resume.
func (w *World) Pause(id nodeapi.NodeID) error {
	n, err := w.lookup(id)
	if err != nil {
		return err
	}
	switch {
	case !n.up:
		return fmt.Errorf("harness: Pause %q: the node is down", id)
	case n.paused:
		return fmt.Errorf("harness: Pause %q: the node is already paused", id)
	}
	n.paused = true
	w.stats.Pauses++
	w.annotate(id, "pause")
	return nil
}

// Resume lets a paused node run again: the events that fell due while it was paused run
// now, in the order they fell due.
func (w *World) Resume(id nodeapi.NodeID) error {
	n, err := w.lookup(id)
	if err != nil {
		return err
	}
	if !n.up || !n.paused {
		return fmt.Errorf("harness: Resume %q: the node is not paused", id)
	}
	n.paused = false
	w.annotate(id, "resume")
	for i := range n.held {
		e := n.held[i]
		e.at = w.now
		w.q.push(e)
	}
	clear(n.held)
	n.held = n.held[:0]
	return nil
}

// Exec runs f now as code of node id: a panic in f is attributed to id and stops the run,
// and the invariants are checked after it. Harness code uses it to call into a node or
// client (Client.Invoke, say). It fails if id is down or paused, and returns the error that
// stopped the run if the run has stopped.
func (w *World) Exec(id nodeapi.NodeID, f func()) error {
	n, err := w.lookup(id)
	if err != nil {
		return err
	}
	if !n.up || n.paused {
		return fmt.Errorf("harness: Exec on %q: the node is not running", id)
	}
	if err := w.guard(n, f); err != nil {
		return err
	}
	return w.fail
}

// guard runs f as code of n, then checks the invariants. A panic in f is recovered into
// the *NodePanicError that stops the run, and returned.
func (w *World) guard(n *node, f func()) (err error) {
	prev := w.cur
	defer func() {
		if r := recover(); r != nil {
			err = w.Panicked(r)
		}
		w.cur = prev
	}()
	w.cur = n.idx
	f()
	w.leave(n)
	return nil
}
