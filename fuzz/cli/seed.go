package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// runSeed runs one seed and, on failure, settles it (see settle). With --check-determinism
// it reruns the seed once the rerun gap has passed, holding a CPU slot only while it
// computes; its wall time is then that of both runs, without the gap.
func (c *campaign) runSeed(j job) outcome {
	seed := j.seed
	c.cpu.acquire()
	s := c.scenarioFor(j)
	o := outcome{index: j.index, seed: seed}
	o.ops, _ = s.Size()
	started := time.Now()
	res, err := runTarget(c.target, s, harness.RunOptions{TraceTail: 1})
	o.wall = time.Since(started)
	c.cpu.release()
	if err != nil {
		c.firstOf(j, "")
		o.err = fmt.Errorf("seed %d: %w", seed, err)
		return o
	}
	o.events, o.sim, o.hash = res.Events, res.SimTime, res.TraceHash
	o.opsNotStarted = res.OpsNotStarted
	if c.guide != nil {
		o.scenario, o.features = &s, fuzz.Features(res)
	}
	o.availability = seedAvailability(res.Stability)
	failure := res.Failure
	var div *fuzz.Divergence
	if c.checkDet {
		sim.WaitRerunGap(started) // other seeds compute meanwhile
		c.cpu.acquire()
		again := time.Now()
		div = c.target.Recheck(s, res)
		o.wall += time.Since(again)
		c.cpu.release()
		if div != nil {
			failure = div.Failure()
		}
	}
	if failure == nil {
		c.firstOf(j, "")
		return o
	}
	o.failure = c.settle(j, s, res, failure, div)
	return o
}

// settle records a failure of seed j: the first failure of its signature in the campaign
// (or every failure, with --shrink-all) is shrunk and saved; the others are counted under
// it. A divergence of the determinism check (div) is saved as it is.
func (c *campaign) settle(j job, s scenario.Scenario, res *harness.RunResult,
	failure *harness.Failure, div *fuzz.Divergence) *failureRecord {
	found := time.Since(c.start).Seconds()
	sig := fuzz.SignatureOf(failure).String()
	first, isFirst := c.firstOf(j, sig)
	c.cpu.acquire() // never held while firstOf waits for the seeds before j
	defer c.cpu.release()
	var f *failureRecord
	switch {
	case div != nil:
		f = c.nondeterministic(j.seed, div)
	case isFirst:
		f = c.investigate(j.seed, s, res)
	default:
		f = c.duplicate(j.seed, s, failure, first)
	}
	f.Signature, f.FoundAfterSeeds, f.FoundAfterSeconds = sig, j.index, found
	return f
}

// firstOf records that seed j finished running, failing with signature sig ("" if not),
// and returns the first failing seed of sig in the campaign and whether it is j's (see
// ledger.record). With --shrink-all every failure counts as first.
func (c *campaign) firstOf(j job, sig string) (uint64, bool) {
	if c.shrinkAll {
		return j.seed, sig != ""
	}
	return c.ledger.record(j.index, j.seed, sig)
}

// duplicate records a failure whose signature an earlier seed of the campaign has: it is
// counted, not shrunk. A guided campaign saves its scenario as original.json, since its
// seed alone does not draw it again.
func (c *campaign) duplicate(seed uint64, s scenario.Scenario, failure *harness.Failure,
	first uint64) *failureRecord {
	f := &failureRecord{Seed: seed, Class: string(failure.Class), Message: failure.Message,
		Repro: c.rerun(seed), Note: fmt.Sprintf("not shrunk: counted under seed %d, the "+
			"first failure with this signature", first)}
	f.OriginalOps, f.OriginalFaults = s.Size()
	f.Ops, f.Faults = f.OriginalOps, f.OriginalFaults
	if !c.guided {
		return f
	}
	path := filepath.Join(c.out, fmt.Sprintf("seed-%d", seed), "original.json")
	if err := saveScenario(path, s); err != nil {
		f.Note += "; not saved: " + err.Error()
		return f
	}
	f.Original = path
	f.Repro = c.repro.replay(path)
	return f
}

