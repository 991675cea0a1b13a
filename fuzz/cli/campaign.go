package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/corpus"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// campaign is the configuration and the running state of one `simfuzz run`.
type campaign struct {
	target fuzz.Target
	// repro makes the repro lines: this command's name, --target and --variant as needed.
	repro      repro
	gen        generators.Options
	checkDet   bool
	first      uint64
	seeds      int // 0: until the time budget ends
	budget     time.Duration
	jobs       int
	shard      shard
	out        string
	json       bool
	shrinkRuns int
	// maxFailures stops handing out seeds once this many have failed (0: never).
	maxFailures int
	// shrinkAll shrinks and saves every failure, not only the first of each signature.
	shrinkAll bool
	// ledger tells the first failure of each signature (nil with shrinkAll).
	ledger *ledger
	// cpu bounds the seeds computing at once to jobs with checkDet (nil otherwise).
	cpu cpuSlots
	// guided, with --guided: a coverage-guided campaign (see guide).
	guided bool
	guide  *guide
	// corpusPath is --corpus; corpusDir, opened when the campaign starts, is the corpus
	// directory a guided campaign starts from and saves its kept scenarios to.
	corpusPath string
	corpusDir  *corpus.Dir
	// known lists the signatures that are reported but do not fail the campaign (--known).
	known *knownSignatures
	// summaryFile, with --summary, also receives the JSON summary, atomically.
	summaryFile string
	// foundExit is the exit code when failures are found (--found-exit).
	foundExit int
	start     time.Time

	// halt is closed when no more seeds may be handed out: the budget, the failure limit
	// or a signal ended the campaign.
	halt     chan struct{}
	haltOnce sync.Once
	// running holds the seeds workers have taken whose outcome is not collected yet, by
	// index: the seeds a second signal abandons.
	mu      sync.Mutex
	running map[int]uint64
}

// job is one seed to run and its position in the campaign (1-based).
type job struct {
	index int
	seed  uint64
	// corpus is the snapshot a guided campaign draws the seed's scenario from.
	corpus *fuzz.Snapshot
}

// outcome is what one seed produced.
type outcome struct {
	index         int
	seed          uint64
	events        uint64
	sim           time.Duration
	hash          uint64
	ops           int
	opsNotStarted int
	// availability is the stability window's probe availability, nil without a window.
	availability *float64
	// wall is the wall time the seed's run (and check) took.
	wall    time.Duration
	failure *failureRecord
	err     error
	// scenario and features are kept in a guided campaign, for the corpus.
	scenario *scenario.Scenario
	features []string
}

// stopHanding ends the handing out of seeds; running seeds finish.
func (c *campaign) stopHanding() { c.haltOnce.Do(func() { close(c.halt) }) }

// execute runs the campaign: a producer of seeds, jobs workers, one collector. The first
// signal on sig stops the handing out of seeds and lets the running ones finish; a second
// one returns at once, listing the seeds still running as abandoned. notices (stderr) hears
// what a signal did.
func (c *campaign) execute(p *progress, sig <-chan os.Signal, notices io.Writer) *summary {
	c.start = time.Now()
	c.halt = make(chan struct{})
	c.running = map[int]uint64{}
	if !c.shrinkAll {
		c.ledger = newLedger()
	}
	if c.guided {
		c.guide = newGuide(c.corpusDir, notices)
		if c.corpusDir != nil {
			c.loadCorpus(notices)
		}
	}
	if c.budget > 0 {
		defer time.AfterFunc(c.budget, c.stopHanding).Stop()
	}
	jobs := make(chan job)
	results := make(chan outcome, c.jobs)
	go c.produce(jobs)
	workers := c.jobs
	if c.checkDet {
		c.cpu, workers = newCPUSlots(c.jobs), c.jobs*rerunOverlap
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				c.setRunning(j, true)
				results <- c.runSeed(j)
			}
		})
	}
	go func() { wg.Wait(); close(results) }()
	outs, interrupted, abandoned := c.collect(results, p, sig, notices)
	p.done(len(outs), countFailed(outs))
	sum := buildSummary(c.target.Name, outs, c.maxFailures)
	sum.Variant = c.target.Variant
	sum.Interrupted = interrupted
	if c.guide != nil {
		c.guide.flush()
		sum.Coverage = c.guide.coverage()
		sum.Guided = true
		if c.corpusDir != nil {
			sum.CorpusDir = c.corpusDir.Path()
			sum.CorpusLoaded, sum.CorpusSaved = c.guide.loaded, c.guide.saved
			sum.CorpusSkipped = c.guide.skipped
		}
	}
	sum.Shard = c.shard.String()
	sum.FirstSeed = c.first
	if abandoned {
		sum.Abandoned = c.abandoned()
	}
	sum.finish(time.Since(c.start))
	return sum
}

