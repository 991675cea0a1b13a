package fuzz

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Features are the coverage features of a run, sorted: every event the nodes reported
// (nodeapi.Reporter) and every step from one event to the next on a node, each with the
// power-of-two bucket of its count ("leader-behind#1", "truncate>leader#4"). A run that
// reaches a new feature reached a state, or a state often enough, that no earlier run did.
func Features(res *harness.RunResult) []string {
	var fs []string
	add := func(counts map[string]uint64) {
		for name, c := range counts {
			fs = append(fs, fmt.Sprintf("%s#%d", name, bits.Len64(c)))
		}
	}
	add(res.Reached)
	add(res.Steps)
	slices.Sort(fs)
	return fs
}

// MaxCorpus bounds a guided campaign's corpus; past it, new entries replace the oldest.
const MaxCorpus = 4096

// Corpus is the memory of a coverage-guided campaign: the scenarios that reached a
// feature no earlier run had, and how often each feature was seen. A campaign feeds it
// finished runs in seed order, so that the same campaign grows the same corpus at any
// number of jobs, and draws from Snapshots of it. It is not safe for concurrent use; a
// Snapshot is, being immutable.
type Corpus struct {
	seen    map[string]int
	entries []corpusEntry
	next    int // the slot the next entry replaces once the corpus is full
}

type corpusEntry struct {
	s        scenario.Scenario
	features []string
}

// NewCorpus returns an empty corpus.
func NewCorpus() *Corpus { return &Corpus{seen: map[string]int{}} }

// Len is the number of scenarios kept.
func (c *Corpus) Len() int { return len(c.entries) }

// Features is the number of distinct features seen.
func (c *Corpus) Features() int { return len(c.seen) }

// Add records a finished run of s with features fs; it keeps s when one of fs is new,
// and reports whether it did.
func (c *Corpus) Add(s scenario.Scenario, fs []string) bool {
	fresh := false
	for _, f := range fs {
		if c.seen[f] == 0 {
			fresh = true
		}
		c.seen[f]++
	}
	if !fresh {
		return false
	}
	e := corpusEntry{s: s, features: fs}
	if len(c.entries) < MaxCorpus {
		c.entries = append(c.entries, e)
	} else {
		c.entries[c.next] = e
		c.next = (c.next + 1) % MaxCorpus
	}
	return true
}

// Snapshot is the corpus as it stood at one moment, weighed for Pick: each entry with the
// sum over its features of 1/seen, so that a scenario that reached something rare is
// mutated more often than one whose features every run has.
type Snapshot struct {
	entries []corpusEntry
	cum     []float64
}

// Snapshot returns the corpus as it stands, weighed; nil when it is empty.
func (c *Corpus) Snapshot() *Snapshot {
	if len(c.entries) == 0 {
		return nil
	}
	sn := &Snapshot{entries: slices.Clone(c.entries), cum: make([]float64, len(c.entries))}
	total := 0.0
	for i, e := range sn.entries {
		for _, f := range e.features {
			total += 1 / float64(c.seen[f])
		}
		sn.cum[i] = total
	}
	return sn
}

// Pick draws a scenario of the snapshot by weight.
func (sn *Snapshot) Pick(rng *rand.Rand) scenario.Scenario {
	x := rng.Float64() * sn.cum[len(sn.cum)-1]
	i, _ := slices.BinarySearch(sn.cum, x)
	return sn.entries[min(i, len(sn.entries)-1)].s
}

// donor is the scenario a mutation of parent may take a fault from: half the time another
// corpus scenario, so that faults which reached something rare spread, and half the time a
// fresh draw with parent's cluster size, so that mutations also reach fault shapes (a
// pattern's members, a trigger's action) that no corpus scenario holds yet.
func (tg Target) donor(parent scenario.Scenario, rng *rand.Rand, o generators.Options,
	c *Snapshot) scenario.Scenario {
	if rng.IntN(2) == 0 {
		return c.Pick(rng)
	}
	o.Nodes = []int{len(parent.Cluster.Nodes)}
	return tg.ScenarioForSeed(rng.Uint64(), o)
}

// GuidedScenario is the scenario a coverage-guided campaign runs for seed: half the time
// (and always while the corpus is empty) the fresh draw of ScenarioForSeed, otherwise a
// mutation of a corpus scenario, with a donor of faults (see donor). A mutation the target
// refuses is drawn again, up to four times, before the fresh draw is used. It is
// deterministic in seed and the snapshot (nil: an empty corpus).
func (tg Target) GuidedScenario(seed uint64, o generators.Options, c *Snapshot) scenario.Scenario {
	rng := rand.New(rand.NewPCG(seed, 0x4755494445)) // "GUIDE"
	if c == nil || rng.IntN(2) == 0 {
		return tg.ScenarioForSeed(seed, o)
	}
	for range 4 {
		parent := c.Pick(rng)
		s := generators.Mutate(parent, tg.donor(parent, rng, o, c), rng, o)
		if s.ValidateFor(tg.workload()) == nil {
			s.Note = fmt.Sprintf("campaign seed %d: a mutation of (%s)", seed, parent.Note)
			if len(s.Note) > 300 {
				s.Note = s.Note[:300] + "..."
			}
			return s
		}
	}
	return tg.ScenarioForSeed(seed, o)
}
