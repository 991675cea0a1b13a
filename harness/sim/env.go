package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// env is the Env of one incarnation of one node or client. Once the incarnation ends its
// env goes inert: timers and sends from it are ignored, so a leaked closure of a crashed
// node cannot act.
type env struct {
	w   *World
	n   *node
	inc uint32
	rng *rand.Rand
	// bugRng is the incarnation's buggify stream, made at its first draw (see buggify.go).
	bugRng *rand.Rand
}

var (
	_ nodeapi.Env         = (*env)(nil)
	_ nodeapi.Annotator   = (*env)(nil)
	_ nodeapi.FailStopper = (*env)(nil)
)

// failStopRestartDelay is how long a fail-stopped node stays down before the world starts it
// again, like a supervisor restarting a process.
const failStopRestartDelay = 100 * time.Millisecond

// FailStop implements FailStopper: right after the current event the incarnation crashes
// (unsynced writes lost), and failStopRestartDelay later it restarts from its disk, unless a
// fault has restarted or crashed it meanwhile. The crash is not done inside the node's own
// callback, so observers never see a node go down in the middle of its own code.
func (e *env) FailStop(reason string) {
	if !e.live() {
		return
	}
	w, n, inc := e.w, e.n, e.inc
	w.inWorld++
	w.emitNode(KindLog, n, 0, "fail-stop: "+reason)
	w.After(0, func() {
		if n.inc != inc || !n.up {
			return
		}
		w.annotate(n.id, "fail-stop: "+reason)
		_ = w.Crash(n.id, CrashOptions{})
		w.After(failStopRestartDelay, func() {
			if n.inc == inc+1 && !n.up {
				if err := w.Restart(n.id); err != nil && !IsRecoveryFailure(err) {
					w.annotate(n.id, "skipped restart after fail-stop: "+err.Error())
				}
			}
		})
	})
	w.inWorld--
}

func (e *env) live() bool { return e.n.inc == e.inc && e.n.up }

// ID implements Env.
func (e *env) ID() nodeapi.NodeID { return e.n.id }

// Now implements Env: the epoch plus the node's local clock (skew and drift applied).
func (e *env) Now() time.Time {
	return e.w.epoch.at(e.n.clock.local(e.w.now))
}

// After implements Env. d is measured on the node's clock, so drift stretches or shrinks it
// on virtual time; skew does not matter to a duration.
func (e *env) After(d time.Duration, f func()) nodeapi.Timer {
	if f == nil || !e.live() {
		return nodeapi.Timer{}
	}
	w := e.w
	w.inWorld++ // world code from here on: a panic in it is the harness's (see panicked)
	id := w.timers.alloc()
	at := addSat(w.now, time.Duration(e.n.clock.toGlobal(int64(d))))
	if ev := w.q.add(at); ev != nil {
		ev.kind, ev.fn, ev.id, ev.node, ev.inc = evTimer, f, id, e.n.idx, e.inc
	}
	w.inWorld--
	return nodeapi.NewTimer(w, id)
}

// Send implements Env. The world copies msg, so the sender may reuse its buffer.
func (e *env) Send(to nodeapi.NodeID, msg []byte) {
	if e.live() {
		e.w.inWorld++
		e.w.sendDatagram(e.n, to, msg)
		e.w.inWorld--
	}
}

// Rand implements Env with the incarnation's own PCG stream.
func (e *env) Rand() nodeapi.Rand { return e.rng }

// Disk implements Env; the disk outlives incarnations.
func (e *env) Disk() nodeapi.Disk { return e.n.disk }

// Dial implements Env; see stream.go.
func (e *env) Dial(to nodeapi.NodeID, h nodeapi.StreamHandler) nodeapi.Stream {
	e.w.inWorld++
	s := e.w.dial(e, to, h)
	e.w.inWorld--
	return s
}

// Logf implements Env: the line goes to the trace (and Options.Logf).
func (e *env) Logf(format string, args ...any) {
	if e.live() {
		e.w.emitNode(KindLog, e.n, 0, fmt.Sprintf(format, args...))
	}
}

// Annotate implements Annotator: the note goes to the trace and to World.Annotations.
func (e *env) Annotate(text string) {
	if e.live() {
		e.w.annotateKind(KindNote, e.n.id, text)
	}
}
