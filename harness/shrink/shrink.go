// Package shrink reduces a failing scenario to a small one by structure (delta debugging over
// faults, clients and operations, then gentler settings), calling back to learn whether a
// candidate still fails. It edits scenarios only and never looks inside a run.
package shrink

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// Shrink reduces a failing scenario by structure, without rapid: it removes faults, buggify
// sites (a failure that needs one keeps it in its shrunk scenario), clients
// and operations in ever smaller chunks (delta debugging), then heads the clients to the
// plain closed-loop form (plainClients), then tries gentler settings, and keeps each change
// for which fails still reports true. It stops when a whole pass changes nothing or after
// maxRuns calls of fails. The result is never larger than s.
//
// It serves campaigns, which draw scenarios from plain seeds, and the properties and fuzz
// targets of package fuzz under `go test`, in place of rapid's shrinking. Shrink is for
// key-value scenarios; ShrinkFor takes the workload the operations belong to.
func Shrink(s scenario.Scenario, fails func(scenario.Scenario) bool,
	maxRuns int) (scenario.Scenario, int) {
	return ShrinkFor(s, model.KV, fails, maxRuns)
}

// ShrinkFor is Shrink for a scenario whose operations belong to workload w: candidates that
// w would refuse are skipped without spending a run.
func ShrinkFor(s scenario.Scenario, w *model.Workload, fails func(scenario.Scenario) bool,
	maxRuns int) (scenario.Scenario, int) {
	sh := &shrinker{fails: fails, budget: maxRuns, w: w}
	for sh.budget > 0 {
		before := sh.runs
		s = sh.pass(s)
		if sh.runs == before || !sh.progressed {
			break
		}
		sh.progressed = false
	}
	return s, sh.runs
}

type shrinker struct {
	fails      func(scenario.Scenario) bool
	w          *model.Workload
	budget     int
	runs       int
	progressed bool
}

// try runs one candidate and reports whether it still fails.
func (sh *shrinker) try(c scenario.Scenario) bool {
	if sh.budget <= 0 || c.ValidateFor(sh.w) != nil {
		return false
	}
	sh.budget--
	sh.runs++
	if sh.fails(c) {
		sh.progressed = true
		return true
	}
	return false
}

func (sh *shrinker) pass(s scenario.Scenario) scenario.Scenario {
	s = cloneClients(s) // the caller's scenario shares its slices: never write through them
	s.Faults = shrinkList(s.Faults, func(fs []scenario.Fault) bool {
		c := s
		c.Faults = fs
		return sh.try(c)
	})
	s.Buggify = shrinkList(s.Buggify, func(sites []string) bool {
		c := s
		c.Buggify = sites
		return sh.try(c)
	})
	s = sh.dropClients(s)
	for i := range s.Clients {
		s.Clients[i].Ops = shrinkList(s.Clients[i].Ops, func(ops []scenario.ClientOp) bool {
			c := cloneClients(s)
			c.Clients[i].Ops = ops
			return sh.try(c)
		})
	}
	s = sh.plainClients(s)
	s = sh.simplify(s)
	return s
}

func (sh *shrinker) dropClients(s scenario.Scenario) scenario.Scenario {
	for i := len(s.Clients) - 1; i >= 0 && len(s.Clients) > 1; i-- {
		c := cloneClients(s)
		c.Clients = slices.Delete(c.Clients, i, i+1)
		if sh.try(c) {
			s = c
		}
	}
	return s
}

func cloneClients(s scenario.Scenario) scenario.Scenario {
	s.Clients = slices.Clone(s.Clients)
	return s
}

// simplify tries gentler settings one at a time: no loss, duplication, corruption, spikes,
// reordering or sync failures; no think time; faults that last until the liveness phase
// turned into shorter ones are not tried (they change timing more than they simplify).
func (sh *shrinker) simplify(s scenario.Scenario) scenario.Scenario {
	edits := []func(*scenario.Scenario){
		func(c *scenario.Scenario) { c.Network.Loss = 0 },
		func(c *scenario.Scenario) { c.Network.Duplicate = 0 },
		func(c *scenario.Scenario) { c.Network.Corrupt = 0 },
		func(c *scenario.Scenario) { c.Network.SpikeRate = 0 },
		func(c *scenario.Scenario) { c.Network.Reorder = false },
		func(c *scenario.Scenario) { c.Disk.SyncFailRate = 0 },
		func(c *scenario.Scenario) { c.Disk.ReadCorruptRate = 0 },
		func(c *scenario.Scenario) { c.Cluster.Spares = nil },
		func(c *scenario.Scenario) { c.Safety = shorterSafety(*c) },
	}
	for _, edit := range edits {
		c := s
		c.Cluster.Spares = slices.Clone(s.Cluster.Spares)
		edit(&c)
		if !equalScenario(c, s) && sh.try(c) {
			s = c
		}
	}
	return s
}

// shorterSafety halves the safety phase, but never below the last fault.
func shorterSafety(s scenario.Scenario) scenario.Duration {
	d := s.Safety / 2
	for _, f := range s.Faults {
		d = max(d, f.At)
	}
	return d
}

func equalScenario(a, b scenario.Scenario) bool {
	return a.Network == b.Network && a.Disk == b.Disk && a.Safety == b.Safety &&
		slices.Equal(a.Cluster.Spares, b.Cluster.Spares)
}

// shrinkList removes chunks of xs, halving the chunk size down to single elements, keeping
// each removal that still fails. stillFails receives a fresh slice it may keep.
func shrinkList[E any](xs []E, stillFails func([]E) bool) []E {
	for chunk := len(xs) / 2; chunk >= 1; chunk /= 2 {
		for start := 0; start+chunk <= len(xs); {
			c := slices.Concat(xs[:start], xs[start+chunk:])
			if stillFails(c) {
				xs = c
				continue
			}
			start += chunk
		}
	}
	if len(xs) == 1 && stillFails(nil) {
		return nil
	}
	return xs
}
