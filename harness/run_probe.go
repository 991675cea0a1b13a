package harness

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// probe issues the workload's probe operation (a write, or a read of the workload's own
// object) once every fault is healed; it must be acknowledged (not merely time out as
// unknown) within ProbeTimeout and before the liveness deadline.
func (r *runner) probe(deadline time.Duration) (*Failure, error) {
	// The probe knows every server that exists now: the initial voters and the spares the
	// scenario brought in, never a spare that was not started.
	servers := r.w.Nodes()
	c, err := r.w.AddClient(scenario.ProbeClient, servers)
	if err != nil {
		return nil, err
	}
	r.probeClient = c
	op := r.w8.Probe
	var out *nodeapi.Outcome
	call := r.w.Now()
	// Invoke runs as the probe client's code: a panic in it is the system's.
	err = r.w.Exec(scenario.ProbeClient, func() {
		c.Invoke(op, func(o nodeapi.Outcome) {
			if out != nil {
				panic("harness: the probe client completed its write twice")
			}
			out = &o
			r.recordProbe(op, call, o)
		})
	})
	if f, err := classify(err); f != nil || err != nil {
		return f, err
	}
	if limit := call + r.opts.ProbeTimeout; limit < deadline {
		deadline = limit
	}
	f, err := r.waitFor(func() bool { return out != nil }, deadline)
	if f != nil || err != nil {
		return r.livenessFailure(f, err, func() string {
			return "the probe " + r.w8.ProbeNoun() + " was not acknowledged"
		})
	}
	if out.Unknown {
		return &Failure{Class: ClassLiveness, Message: fmt.Sprintf(
			"the probe %s timed out (outcome unknown) within %v of healing",
			r.w8.ProbeNoun(), r.opts.ProbeTimeout)}, nil
	}
	return nil, nil
}

// recordProbe records one of the probe client's operations, on the history's row after the
// clients' endpoints, marked as the probe's (model.Operation.Probe): the checker judges it
// with the rest, and reports count it apart.
func (r *runner) recordProbe(op nodeapi.Op, call time.Duration, out nodeapi.Outcome) {
	r.record(r.endpoints, op, call, out)
	r.history[len(r.history)-1].Probe = true
}
