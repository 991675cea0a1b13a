package harness

import "time"

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
	op, _ := d.script.Ops[d.next].Op(d.r.w8) // validated by Scenario.ValidateFor
	d.next++
	d.pending = true
	d.since = d.r.w.Now()
	call := d.since
	// Exec runs Invoke as the client's own code, so a panic in it is blamed on the client.
	// Its error, if any, has already stopped the run and is reported from there.
	_ = d.r.w.Exec(d.script.ID, func() {
		d.c.Invoke(op, func(out Outcome) {
			if !d.pending {
				panic("harness: client " + string(d.script.ID) + " completed an op twice")
			}
			d.pending = false
			d.r.record(d.index, op, call, out)
			d.scheduleNext()
		})
	})
}

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
