package sim

import (
	"errors"
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// Step runs the next event. progressed is false when the queue is empty or the run has
// stopped; err is the *InvariantError or *NodePanicError that stopped it, returned again by
// every later call.
func (w *World) Step() (progressed bool, err error) {
	if w.fail != nil {
		return false, w.fail
	}
	if w.q.len() == 0 {
		return false, nil
	}
	w.step()
	return true, w.fail
}

// RunFor runs every event due within d of virtual time, then sets the clock to now+d.
func (w *World) RunFor(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("harness: RunFor(%v): negative duration", d)
	}
	end := addSat(w.now, d)
	w.runTo(end)
	if w.fail != nil {
		return w.fail
	}
	w.now = max(w.now, end)
	return nil
}

// runTo runs every event due at or before end, stopping early if the run fails. One
// recovery covers the whole stretch: a recovered panic always sets w.fail (Panicked), which
// ends the loop just as a recovery per event would, and a deferred call per event was half
// a per cent of a seed's instructions.
func (w *World) runTo(end int64) {
	defer w.recoverStep()
	for w.fail == nil && w.q.len() > 0 && w.q.peekAt() <= end {
		w.stepUnguarded()
	}
}

// RunUntil runs events until cond (checked before each event) holds. It fails with a
// *TimeLimitError once limit of virtual time has passed, a *DeadlockError if the queue runs
// dry, or the error that stopped the run.
func (w *World) RunUntil(cond func() bool, limit time.Duration) error {
	if cond == nil {
		return errors.New("harness: RunUntil with a nil condition")
	}
	if limit < 0 {
		return fmt.Errorf("harness: RunUntil: negative limit %v", limit)
	}
	end := addSat(w.now, limit)
	for {
		switch {
		case w.fail != nil:
			return w.fail
		case cond():
			return nil
		case w.q.len() == 0:
			return &DeadlockError{At: w.Now(), Paused: w.pausedNodes(),
				Held: w.net.HeldCount()}
		case w.q.peekAt() > end:
			w.now = max(w.now, end)
			return &TimeLimitError{Limit: limit, At: w.Now()}
		}
		w.step()
	}
}

func (w *World) pausedNodes() []nodeapi.NodeID {
	var out []nodeapi.NodeID
	for _, n := range w.nodes {
		if n.up && n.paused {
			out = append(out, n.id)
		}
	}
	return out
}

// step pops and runs one event. A panic anywhere in it is recovered and stops the run: a
// *NodePanicError if system code panicked (a found bug), a *HarnessPanicError if the world's
// own code did (see panicked).
func (w *World) step() {
	defer w.recoverStep()
	w.stepUnguarded()
}

// stepUnguarded is step without the recovery: its caller must recover panics with
// recoverStep.
// The event runs where it lies in the queue's slab (take, done): nothing of the world
// keeps e past the event (a paused node's hold copies it).
func (w *World) stepUnguarded() {
	slot := w.q.take()
	e := &w.q.ev[slot]
	w.now = max(w.now, e.at)
	w.stats.Events++
	if w.opts.MaxEvents > 0 && w.stats.Events > w.opts.MaxEvents {
		w.fail = &BudgetError{Events: w.opts.MaxEvents, At: w.Now()}
		w.q.done(slot)
		return
	}
	switch e.kind {
	case evAction:
		w.emitNode(KindAction, nil, 0, "")
		e.fn()
	case evTimer:
		w.runTimer(e)
	case evDeliver:
		if e.msg.Stream != 0 {
			w.runChunk(e)
		} else {
			w.runDatagram(e)
		}
	case evSync:
		w.runSync(e)
	case evStreamClosed:
		w.runStreamClosed(e)
	default:
		panic(fmt.Sprintf("harness: event of unknown kind %d", e.kind))
	}
	w.q.done(slot)
	if w.q.full && w.fail == nil {
		w.fail = &QueueLimitError{Limit: w.q.limit, At: w.Now()}
	}
	w.maybeSweepTimers()
}

func (w *World) recoverStep() {
	if r := recover(); r != nil {
		w.Panicked(r)
	}
}

// skip counts an event that turned out stale instead of as an executed one.
func (w *World) skip() {
	w.stats.Events--
	w.stats.Stale++
}

// due returns the target of a node event, or nil after skipping a stale event or holding
// the event of a paused node until Resume.
func (w *World) due(e *event) *node {
	n := w.nodes[e.node]
	if e.inc != n.inc || !n.up {
		w.skip()
		return nil
	}
	if n.paused {
		w.hold(n, e)
		return nil
	}
	return n
}

// hold keeps a due event of paused node n for Resume; it runs (and counts) then.
func (w *World) hold(n *node, e *event) {
	n.held = append(n.held, *e)
	w.stats.Events--
}

