package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
)

// campaign is the configuration of one `simfuzz run`.
type campaign struct {
	first      uint64
	seeds      int
	budget     time.Duration
	jobs       int
	shard      shard
	out        string
	json       bool
	shrinkRuns int
	// maxFailures stops handing out seeds once this many have failed (0: never).
	maxFailures int
	stop        atomic.Bool
	start       time.Time
}

// defaultSeeds is the campaign size with no flags: about ten seconds on 2 cores.
const defaultSeeds = 10000

const runUsage = `usage: simfuzz run [flags]

Runs generated scenarios (cluster, workload, faults) against the built-in Raft KV, one per
seed, checks each for invariants, linearizability and liveness, and shrinks and saves every
failure under --out. With no flags it runs 10000 seeds on all cores (seconds on 2 cores).

flags:
`

func cmdRun(args []string, stdout, stderr io.Writer) error {
	c, err := parseRun(args, stderr)
	if err != nil {
		return err
	}
	sum := c.execute(newProgress(stderr, c.seeds))
	if c.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		sum.print(stdout)
	}
	if len(sum.Failures) > 0 {
		return errFound
	}
	if sum.Errors > 0 {
		return fmt.Errorf("%d seeds could not run (see above)", sum.Errors)
	}
	return nil
}

func parseRun(args []string, stderr io.Writer) (*campaign, error) {
	fs := newFlags("run", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, runUsage); fs.PrintDefaults() }
	c := &campaign{}
	var shardText string
	fs.Uint64Var(&c.first, "seed", 1, "first seed")
	fs.IntVar(&c.seeds, "seeds", 0, "how many seeds to run (default 10000 unless --time)")
	fs.DurationVar(&c.budget, "time", 0, "wall-time budget, e.g. 10m (with --seeds: "+
		"whichever ends first)")
	fs.IntVar(&c.jobs, "jobs", runtime.NumCPU(), "seeds run in parallel")
	fs.StringVar(&shardText, "shard", "0/1", "run shard i of n (disjoint seeds), e.g. 2/8")
	fs.StringVar(&c.out, "out", "simfuzz-out", "directory for failure artefacts")
	fs.BoolVar(&c.json, "json", false, "print the summary as one JSON object")
	fs.IntVar(&c.shrinkRuns, "shrink-runs", 400, "runs a shrink of one failure may use")
	fs.IntVar(&c.maxFailures, "max-failures", 0, "stop after this many failing seeds (0: no limit)")
	if err := parse(fs, args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, usagef("run takes no arguments, got %q", fs.Args())
	}
	var err error
	if c.shard, err = parseShard(shardText); err != nil {
		return c, err
	}
	switch {
	case c.seeds < 0:
		return c, usagef("--seeds must be positive, got %d", c.seeds)
	case c.budget < 0:
		return c, usagef("--time must be positive, got %v", c.budget)
	case c.jobs < 1:
		return c, usagef("--jobs must be at least 1, got %d", c.jobs)
	case c.shrinkRuns < 0 || c.maxFailures < 0:
		return c, usagef("--shrink-runs and --max-failures must not be negative")
	}
	if c.seeds == 0 && c.budget == 0 {
		c.seeds = defaultSeeds
	}
	return c, nil
}

// job is one seed to run and its position in the campaign (1-based).
type job struct {
	index int
	seed  uint64
}

// outcome is what one seed produced.
type outcome struct {
	seed    uint64
	events  uint64
	sim     time.Duration
	failure *failureRecord
	err     error
}

// execute runs the campaign: a producer of seeds, jobs workers, one collector.
func (c *campaign) execute(p *progress) *summary {
	c.start = time.Now()
	start := c.start
	seeds := make(chan job)
	results := make(chan outcome)
	go c.produce(seeds)
	var wg sync.WaitGroup
	for range c.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range seeds {
				results <- c.runSeed(j)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	sum := newSummary()
	for o := range results {
		sum.add(o)
		if c.maxFailures > 0 && sum.FailedSeeds >= c.maxFailures {
			c.stop.Store(true)
		}
		p.update(sum)
	}
	p.done(sum)
	sum.finish(time.Since(start))
	return sum
}

// produce hands out this shard's seeds until the count or the time budget runs out.
func (c *campaign) produce(seeds chan<- job) {
	defer close(seeds)
	for k := 0; c.seeds == 0 || k < c.seeds; k++ {
		if c.stop.Load() || (c.budget > 0 && time.Since(c.start) >= c.budget) {
			return
		}
		seeds <- job{index: k + 1, seed: c.shard.seed(c.first, k)}
	}
}

// runSeed runs one seed and, on failure, shrinks it and writes its artefacts.
func (c *campaign) runSeed(j job) outcome {
	seed := j.seed
	s := fuzz.ScenarioForSeed(seed, fuzz.Options())
	res, err := fuzz.Run(s, harness.RunOptions{TraceTail: 1})
	if err != nil {
		return outcome{seed: seed, err: fmt.Errorf("seed %d: %w", seed, err)}
	}
	o := outcome{seed: seed, events: res.Events, sim: res.SimTime}
	if res.Failure != nil {
		found := time.Since(c.start).Seconds()
		o.failure = c.investigate(seed, s, res)
		o.failure.FoundAfterSeeds, o.failure.FoundAfterSeconds = j.index, found
	}
	return o
}

// investigate shrinks a failure and saves it; a failure to shrink or save is reported in the
// record rather than lost.
func (c *campaign) investigate(seed uint64, s harness.Scenario,
	res *harness.RunResult) *failureRecord {
	f := &failureRecord{Seed: seed, Class: string(res.Failure.Class),
		Message: res.Failure.Message, Repro: fmt.Sprintf("simfuzz run --seed %d --seeds 1", seed)}
	f.OriginalOps, f.OriginalFaults = s.Size()
	min := fuzz.Shrunk{Scenario: s, Result: res}
	if c.shrinkRuns > 0 {
		shrunk, err := fuzz.ShrinkFailure(s, res.Failure.Class, c.shrinkRuns)
		if err == nil {
			min, f.ShrinkRuns = shrunk, shrunk.Runs
		} else {
			f.Note = "not shrunk: " + err.Error()
		}
	}
	if min.Runs == 0 { // unshrunk: rerun once for the full trace tail of the report
		if rerun, err := fuzz.Run(min.Scenario, harness.RunOptions{}); err == nil {
			min.Result = rerun
		}
	}
	if min.Result.Failure != nil {
		f.Message = min.Result.Failure.Message
	}
	f.Ops, f.Faults = min.Scenario.Size()
	dir := filepath.Join(c.out, fmt.Sprintf("seed-%d", seed))
	min.Scenario.Note = fmt.Sprintf("shrunk from campaign seed %d (%s)", seed, f.Class)
	rep := harness.Report{Scenario: min.Scenario, Result: min.Result}
	a, err := harness.WriteArtifacts(dir, rep)
	if err != nil {
		f.Note += "; not saved: " + err.Error()
		return f
	}
	f.Scenario, f.HTML, f.Report = a.Scenario, a.HTML, a.Report
	f.ReplayRepro = "simfuzz replay " + a.Scenario
	return f
}
