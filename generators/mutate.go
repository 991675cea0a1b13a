package generators

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Mutate returns a scenario near parent, for coverage-guided campaigns: one to three
// structural edits, each drawn from rng - a new world seed, a fault moved in time, made
// longer or shorter, aimed elsewhere or deleted, a fault taken over from donor, a trigger
// waiting for another event, a system knob or the network changed, a buggify site turned
// on or off. The result may be
// invalid (a donor's fault naming a node the parent lacks, say); the caller validates it.
// parent and donor are not modified.
func Mutate(parent, donor scenario.Scenario, rng *rand.Rand, o Options) scenario.Scenario {
	s := clone(parent)
	for range 1 + rng.IntN(3) {
		mutateOnce(&s, donor, rng, o)
	}
	slices.SortStableFunc(s.Faults, func(a, b scenario.Fault) int {
		return cmp.Compare(a.At, b.At)
	})
	return s
}

func mutateOnce(s *scenario.Scenario, donor scenario.Scenario, rng *rand.Rand, o Options) {
	n := len(s.Faults)
	switch op := rng.IntN(10); {
	case op == 0 || n == 0 && op < 7:
		if len(donor.Faults) > 0 && len(s.Faults) < scenario.MaxScenarioFaults {
			f := cloneFault(donor.Faults[rng.IntN(len(donor.Faults))])
			f.At = min(f.At, s.Safety)
			s.Faults = append(s.Faults, f)
		} else {
			s.Seed = rng.Uint64()
		}
	case op == 1:
		s.Seed = rng.Uint64()
	case op == 2:
		f := &s.Faults[rng.IntN(n)]
		shift := time.Duration(10+rng.IntN(991)) * time.Millisecond
		if rng.IntN(2) == 0 {
			f.At = max(f.At-scenario.Duration(shift), 0)
		} else {
			f.At = min(f.At+scenario.Duration(shift), s.Safety)
		}
	case op == 3:
		f := &s.Faults[rng.IntN(n)]
		if f.For > 0 {
			f.For = scenario.Duration(float64(f.For) * []float64{0.5, 1.5, 2}[rng.IntN(3)])
		}
		if f.Then != nil {
			f.Then.At = scenario.Duration(rng.IntN(51)) * scenario.Duration(5*time.Millisecond)
		}
	case op == 4 && n > 1:
		i := rng.IntN(n)
		s.Faults = slices.Delete(s.Faults, i, i+1)
	case op == 5:
		f := &s.Faults[rng.IntN(n)]
		if f.Then != nil {
			f = f.Then
		}
		if f.Node != "" && f.Node != scenario.SelfTarget && len(s.Cluster.Nodes) > 1 {
			f.Node = scenario.LeaderTarget
			if rng.IntN(2) == 0 {
				f.Node = s.Cluster.Nodes[rng.IntN(len(s.Cluster.Nodes))]
			}
		}
	case op == 6:
		f := &s.Faults[rng.IntN(n)]
		if f.Kind == scenario.FaultTrigger {
			events := append([]string{nodeapi.EventLeaderElected}, o.Events...)
			f.On = events[rng.IntN(len(events))]
			f.Count = 1 + rng.IntN(4)
		} else if len(s.Faults) < scenario.MaxScenarioFaults {
			g := cloneFault(*f) // the same fault again, a little later: a repeated blow
			g.At = min(g.At+scenario.Duration(time.Duration(50+rng.IntN(951))*time.Millisecond),
				s.Safety)
			s.Faults = append(s.Faults, g)
		}
	case op == 7 && len(o.Knobs) > 0:
		k := o.Knobs[rng.IntN(len(o.Knobs))]
		if s.System == nil {
			s.System = map[string]int64{}
		}
		s.System[k.Name] = k.Values[rng.IntN(len(k.Values))]
	case op == 9 && len(o.BuggifySites) > 0:
		mutateBuggify(s, rng, o.BuggifySites)
	case op == 8:
		s.Network.Loss = []float64{0, 0.001, 0.01, 0.05}[rng.IntN(4)]
		s.Network.Duplicate = []float64{0, 0.01, 0.3}[rng.IntN(3)]
	default:
		s.Seed = rng.Uint64()
	}
}

// clone deep-copies the parts of a scenario Mutate edits.
func clone(s scenario.Scenario) scenario.Scenario {
	c := s
	c.Buggify = slices.Clone(s.Buggify)
	c.Faults = make([]scenario.Fault, len(s.Faults))
	for i, f := range s.Faults {
		c.Faults[i] = cloneFault(f)
	}
	if s.System != nil {
		c.System = make(map[string]int64, len(s.System))
		for k, v := range s.System {
			c.System[k] = v
		}
	}
	return c
}

func cloneFault(f scenario.Fault) scenario.Fault {
	if f.Then != nil {
		act := *f.Then
		f.Then = &act
	}
	return f
}
