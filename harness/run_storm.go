package harness

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// storm is one active crash storm.
type storm struct {
	until  time.Duration
	rate   float64
	target NodeID // "" any server, LeaderTarget the leader of the moment, else one node
	torn   bool
}

// storms runs the crash storms of a scenario from the world's after-event hook.
type storms struct {
	r      *runner
	rng    *rand.Rand
	active []storm
}

// startStorm begins a storm; the hook is installed on first use, so scenarios without
// storms draw nothing from the storm stream.
func (r *runner) startStorm(f Fault) error {
	if r.storms == nil {
		r.storms = &storms{r: r, rng: r.w.Rand("storm")}
		r.w.SetAfterEvent(r.storms.afterEvent)
	}
	r.storms.active = append(r.storms.active, storm{until: r.w.Now() + time.Duration(f.For),
		rate: f.Rate, target: f.Node, torn: f.Torn})
	return nil
}

func (s *storms) afterEvent(id NodeID) {
	now := s.r.w.Now()
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
				s.r.note(Fault{Kind: FaultCrash, Node: id},
					s.r.w.Crash(id, CrashOptions{TornWrite: torn}))
				s.r.w.After(down, func() {
					s.r.note(Fault{Kind: FaultRestart, Node: id},
						s.r.restartIfDown(id))
				})
			}
		})
		return
	}
}

func (s *storms) hits(x storm, id NodeID) bool {
	switch x.target {
	case "":
		return true
	case LeaderTarget:
		l, ok := s.r.resolve(LeaderTarget)
		return ok && l == id
	}
	return x.target == id
}

// restartIfDown restarts id unless something else (the liveness phase) already did.
func (r *runner) restartIfDown(id NodeID) error {
	if r.w.Up(id) {
		return nil
	}
	if err := r.w.Restart(id); err != nil {
		return fmt.Errorf("storm restart: %w", err)
	}
	return nil
}