// produce hands out this shard's seeds in order until the count runs out or halt closes.
// Seeds are handed out in order and every handed seed finishes, so the seeds a campaign
// ran are always the first ones of its sequence.
func (c *campaign) produce(jobs chan<- job) {
	defer close(jobs)
	var corpus *fuzz.Snapshot
	if c.guide != nil {
		corpus = c.guide.initial
	}
	for k := 0; c.seeds == 0 || k < c.seeds; k++ {
		select {
		case <-c.halt:
			return
		default:
		}
		if c.budget > 0 && time.Since(c.start) >= c.budget {
			return
		}
		if !c.shard.inRange(c.first, k) { // a campaign bounded by time: the range ended
			return
		}
		var ok bool
		if corpus, ok = c.snapshotFor(k, corpus); !ok {
			return
		}
		select {
		case jobs <- job{index: k + 1, seed: c.shard.seed(c.first, k), corpus: corpus}:
		case <-c.halt:
			return
		}
	}
}

// collect gathers outcomes until the workers are done, or until a second signal. It
// reports whether a signal interrupted the campaign and whether seeds were abandoned.
func (c *campaign) collect(results <-chan outcome, p *progress, sig <-chan os.Signal,
	notices io.Writer) (outs []outcome, interrupted, abandoned bool) {
	failed := 0
	for {
		select {
		case o, ok := <-results:
			if !ok {
				return outs, interrupted, false
			}
			c.setRunning(job{index: o.index}, false)
			if c.guide != nil {
				c.guide.observe(o)
				o.scenario, o.features = nil, nil
			}
			outs = append(outs, o)
			if o.failure != nil {
				failed++
			}
			if c.maxFailures > 0 && failed >= c.maxFailures {
				c.stopHanding()
			}
			p.update(len(outs), failed)
		case s := <-sig:
			if interrupted {
				fmt.Fprintf(notices, "\nsimfuzz: %v again: exiting without waiting for "+
					"the running seeds\n", s)
				return c.drain(results, outs), true, true
			}
			interrupted = true
			c.stopHanding()
			fmt.Fprintf(notices, "\nsimfuzz: %v: no new seeds; waiting for the running "+
				"ones to finish (send it again to exit at once)\n", s)
		}
	}
}

// setRunning records that a worker took j (on) or that its outcome was collected (off).
func (c *campaign) setRunning(j job, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if on {
		c.running[j.index] = j.seed
	} else {
		delete(c.running, j.index)
	}
}

// drain collects the outcomes already waiting, without waiting for more.
func (c *campaign) drain(results <-chan outcome, outs []outcome) []outcome {
	for {
		select {
		case o, ok := <-results:
			if !ok {
				return outs
			}
			c.setRunning(job{index: o.index}, false)
			outs = append(outs, o)
		default:
			return outs
		}
	}
}

// abandoned lists the seeds taken by workers whose outcome was not collected.
func (c *campaign) abandoned() []uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	seeds := make([]uint64, 0, len(c.running))
	for _, s := range c.running {
		seeds = append(seeds, s)
	}
	return seeds // sorted by summary.finish
}

func countFailed(outs []outcome) int {
	n := 0
	for _, o := range outs {
		if o.failure != nil {
			n++
		}
	}
	return n
}