// investigate shrinks a failure and saves it; a failure to shrink or save is reported in the
// record rather than lost.
func (c *campaign) investigate(seed uint64, s scenario.Scenario,
	res *harness.RunResult) *failureRecord {
	f := &failureRecord{Seed: seed, Class: string(res.Failure.Class),
		Message: res.Failure.Message, Repro: c.rerun(seed)}
	f.OriginalOps, f.OriginalFaults = s.Size()
	min := fuzz.Shrunk{Scenario: s, Result: res}
	if c.shrinkRuns > 0 {
		shrunk, err := shrinkTarget(c.target, s, res.Failure.Class, c.shrinkRuns)
		if err == nil {
			min, f.ShrinkRuns = shrunk, shrunk.Runs
		} else {
			f.Note = "not shrunk: " + err.Error()
		}
	}
	if min.Runs == 0 { // unshrunk: rerun once for the full trace tail of the report
		if rerun, err := runTarget(c.target, min.Scenario, harness.RunOptions{}); err == nil {
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
	rep := report.Report{Scenario: min.Scenario, Result: min.Result, Repro: f.Repro,
		Original: &original, Notes: c.reportNotes(dir)}
	if c.guided { // its seed alone may not draw it again: replay what failed
		rep.Repro = c.repro.replay(filepath.Join(dir, "original.json"))
	}
	a, err := report.WriteArtifacts(dir, rep)
	if err != nil {
		f.Note += "; not saved: " + err.Error()
		return f
	}
	f.Scenario, f.HTML, f.Report, f.Original = a.Scenario, a.HTML, a.Report, a.Original
	if c.guided {
		f.Repro = c.repro.replay(a.Original)
	}
	f.ReplayRepro = c.repro.replay(a.Scenario)
	return f
}

// nondeterministic records a seed whose two runs differed, and saves the scenario and both
// trace tails under the seed's folder; it is not shrunk, since a shrink criterion needs a
// failure that repeats.
func (c *campaign) nondeterministic(seed uint64, d *fuzz.Divergence) *failureRecord {
	f := &failureRecord{Seed: seed, Class: string(fuzz.ClassNondeterminism),
		Message: d.Message, Repro: c.rerun(seed) + " --check-determinism",
		Note: "not shrunk: a failure must repeat before it can be shrunk"}
	dir := filepath.Join(c.out, fmt.Sprintf("seed-%d", seed))
	p, err := d.Save(dir)
	if err != nil {
		f.Note += "; not saved: " + err.Error()
		return f
	}
	f.Scenario = p.Scenario
	f.Note += "; saved: the scenario, both trace tails and what differed, " + p.Report
	f.ReplayRepro = c.repro.line("replay", "--check-determinism", p.Scenario)
	return f
}

// rerun is the command that reruns one seed of this campaign.
func (c *campaign) rerun(seed uint64) string {
	return c.repro.line("run", "--seed", fmt.Sprint(seed), "--seeds", "1")
}

// reportNotes are the lines of a saved failure's report.txt after its repro line: the
// variant that ran, if any, and how to replay the shrunk scenario saved in dir.
func (c *campaign) reportNotes(dir string) []string {
	return append(variantNote(c.target), "replay the shrunk scenario: "+
		c.repro.replay(filepath.Join(dir, "scenario.json")))
}

// saveScenario writes s to path, creating its folder.
func saveScenario(path string, s scenario.Scenario) error {
	var b bytes.Buffer
	if err := scenario.EncodeScenario(&b, s); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return report.WriteFileAtomic(path, b.Bytes())
}

// ledger keeps, for one campaign, which seeds have finished running and the first failing
// seed of each failure signature (fuzz.Signature), so that the first failure of each
// signature in campaign order, and only it, is shrunk and saved, whatever the jobs and the
// order seeds finish in. A failure shrinks in a few hundred runs; a broken build fails every
// seed alike, and shrinking each failure would cost minutes where one shrink costs seconds.
type ledger struct {
	mu      sync.Mutex
	changed *sync.Cond
	// ranUpTo is the campaign index (1-based) up to which every seed finished running;
	// ran holds the indexes above it that finished.
	ranUpTo int
	ran     map[int]bool
	// first holds, by signature, the failing seed of the lowest index seen so far.
	first map[string]firstFailure
}

// firstFailure is a failing seed and its campaign index.
type firstFailure struct {
	index int
	seed  uint64
}

func newLedger() *ledger {
	l := &ledger{ran: map[int]bool{}, first: map[string]firstFailure{}}
	l.changed = sync.NewCond(&l.mu)
	return l
}

// record notes that the seed at index finished running, failing with signature sig ("" if
// it passed or could not run). For a failure it then waits until every seed before index
// has finished running, and returns the first seed that failed with sig and whether that is
// this one. The wait ends: the seeds before index were all handed out before it, so each
// is running or done, and the lowest of them still running waits for nothing.
func (l *ledger) record(index int, seed uint64, sig string) (first uint64, isFirst bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if sig != "" {
		if f, ok := l.first[sig]; !ok || index < f.index {
			l.first[sig] = firstFailure{index: index, seed: seed}
		}
	}
	l.ran[index] = true
	for l.ran[l.ranUpTo+1] {
		delete(l.ran, l.ranUpTo+1)
		l.ranUpTo++
	}
	l.changed.Broadcast()
	if sig == "" {
		return 0, false
	}
	for l.ranUpTo < index-1 {
		l.changed.Wait()
	}
	f := l.first[sig]
	return f.seed, f.index == index
}