// holdDelivery holds a message for paused node n, or, once n holds MaxHeldPerNode events,
// drops it as a full receive buffer would: a datagram is lost, a stream chunk breaks its
// stream. Timers, syncs and stream notices are never dropped; a paused node makes no new
// ones, so only deliveries can grow without bound.
func (w *World) holdDelivery(n *node, e *event) {
	if len(n.held) < MaxHeldPerNode {
		w.emitDelivery(KindHold, n, e, holdPause)
		w.hold(n, e)
		return
	}
	w.stats.DroppedOverflow++
	w.emitDelivery(KindDrop, n, e, dropOverflow)
	if s := w.streams.byID[e.msg.Stream]; e.msg.Stream != 0 && s != nil {
		w.breakStream(s, fmt.Errorf("%w: %s is paused and its receive buffer is full",
			ErrPartitioned, n.id))
	}
}

// leave ends a stretch of node code: the System's invariants are checked after every event
// that ran code of a server node, then the after-event hook runs if they held. A panic in
// the check skips the hook (the run stops; the hook is for events whose invariants held),
// which is why it is a plain call and not, as it was, a deferred one run while panicking.
func (w *World) leave(n *node) {
	w.cur = -1
	if w.inv != nil && !n.client && w.fail == nil {
		w.checkAfterEvent(n)
	}
	w.afterServerEvent(n)
}

// checkAfterEvent runs the System's invariant check after an event of server node n.
func (w *World) checkAfterEvent(n *node) {
	prev := w.enterSystem(&n.check)
	err := w.inv.CheckAfterEvent(n.id)
	w.leaveSystem(prev)
	if err != nil {
		w.fail = &InvariantError{Node: n.id, At: w.Now(), Err: err}
	}
}

// afterServerEvent runs the harness's after-event hook (crash storms) once a server node's
// event is over and its invariants held.
func (w *World) afterServerEvent(n *node) {
	if w.afterEvent != nil && !n.client && w.fail == nil {
		w.afterEvent(n.id)
	}
}

func (w *World) runTimer(e *event) {
	n := w.nodes[e.node]
	if !w.timers.live(e.id) || e.inc != n.inc || !n.up {
		w.timers.release(e.id)
		w.skip()
		return
	}
	if n.paused {
		w.hold(n, e)
		return
	}
	w.timers.release(e.id)
	w.stats.Timers++
	w.emitNode(KindTimer, n, 0, "")
	w.cur = n.idx
	e.fn()
	w.leave(n)
}

func (w *World) runSync(e *event) {
	n := w.due(e)
	if n == nil {
		return
	}
	done, err := n.disk.completeSync()
	var aux uint8
	if err != nil {
		aux = 1
		w.stats.SyncFailures++
	} else {
		w.stats.Syncs++
	}
	w.emitNode(KindSync, n, aux, "")
	w.cur = n.idx
	if done != nil {
		done(err)
	}
	w.leave(n)
}

func (w *World) runDatagram(e *event) {
	m := &e.msg
	n := w.nodes[e.node]
	if w.arrive(e, n) != netfault.Deliver {
		return
	}
	if !n.up {
		w.stats.DroppedDown++
		w.emitDelivery(KindDrop, n, e, dropDown)
		return
	}
	if n.paused {
		w.holdDelivery(n, e)
		return
	}
	w.stats.Delivered++
	w.emitDelivery(KindRecv, n, e, recvAux(e.flags))
	w.cur = n.idx
	n.impl.HandleMessage(w.nodes[m.From].id, m.Payload)
	w.leave(n)
}

// emitMsg records an event about message m at its receiver n.
func (w *World) emitMsg(kind EventKind, n *node, m *netfault.Message, aux uint8) {
	w.emitMsgSum(kind, n, m, hashBytes(fnvOffset, m.Payload), aux)
}

// emitDelivery is emitMsg for the message of delivery e, whose payload hash may be known.
func (w *World) emitDelivery(kind EventKind, n *node, e *event, aux uint8) {
	sum := e.id
	if e.flags&evSummed == 0 {
		sum = hashBytes(fnvOffset, e.msg.Payload)
	}
	w.emitMsgSum(kind, n, &e.msg, sum, aux)
}

func (w *World) emitMsgSum(kind EventKind, n *node, m *netfault.Message, sum uint64,
	aux uint8) {
	r := w.record()
	*r = rec{at: w.now, kind: kind, node: n.idx, inc: n.inc, peer: int32(m.From),
		stream: m.Stream, n: int32(len(m.Payload)), sum: sum, aux: aux}
	w.emit(r)
}

// recvAux is the KindRecv detail of a delivery with event flags f.
func recvAux(f uint8) uint8 {
	switch {
	case f&evHeld != 0:
		return recvHeld
	case f&evReplayed != 0:
		return recvReplayed
	}
	return 0
}

// arrive asks the network about a delivery that falls due (once: a message released from a
// clog has already arrived) and records a drop or a hold.
func (w *World) arrive(e *event, n *node) netfault.Verdict {
	if e.flags&evArrived != 0 {
		return netfault.Deliver
	}
	if e.flags&evAged != 0 {
		w.net.AgedArrived()
	}
	v := w.net.Arrive(w.now, &e.msg)
	switch v {
	case netfault.Drop:
		w.stats.DroppedNet++
		w.emitDelivery(KindDrop, n, e, dropNetwork)
	case netfault.Hold:
		w.stats.Held++
		w.emitDelivery(KindHold, n, e, holdClog)
	default:
		e.flags |= evArrived
	}
	return v
}
