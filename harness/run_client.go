package harness

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// clientDriver plays one ClientScript over its endpoints, starting no new operation once
// the safety phase is over. A closed-loop script has one endpoint and waits Think after
// each operation completes; an open-loop script makes each operation due Think after the
// previous one became due and starts it on an endpoint with nothing in flight (it waits
// for one when all are busy), so several of its operations are in flight at once while
// each endpoint, a row of the history, stays sequential.
type clientDriver struct {
	r      *runner
	script scenario.ClientScript
	eps    []*endpoint
	next   int   // index of the next op to start (closed loop) or to become due (open)
	due    []int // open loop: ops due and waiting for a free endpoint, in order
	// polling is set while a poll for an endpoint that is no longer paused is scheduled.
	polling bool
	// nextFn is what scheduleNext schedules, made once (a method value handed to
	// World.After is allocated anew each time): d.start for a closed-loop script,
	// d.becomeDue for an open-loop one.
	nextFn func()
}

// endpoint is one client endpoint of a script: one Client, one operation at a time.
type endpoint struct {
	id  nodeapi.NodeID
	row int // the history's client row (ClientEndpoints order)
	c   nodeapi.Client
	op  int // index of the op in flight, -1 when idle
	// unroutedNoted is set once the timeline says the client cannot route.
	unroutedNoted bool
	// starting is the operation run hands to World.Exec, and invokeFn, made once, what
	// Exec runs: it invokes starting on the client. Each operation would otherwise
	// allocate a closure for Exec.
	starting invocation
	invokeFn func()
}

// invocation is an operation about to be invoked on an endpoint's client.
type invocation struct {
	op    nodeapi.Op
	route nodeapi.Route
	done  func(nodeapi.Outcome)
}

func (d *clientDriver) openLoop() bool { return d.script.OpenLoop > 0 }

// scheduleNext arranges the next operation: its start (closed loop) or the moment it
// becomes due (open loop).
func (d *clientDriver) scheduleNext() {
	if d.next >= len(d.script.Ops) {
		return
	}
	d.r.w.After(time.Duration(d.script.Ops[d.next].Think), d.nextFn)
}

// start begins the next operation of a closed-loop script.
func (d *clientDriver) start() {
	if d.r.stopIssuing || d.next >= len(d.script.Ops) {
		return
	}
	ep := d.eps[0]
	if d.r.w.Paused(ep.id) { // a paused client thinks on until it resumes
		d.r.w.After(pausedClientPoll, d.nextFn) // d.start
		return
	}
	d.next++
	d.run(ep, d.next-1)
}

// becomeDue makes the next operation of an open-loop script due and schedules the one
// after it, whether or not anything finished.
func (d *clientDriver) becomeDue() {
	if d.r.stopIssuing {
		return
	}
	d.due = append(d.due, d.next)
	d.next++
	d.scheduleNext()
	d.dispatch()
}

// dispatch starts due operations on free endpoints, in order. With every free endpoint
// paused it looks again shortly, as a paused closed-loop client does.
func (d *clientDriver) dispatch() {
	for len(d.due) > 0 && !d.r.stopIssuing {
		ep, paused := d.freeEndpoint()
		if ep == nil {
			if paused && !d.polling {
				d.polling = true
				d.r.w.After(pausedClientPoll, func() { d.polling = false; d.dispatch() })
			}
			return
		}
		i := d.due[0]
		d.due = d.due[1:]
		d.run(ep, i)
	}
}

// freeEndpoint returns the first idle endpoint that is not paused; paused says whether an
// idle one was passed over for being paused.
func (d *clientDriver) freeEndpoint() (ep *endpoint, paused bool) {
	for _, e := range d.eps {
		switch {
		case e.op >= 0:
		case d.r.w.Paused(e.id):
			paused = true
		default:
			return e, paused
		}
	}
	return nil, paused
}

// run starts op i of the script on ep and, when it completes, records it and moves on.
func (d *clientDriver) run(ep *endpoint, i int) {
	if ep.op >= 0 { // the driver never invokes a busy endpoint
		panic(fmt.Sprintf("harness: client %s: op %d started while op %d is pending",
			ep.id, i, ep.op))
	}
	op, _ := d.script.Ops[i].Op(d.r.w8) // validated by Scenario.ValidateFor
	ep.op = i
	call := d.r.w.Now()
	route := d.r.route(d.script, ep, i)
	done := func(out nodeapi.Outcome) {
		if ep.op < 0 {
			panic("harness: client " + string(ep.id) + " completed an op twice")
		}
		ep.op = -1
		d.r.record(ep.row, op, call, out)
		if d.openLoop() {
			d.dispatch()
		} else {
			d.scheduleNext()
		}
	}
	// Exec runs Invoke as the client's own code, so a panic in it is blamed on the client.
	// It fails only when the run has stopped (reported from there) or when the driver
	// misused the world, which must not pass for an operation that never returned.
	ep.starting = invocation{op: op, route: route, done: done}
	err := d.r.w.Exec(ep.id, ep.invokeFn)
	ep.starting = invocation{}
	if err != nil && d.r.w.Err() == nil {
		panic(fmt.Sprintf("harness: client %s could not start op %d: %v", ep.id, i, err))
	}
}

// pausedClientPoll is how often a client paused by a fault looks whether it may start its
// next operation.
const pausedClientPoll = time.Millisecond

// idle reports whether the client has no operation in flight.
func (d *clientDriver) idle() bool { return d.pending() == nil }

// pending returns an endpoint with an operation in flight, or nil.
func (d *clientDriver) pending() *endpoint {
	for _, ep := range d.eps {
		if ep.op >= 0 {
			return ep
		}
	}
	return nil
}

// opsNotStarted counts the operations of every client's script that never started.
func (r *runner) opsNotStarted() int {
	n := 0
	for _, d := range r.clients {
		n += len(d.script.Ops) - d.next + len(d.due)
	}
	return n
}
