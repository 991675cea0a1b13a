package harness

import (
	"fmt"
	"time"
)

// clientDriver plays one ClientScript: closed loop, think time before each operation, no
// new operation once the safety phase is over.
type clientDriver struct {
	r       *runner
	index   int
	script  ClientScript
	c       Client
	next    int  // index of the next op to start
	pending bool // an op has started and not finished
	since   time.Duration
}

func (d *clientDriver) scheduleNext() {
	if d.next >= len(d.script.Ops) {
		return
	}
	d.r.w.After(time.Duration(d.script.Ops[d.next].Think), d.start)
}

func (d *clientDriver) start() {
	if d.r.stopIssuing || d.next >= len(d.script.Ops) {
		return
	}
	if d.r.w.Paused(d.script.ID) { // a paused client thinks on until it resumes
		d.r.w.After(pausedClientPoll, d.start)
		return
	}
	if d.pending { // closed loop: the driver never invokes a busy client
		panic(fmt.Sprintf("harness: client %s: op %d started while op %d is pending",
			d.script.ID, d.next, d.next-1))
	}
	op, _ := d.script.Ops[d.next].Op(d.r.w8) // validated by Scenario.ValidateFor
	d.next++
	d.pending = true
	d.since = d.r.w.Now()
	call := d.since
	// Exec runs Invoke as the client's own code, so a panic in it is blamed on the client.
	// It fails only when the run has stopped (reported from there) or when the driver
	// misused the world, which must not pass for an operation that never returned.
	err := d.r.w.Exec(d.script.ID, func() {
		d.c.Invoke(op, func(out Outcome) {
			if !d.pending {
				panic("harness: client " + string(d.script.ID) + " completed an op twice")
			}
			d.pending = false
			d.r.record(d.index, op, call, out)
			d.scheduleNext()
		})
	})
	if err != nil && d.r.w.Err() == nil {
		panic(fmt.Sprintf("harness: client %s could not start op %d: %v", d.script.ID,
			d.next-1, err))
	}
}

// pausedClientPoll is how often a client paused by a fault looks whether it may start its
// next operation.
const pausedClientPoll = time.Millisecond

// idle reports whether the client has no operation in flight.
func (d *clientDriver) idle() bool { return !d.pending }

// opsNotStarted counts the operations of every client's script that never started.
func (r *runner) opsNotStarted() int {
	n := 0
	for _, d := range r.clients {
		n += len(d.script.Ops) - d.next
	}
	return n
}
