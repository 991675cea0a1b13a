package harness

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// storm is one active crash storm.
type storm struct {
	until  time.Duration
	rate   float64
	target nodeapi.NodeID // "" any server, LeaderTarget the leader of the moment, else one node
	torn   bool
}

// storms runs the crash storms and leader traps of a scenario from the world's after-event
// hook: faults that react to what the system just did rather than to the clock.
type storms struct {
	r      *runner
	rng    *rand.Rand
	active []storm
	// trapUntil ends the latest leader trap; lastLeader is the leader seen last.
	trapUntil  time.Duration
	lastLeader nodeapi.NodeID
}

// hook installs the after-event hook on first use, so scenarios without storms or traps
// draw nothing from the storm stream.
func (r *runner) hook() *storms {
	if r.storms == nil {
		r.storms = &storms{r: r, rng: r.w.Rand("storm")}
		r.installAfterEvent()
	}
	return r.storms
}

// startStorm begins a crash storm.
func (r *runner) startStorm(f scenario.Fault) error {
	s := r.hook()
	s.active = append(s.active, storm{until: r.w.Now() + time.Duration(f.For),
		rate: f.Rate, target: f.Node, torn: f.Torn})
	return nil
}

// startTrap begins a leader trap; it needs a system that reports its leader.
func (r *runner) startTrap(f scenario.Fault) error {
	if _, ok := r.sys.(nodeapi.LeaderReporter); !ok {
		return fmt.Errorf("the system does not implement nodeapi.LeaderReporter")
	}
	s := r.hook()
	s.trapUntil = max(s.trapUntil, r.w.Now()+time.Duration(f.For))
	s.lastLeader, _ = r.resolve(scenario.LeaderTarget)
	return nil
}

func (s *storms) afterEvent(id nodeapi.NodeID) {
	now := s.r.w.Now()
	if now < s.trapUntil {
		s.trap()
	}
	if len(s.active) == 0 { // after its storms ended the hook stays: spare it the pass
		return
	}
	s.active = slices.DeleteFunc(s.active, func(x storm) bool { return now >= x.until })
	for _, x := range s.active {
		if !s.hits(x, id) || s.rng.Float64() >= x.rate {
			continue
		}
		torn := x.torn && s.rng.IntN(2) == 0
		// Downtime spread evenly over three decades (1-9 ms, 10-90 ms, 100-900 ms): quick
		// restarts, back before the election a node voted in is over, are as likely as slow
		// ones. Integer arithmetic only, so every platform draws the same.
		down := time.Duration((1+s.rng.IntN(9))*[]int{1, 10, 100}[s.rng.IntN(3)]) *
			time.Millisecond
		s.r.w.After(0, func() {
			if s.r.w.Up(id) {
				s.r.note(scenario.Fault{Kind: scenario.FaultCrash, Node: id},
					s.r.w.Crash(id, sim.CrashOptions{TornWrite: torn}))
				s.r.w.After(down, func() {
					s.r.note(scenario.Fault{Kind: scenario.FaultRestart, Node: id},
						s.r.restartIfDown(id))
				})
			}
		})
		return
	}
}

func (s *storms) hits(x storm, id nodeapi.NodeID) bool {
	switch x.target {
	case "":
		return true
	case scenario.LeaderTarget:
		l, ok := s.r.resolve(scenario.LeaderTarget)
		return ok && l == id
	}
	return x.target == id
}

// restartIfDown restarts id unless something else (the liveness phase) already did.
func (r *runner) restartIfDown(id nodeapi.NodeID) error {
	if r.w.Up(id) {
		return nil
	}
	if err := r.w.Restart(id); err != nil {
		return fmt.Errorf("storm restart: %w", err)
	}
	return nil
}

// trap isolates a leader the moment it is elected: its first appends, already in flight,
// are dropped at arrival, so it holds entries of its term that no one else has. The
// isolation lasts 100 ms to 1.5 s and ends with a heal of every partition, unless the quiet
// phase healed everything first (a later heal could lift the stability window's cut).
func (s *storms) trap() {
	l, ok := s.r.resolve(scenario.LeaderTarget)
	if !ok || l == s.lastLeader {
		return
	}
	s.lastLeader = l
	hold := time.Duration(100+s.rng.IntN(1401)) * time.Millisecond
	s.r.w.After(0, func() {
		s.r.note(scenario.Fault{Kind: scenario.FaultIsolate, Node: l}, s.r.w.IsolateFromServers(l))
		s.r.w.After(hold, func() {
			if !s.r.healed {
				s.r.w.Heal()
			}
		})
	})
}
