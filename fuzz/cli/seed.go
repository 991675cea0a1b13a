package cli

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// runSeed runs one seed and, on failure, shrinks it and writes its artefacts.
func (c *campaign) runSeed(j job) outcome {
	seed := j.seed
	s := c.scenarioFor(j)
	o := outcome{index: j.index, seed: seed}
	o.ops, _ = s.Size()
	res, err := c.target.Run(s, harness.RunOptions{TraceTail: 1})
	if err != nil {
		o.err = fmt.Errorf("seed %d: %w", seed, err)
		return o
	}
	o.events, o.sim, o.hash = res.Events, res.SimTime, res.TraceHash
	o.opsNotStarted = res.OpsNotStarted
	if c.guide != nil {
		o.scenario, o.features = &s, fuzz.Features(res)
	}
	o.availability = seedAvailability(res.Stability)
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
func (c *campaign) investigate(seed uint64, s scenario.Scenario,
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
	original := s
	rep := report.Report{Scenario: min.Scenario, Result: min.Result, Repro: c.repro(seed),
		Original: &original}
	a, err := report.WriteArtifacts(dir, rep)
	if err != nil {
		f.Note += "; not saved: " + err.Error()
		return f
	}
	f.Scenario, f.HTML, f.Report, f.Original = a.Scenario, a.HTML, a.Report, a.Original
	if c.guided {
		f.Repro = "simfuzz replay " + c.targetArg() + a.Original
	}
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
