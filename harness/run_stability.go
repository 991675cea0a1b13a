package harness

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// stability runs the stability window after a passed liveness phase: it applies the
// persistent faults again (the one cut a correct system claims to tolerate), then for the
// window watches the leader (LeaderReporter), the term (TermReporter) and probe writes, and
// judges the figures (see StabilityStats.verdict).
func (r *runner) stability() (*Failure, error) {
	window := time.Duration(r.s.Stability)
	if window <= 0 {
		return nil, nil
	}
	r.w.Note("", "stability window")
	for _, f := range r.s.Faults {
		if f.Persist {
			r.reapply(f)
		}
	}
	watch := r.watchStability(window)
	probes := r.startProbes()
	f, err := classify(r.w.RunFor(window))
	watch.close()
	probes.close()
	r.stab = watch.stats(probes)
	if f != nil || err != nil {
		return f, err
	}
	return r.stab.verdict(watch.firstChange), nil
}

// reapply applies a persistent fault again, for good: no undo follows.
func (r *runner) reapply(f scenario.Fault) {
	info, _ := scenario.FaultKindInfo(f.Kind)
	if f, ok := r.target(info, f); ok {
		r.note(f, behaviourOf(f.Kind).apply(r, f))
	}
}

// stabilityWatch follows the leader and the term through the window. It looks after every
// event of a server node (the runner's after-event hook), the only moments either can
// change, so it costs one leader and one term query per such event and no event of its
// own, and it measures leaderless time exactly rather than by samples.
type stabilityWatch struct {
	r      *runner
	window time.Duration
	lr     nodeapi.LeaderReporter // nil: the system does not report its leader
	tr     nodeapi.TermReporter   // nil: nor its term
	leader nodeapi.NodeID
	// changes counts leader changes (a change to "no leader" counts); firstChange
	// describes the first for the failure message.
	changes     int
	firstChange string
	// leaderless sums the closed stretches without a leader; leaderlessSince is when the
	// open one began (meaningful while leader is "").
	leaderless      time.Duration
	leaderlessSince time.Duration
	termStart       uint64
	termEnd         uint64
}

func (r *runner) watchStability(window time.Duration) *stabilityWatch {
	w := &stabilityWatch{r: r, window: window, leaderlessSince: r.w.Now()}
	w.lr, _ = r.sys.(nodeapi.LeaderReporter)
	w.tr, _ = r.sys.(nodeapi.TermReporter)
	if w.lr == nil && w.tr == nil {
		return w
	}
	if w.lr != nil {
		w.leader = r.w.LeaderOf(w.lr)
	}
	if w.tr != nil {
		w.termStart = r.w.TermOf(w.tr)
		w.termEnd = w.termStart
	}
	r.watch = w
	r.installAfterEvent()
	return w
}

// observe takes the leader and the term after a server event.
func (w *stabilityWatch) observe() {
	if w.lr != nil {
		w.leaderIs(w.r.w.LeaderOf(w.lr))
	}
	if w.tr != nil {
		w.termEnd = max(w.termEnd, w.r.w.TermOf(w.tr))
	}
}

// leaderIs records l as the leader from now on.
func (w *stabilityWatch) leaderIs(l nodeapi.NodeID) {
	if l == w.leader {
		return
	}
	now := w.r.w.Now()
	if w.changes == 0 {
		w.firstChange = fmt.Sprintf("%v %q->%q", now, w.leader, l)
	}
	w.changes++
	if w.leader == "" {
		w.leaderless += now - w.leaderlessSince
	}
	if l == "" {
		w.leaderlessSince = now
	}
	w.leader = l
}

// close ends the watch at the end of the window, closing an open leaderless stretch.
func (w *stabilityWatch) close() {
	w.r.watch = nil
	if w.lr != nil && w.leader == "" {
		w.leaderless += w.r.w.Now() - w.leaderlessSince
	}
}

// stats gathers the window's figures.
func (w *stabilityWatch) stats(p *prober) *StabilityStats {
	s := &StabilityStats{Window: w.window, LeaderReported: w.lr != nil,
		TermReported: w.tr != nil, ProbeNoun: w.r.w8.ProbeNoun()}
	p.figures(s)
	if w.lr != nil {
		s.LeaderChanges, s.Leaderless = w.changes, min(w.leaderless, w.window)
	}
	if w.tr != nil {
		s.TermStart, s.TermEnd = w.termStart, w.termEnd
	}
	return s
}
