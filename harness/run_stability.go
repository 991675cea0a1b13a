package harness

import (
	"fmt"
	"time"
)

// Leader sampling of the stability window: every stabilitySample of virtual time. A correct
// leader with PreVote and CheckQuorum never changes under one cut link; more than
// maxLeaderChanges changes (a change to "no leader" counts) is a liveness failure.
const (
	stabilitySample  = 10 * time.Millisecond
	maxLeaderChanges = 2
)

// stability runs the stability window after a passed liveness phase: it applies the
// persistent faults again and watches the leader. Systems that do not report their leader
// are not checked.
func (r *runner) stability() (*Failure, error) {
	lr, ok := r.sys.(LeaderReporter)
	window := time.Duration(r.s.Stability)
	if !ok || window <= 0 {
		return nil, nil
	}
	r.w.annotate("", "stability window")
	for _, f := range r.s.Faults {
		if f.Persist {
			r.reapply(f)
		}
	}
	var changes []string
	last := r.w.leaderOf(lr)
	var sample func()
	sample = func() {
		if l := r.w.leaderOf(lr); l != last {
			changes = append(changes, fmt.Sprintf("%v %q->%q", r.w.Now(), last, l))
			last = l
		}
		r.w.After(stabilitySample, sample)
	}
	r.w.After(stabilitySample, sample)
	if f, err := classify(r.w.RunFor(window)); f != nil || err != nil {
		return f, err
	}
	if len(changes) > maxLeaderChanges {
		return &Failure{Class: ClassLiveness, Message: fmt.Sprintf("leader changed %d times "+
			"in a %v stability window (first: %s)", len(changes), window, changes[0])}, nil
	}
	return nil, nil
}

// reapply applies a persistent fault again, for good: no undo follows.
func (r *runner) reapply(f Fault) {
	sp := specOf(f.Kind)
	if f, ok := r.target(sp, f); ok {
		r.note(f, sp.apply(r, f))
	}
}
