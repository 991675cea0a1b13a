package harness

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// liveness waits, within the scenario's bound, for every pending operation to finish, then
// for a probe write to be acknowledged, then for the replicas to converge.
func (r *runner) liveness() (*Failure, error) {
	deadline := r.w.Now() + time.Duration(r.s.Liveness)
	idle := func() bool {
		if r.pendingAdmin > 0 {
			return false
		}
		for _, c := range r.clients {
			if !c.idle() {
				return false
			}
		}
		return true
	}
	if f, err := r.waitFor(idle, deadline); f != nil || err != nil {
		return r.livenessFailure(f, err, r.pendingOps)
	}
	if f, err := r.probe(deadline); f != nil || err != nil {
		return f, err
	}
	if conv, ok := r.sys.(nodeapi.Converger); ok {
		var last error
		converged := func() bool {
			r.w.AsSystem("convergence check", func() { last = conv.Converged(r.upServers()) })
			return last == nil
		}
		if f, err := r.waitFor(converged, deadline); f != nil || err != nil {
			return r.livenessFailure(f, err, func() string {
				return fmt.Sprintf("replicas did not converge: %v", last)
			})
		}
	}
	return r.stability()
}

// waitFor runs the world until cond holds or the deadline passes.
func (r *runner) waitFor(cond func() bool, deadline time.Duration) (*Failure, error) {
	limit := deadline - r.w.Now()
	if limit < 0 {
		limit = 0
	}
	return classify(r.w.RunUntil(cond, limit))
}

// livenessFailure turns a time limit or deadlock into a liveness failure described by what.
func (r *runner) livenessFailure(f *Failure, err error, what func() string) (*Failure, error) {
	if f != nil {
		return f, nil
	}
	var tl *sim.TimeLimitError
	var dl *sim.DeadlockError
	if errors.As(err, &tl) || errors.As(err, &dl) {
		return &Failure{Class: ClassLiveness, Message: fmt.Sprintf("%s within %v of healing",
			what(), time.Duration(r.s.Liveness))}, nil
	}
	return nil, err
}

func (r *runner) pendingOps() string {
	if r.pendingAdmin > 0 {
		return fmt.Sprintf("%d membership change(s) did not complete", r.pendingAdmin)
	}
	for _, c := range r.clients {
		if ep := c.pending(); ep != nil {
			op, _ := c.script.Ops[ep.op].Op(r.w8)
			return r.describeOp(ep.id, ep.op, op) + " did not complete"
		}
	}
	return "an operation did not complete"
}

func (r *runner) upServers() []nodeapi.NodeID {
	// Nodes returns a copy, which is filtered in place.
	return slices.DeleteFunc(r.w.Nodes(), func(id nodeapi.NodeID) bool { return !r.w.Up(id) })
}
