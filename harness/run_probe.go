package harness

import (
	"fmt"
	"time"
)

// ProbeClient is the endpoint that issues the liveness probe write.
const ProbeClient NodeID = "probe"

// probe issues one write once every fault is healed; it must be acknowledged (not merely
// time out as unknown) within ProbeTimeout and before the liveness deadline.
func (r *runner) probe(deadline time.Duration) (*Failure, error) {
	servers := append(append([]NodeID{}, r.s.Cluster.Nodes...), r.s.Cluster.Spares...)
	c, err := r.w.AddClient(ProbeClient, servers)
	if err != nil {
		return nil, err
	}
	op := r.w8.Probe
	var out *Outcome
	call := r.w.Now()
	c.Invoke(op, func(o Outcome) {
		out = &o
		r.record(len(r.clients), op, call, o)
	})
	if limit := call + r.opts.ProbeTimeout; limit < deadline {
		deadline = limit
	}
	f, err := r.waitFor(func() bool { return out != nil }, deadline)
	if f != nil || err != nil {
		return r.livenessFailure(f, err, func() string {
			return "the probe write was not acknowledged"
		})
	}
	if out.Unknown {
		return &Failure{Class: ClassLiveness, Message: fmt.Sprintf(
			"the probe write timed out (outcome unknown) within %v of healing",
			r.opts.ProbeTimeout)}, nil
	}
	return nil, nil
}
