package cli

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
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
)

// campaign is the configuration of one `simfuzz run`.
type campaign struct {
	target     fuzz.Target
	isDefault  bool // target is the command's default: repro lines need no --target
	gen        generators.Options
	checkDet   bool
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

Runs generated scenarios (cluster, workload, faults) against a target, one per seed, checks
each for invariants, linearizability and liveness, and shrinks and saves every failure under
--out. With no flags it runs 10000 seeds against the default target on all cores (seconds on
2 cores). With --check-determinism every seed runs twice and must give the same trace hash,
event count and history: a difference is a failure of class nondeterminism that names the
first diverging event.

flags:
`

func (a *app) cmdRun(args []string) error {
	stdout, stderr := a.stdout, a.stderr
	c, err := a.parseRun(args, stderr)
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

func (a *app) parseRun(args []string, stderr io.Writer) (*campaign, error) {
	fs := newFlags("run", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, runUsage); fs.PrintDefaults() }
	c := &campaign{}
	target := a.targetFlag(fs)
	fs.BoolVar(&c.checkDet, "check-determinism", false, "run every seed twice and compare "+
		"trace hashes, event counts and histories")
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
	if c.target, err = target(); err != nil {
		return c, err
	}
	c.gen = c.target.Options()
	c.isDefault = c.target.Name == a.targets[0].Name
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
	hash    uint64
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
	sum.Target = c.target.Name
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
	s := c.target.ScenarioForSeed(seed, c.gen)
	res, err := c.target.Run(s, harness.RunOptions{TraceTail: 1})
	if err != nil {
		return outcome{seed: seed, err: fmt.Errorf("seed %d: %w", seed, err)}
	}
	o := outcome{seed: seed, events: res.Events, sim: res.SimTime, hash: res.TraceHash}
	if c.checkDet {
		if f := c.target.Deterministic(s, res); f != nil {
			o.failure = c.nondeterministic(seed, f)
			o.failure.FoundAfterSeeds = j.index
			o.failure.FoundAfterSeconds = time.Since(c.start).Seconds()
			return o
		}
	}
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
		Message: res.Failure.Message, Repro: c.repro(seed)}
	f.OriginalOps, f.OriginalFaults = s.Size()
	min := fuzz.Shrunk{Scenario: s, Result: res}
	if c.shrinkRuns > 0 {
		shrunk, err := c.target.Shrink(s, res.Failure.Class, c.shrinkRuns)
		if err == nil {
			min, f.ShrinkRuns = shrunk, shrunk.Runs
		} else {
			f.Note = "not shrunk: " + err.Error()
		}
	}
	if min.Runs == 0 { // unshrunk: rerun once for the full trace tail of the report
		if rerun, err := c.target.Run(min.Scenario, harness.RunOptions{}); err == nil {
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
	f.ReplayRepro = "simfuzz replay " + c.targetArg() + a.Scenario
	return f
}

// nondeterministic records a seed whose two runs differed; it is not shrunk, since a
// shrink criterion needs a failure that repeats.
func (c *campaign) nondeterministic(seed uint64, f *harness.Failure) *failureRecord {
	return &failureRecord{Seed: seed, Class: string(f.Class), Message: f.Message,
		Repro: c.repro(seed) + " --check-determinism",
		Note:  "not shrunk: a failure must repeat before it can be shrunk"}
}

// repro is the command that reruns one seed of this campaign.
func (c *campaign) repro(seed uint64) string {
	return fmt.Sprintf("simfuzz run %s--seed %d --seeds 1", c.targetArg(), seed)
}

// targetArg is the --target flag for repro lines, empty for the default target.
func (c *campaign) targetArg() string {
	if c.isDefault {
		return ""
	}
	return "--target " + c.target.Name + " "
}
