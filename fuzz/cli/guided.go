package cli

import (
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/corpus"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// guideBatch is how many seeds a guided campaign hands out between corpus snapshots. The
// seeds of batch b are drawn from the corpus as it stood once batches 0..b-2 were added,
// each in seed order: the same campaign grows the same corpus and runs the same scenarios
// at any number of jobs, and batch b-1 still runs while batch b starts, so no core waits
// for the slowest seed of a batch.
const guideBatch = 256

// guide is the state of a coverage-guided campaign (--guided).
type guide struct {
	corpus *fuzz.Corpus
	// done hears the corpus snapshot taken after each batch, in batch order.
	done chan *fuzz.Snapshot
	// pending holds the outcomes of batches not yet complete, by campaign index.
	pending  map[int]outcome
	finished int // batches added so far
	// runsPerEvent counts, for each event, the runs that reached it (of complete batches
	// until flush).
	runsPerEvent map[string]int
	// initial is the snapshot of the corpus loaded from dir, that the seeds of the first two
	// batches draw from (nil: none, and they draw fresh scenarios).
	initial *fuzz.Snapshot
	// dir, with --corpus, is where the corpus is loaded from and kept scenarios are saved;
	// notices hears what could not be loaded or saved.
	dir     *corpus.Dir
	notices io.Writer
	// loaded and skipped count the files of dir that were loaded and refused; saved the
	// files this campaign added to it; saveErrors the kept scenarios it could not save.
	loaded, skipped, saved, saveErrors int
	// seeds and events count the runs of complete batches; series samples the corpus after
	// each (see corpusPoint); start is when the campaign started.
	seeds  int
	events uint64
	series []corpusPoint
	start  time.Time
}

// corpusPoint is the state of a guided campaign's corpus after its first Seeds seeds (in
// seed order), with the events those seeds ran and the wall time they took: the campaign
// report plots how coverage and throughput grew.
type corpusPoint struct {
	Seeds       int     `json:"seeds"`
	Scenarios   int     `json:"scenarios"`
	Features    int     `json:"features"`
	Events      uint64  `json:"events"`
	WallSeconds float64 `json:"wall_seconds"`
}

func newGuide(dir *corpus.Dir, notices io.Writer) *guide {
	return &guide{corpus: fuzz.NewCorpus(), done: make(chan *fuzz.Snapshot, 4),
		pending: map[int]outcome{}, runsPerEvent: map[string]int{}, dir: dir,
		notices: notices, start: time.Now()}
}

// point adds the corpus as it stands after seeds seeds to the series.
func (g *guide) point(seeds int, events uint64) {
	g.series = append(g.series, corpusPoint{Seeds: seeds, Scenarios: g.corpus.Len(),
		Features: g.corpus.Features(), Events: events,
		WallSeconds: time.Since(g.start).Seconds()})
}

// snapshotFor returns the snapshot the seeds of job index k's batch (0-based) draw from,
// waiting for it at the batch's first job; it reports false when the campaign halted
// meanwhile.
func (c *campaign) snapshotFor(k int, current *fuzz.Snapshot) (*fuzz.Snapshot, bool) {
	if c.guide == nil || k < 2*guideBatch || k%guideBatch != 0 {
		return current, true
	}
	select {
	case sn := <-c.guide.done:
		return sn, true
	case <-c.halt:
		return nil, false
	}
}

// scenarioFor is the scenario a worker runs for j: drawn from its batch's snapshot of the
// corpus in a guided campaign, from the seed alone otherwise.
func (c *campaign) scenarioFor(j job) scenario.Scenario {
	if c.guide == nil {
		return c.target.ScenarioForSeed(j.seed, c.gen)
	}
	return c.target.GuidedScenario(j.seed, c.gen, j.corpus)
}

// observe takes one collected outcome; once every outcome of the oldest open batch is in,
// it adds that batch's runs to the corpus in seed order and hands a snapshot to the
// producer.
func (g *guide) observe(o outcome) {
	g.pending[o.index] = o
	for {
		first := g.finished*guideBatch + 1
		for i := first; i < first+guideBatch; i++ {
			if _, ok := g.pending[i]; !ok {
				return
			}
		}
		for i := first; i < first+guideBatch; i++ {
			g.add(g.pending[i])
			delete(g.pending, i)
		}
		g.finished++
		g.point(g.seeds, g.events)
		g.done <- g.corpus.Snapshot()
	}
}

// flush adds the runs of the batches still open when the campaign ended (all the runs of
// a campaign shorter than two batches' worth of a snapshot, the tail of a longer one) to
// the corpus in seed order, so that the summary's coverage accounts for every run. No seed
// draws from the corpus any more: the campaign runs the same scenarios as without it.
func (g *guide) flush() {
	if len(g.pending) == 0 {
		return
	}
	for _, i := range slices.Sorted(maps.Keys(g.pending)) {
		g.add(g.pending[i])
		delete(g.pending, i)
	}
	g.point(g.seeds, g.events)
}

// add adds one seed's run to the corpus, saving its scenario if the corpus keeps it.
func (g *guide) add(x outcome) {
	g.seeds++
	g.events += x.events
	if x.scenario == nil || x.err != nil {
		return
	}
	if g.corpus.Add(*x.scenario, x.features) {
		g.keep(*x.scenario)
	}
	g.count(x.features)
}

// count adds one run's events (its features that are no steps) to runsPerEvent.
func (g *guide) count(features []string) {
	for _, f := range features {
		if name, _, _ := strings.Cut(f, "#"); !strings.Contains(name, ">") {
			g.runsPerEvent[name]++
		}
	}
}

// coverage is the summary's account of the corpus.
func (g *guide) coverage() *coverage {
	return &coverage{Scenarios: g.corpus.Len(), Features: g.corpus.Features(),
		Events: g.runsPerEvent, Series: g.series}
}
