package harness

import (
	"fmt"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The probe writes of the stability window.
const (
	// stabilityProbeEvery is the pause between the answer to one probe write and the next
	// write: the probe client runs closed loop, so a slow answer delays the next probe
	// instead of piling writes up.
	stabilityProbeEvery = 100 * time.Millisecond
	// stabilityProbeGrace is how long a write still pending when the window closes must
	// have waited to count as not acknowledged; a younger one is too young to judge and is
	// left out of the counts (its wait still counts in the longest gap).
	stabilityProbeGrace = time.Second
)

// prober issues the workload's probe operation again and again through the probe client during
// the stability window, records each in the history (the checker judges them with the
// rest) and measures how many are acknowledged and how fast.
type prober struct {
	r       *runner
	pending bool
	closed  bool
	call    time.Duration // of the pending write
	issued  int
	unknown int
	// latencies of the acknowledged writes; lastAck is when the latest was acknowledged
	// (the window's start before any), longestGap the longest stretch without one.
	latencies  []time.Duration
	lastAck    time.Duration
	longestGap time.Duration
	// invoke, onDone and next are the prober's callbacks, made once: a window issues some
	// fifty probes, and a closure per probe was a few percent of a seed's allocations.
	invoke func()
	onDone func(nodeapi.Outcome)
	next   func()
}

func (r *runner) startProbes() *prober {
	p := &prober{r: r, lastAck: r.w.Now()}
	p.invoke = func() { p.r.probeClient.Invoke(p.r.w8.Probe, p.onDone) }
	p.onDone = func(o nodeapi.Outcome) { p.done(p.call, o) }
	p.next = p.issue
	p.issue()
	return p
}

func (p *prober) issue() {
	if p.closed {
		return
	}
	if p.pending {
		panic("harness: a stability probe started while another is pending")
	}
	p.pending, p.call = true, p.r.w.Now()
	p.issued++
	// Invoke runs as the probe client's code: a panic in it is the system's. Only one
	// write is pending at a time, so onDone reads its call time from p.call.
	err := p.r.w.Exec(scenario.ProbeClient, p.invoke)
	if err != nil && p.r.w.Err() == nil {
		panic(fmt.Sprintf("harness: the probe client could not start a write: %v", err))
	}
}

func (p *prober) done(call time.Duration, o nodeapi.Outcome) {
	if p.closed {
		return
	}
	if !p.pending {
		panic("harness: the probe client completed a write twice")
	}
	p.pending = false
	p.r.recordProbe(p.r.w8.Probe, call, o)
	now := p.r.w.Now()
	if o.Unknown {
		p.unknown++
	} else {
		p.latencies = append(p.latencies, now-call)
		p.longestGap = max(p.longestGap, now-p.lastAck)
		p.lastAck = now
	}
	p.r.w.After(stabilityProbeEvery, p.next)
}

// close ends the probing at the end of the window. A write still pending is recorded with
// an unknown outcome (the system may yet apply it); it counts as not acknowledged if it
// waited stabilityProbeGrace or more, and is left out of the counts otherwise.
func (p *prober) close() {
	if p.pending {
		p.r.recordProbe(p.r.w8.Probe, p.call, nodeapi.Outcome{Unknown: true})
		p.pending = false
		if p.r.w.Now()-p.call < stabilityProbeGrace {
			p.issued--
		}
	}
	p.closed = true
	p.longestGap = max(p.longestGap, p.r.w.Now()-p.lastAck)
}

// figures fills in the probe part of s.
func (p *prober) figures(s *StabilityStats) {
	s.Probes, s.Acked, s.TimedOut = p.issued, len(p.latencies), p.unknown
	s.LongestGap = p.longestGap
	if len(p.latencies) > 0 {
		lat := slices.Clone(p.latencies)
		slices.Sort(lat)
		s.LatencyMedian, s.LatencyMax = lat[(len(lat)-1)/2], lat[len(lat)-1]
	}
}
