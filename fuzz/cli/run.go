package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"runtime"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/corpus"
)

// defaultSeeds is the campaign size with no flags: about 13 seconds on 2 cores.
const defaultSeeds = 10000

// defaultMaxFailures is --max-failures with no flag: a campaign stops handing out seeds
// after this many failing seeds. Failures are grouped by signature and only the first of
// each is shrunk, so they cost a run each, not a shrink; 100 are enough to count how the
// bugs of a build share its failures, and a build that fails every seed stops in seconds.
const defaultMaxFailures = 100

const runUsage = `usage: simfuzz run [flags]

Runs generated scenarios (cluster, workload, faults) against a target, one per seed, checks
each for invariants, linearizability and liveness, and groups the failures by signature:
the class and the message with node IDs, numbers, durations, hex and quoted values
abstracted. The first failure of each signature (in seed order) is shrunk and saved under
--out (default simfuzz-out/seed-S/); the others are counted under it (--shrink-all shrinks
them all). The campaign stops handing out seeds after --max-failures failing seeds (default
100). With no flags it runs 10000 seeds against the default target on all cores (seconds on
2 cores). With --check-determinism every seed runs twice and must give the same trace hash,
event count and history: a difference is a failure of class nondeterminism that names the
first diverging event.

--corpus DIR keeps the corpus of a guided campaign across runs and machines: the campaign
starts from the scenarios in DIR (run again to judge their features on this build; files
of other targets or that do not parse are skipped with a warning) and saves each scenario
it keeps there, atomically, under a hash of its content, so shards may share DIR. --known
FILE lists failure signatures ("class: message", one a line, as the summary writes them)
that are reported but do not fail the campaign. --summary FILE also writes the JSON
summary, atomically, for merge and report.

SIMFUZZ_SEED, SIMFUZZ_SEEDS, SIMFUZZ_JOBS and SIMFUZZ_CHECK_DETERMINISM=1 set the defaults
of --seed, --seeds, --jobs and --check-determinism; the flags win.

Ctrl-C (SIGINT) or SIGTERM stops handing out seeds, lets the running ones finish and prints
the summary of the seeds that finished ("interrupted": true); a second signal exits at once.

Exit codes: 0 nothing found (or only failures of --known signatures), 1 failures found
(--found-exit), 2 usage error, a seed that could not run or a campaign that ran no seed,
130 interrupted.

flags:
`

func (a *app) cmdRun(args []string) error {
	c, err := a.parseRun(args)
	if err != nil {
		return err
	}
	if err := checkWritableDir(c.out); err != nil {
		return fmt.Errorf("--out %s: %w (no seed was run: failures could not be saved)",
			c.out, err)
	}
	if c.summaryFile != "" {
		if err := checkWritableFile(c.summaryFile); err != nil {
			return fmt.Errorf("--summary %s: %w (no seed was run)", c.summaryFile, err)
		}
	}
	if c.corpusPath != "" {
		d, err := corpus.Open(c.corpusPath)
		if err != nil {
			return fmt.Errorf("--corpus %s: %w (no seed was run)", c.corpusPath,
				cannotWrite(err))
		}
		c.corpusDir = d
	}
	sig, stop := a.watchSignals()
	defer stop()
	sum := c.execute(newProgress(a.stderr, c.seeds), sig, a.stderr)
	sum.applyKnown(c.known)
	if err := writeSummaryFile(c.summaryFile, sum); err != nil {
		return err
	}
	if c.json {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		sum.print(a.stdout)
	}
	return c.verdict(sum)
}

// verdict turns the summary into the exit status.
func (c *campaign) verdict(sum *summary) error {
	switch {
	case sum.Interrupted:
		return errInterrupted
	case sum.Seeds == 0:
		return fmt.Errorf("the campaign ran no seed: --time %v ended it before the first "+
			"seed started", c.budget)
	case sum.newFailures() && c.foundExit != 0:
		return exitStatus{code: c.foundExit}
	case sum.Errors > 0:
		return fmt.Errorf("%d seeds could not run (see above)", sum.Errors)
	}
	return nil
}

func (a *app) parseRun(args []string) (*campaign, error) {
	env, err := readEnv(a.getenv, runtime.NumCPU())
	if err != nil {
		return nil, err
	}
	fs := a.newFlags("run", runUsage)
	c := &campaign{}
	target := a.targetFlag(fs)
	fs.BoolVar(&c.checkDet, "check-determinism", env.checkDet, "run every seed twice and "+
		"compare trace hashes, event counts and histories ($"+fuzz.EnvCheckDeterminism+")")
	var shardText string
	fs.Uint64Var(&c.first, "seed", env.first, "first seed ($"+fuzz.EnvSeed+")")
	fs.IntVar(&c.seeds, "seeds", env.seeds, "how many seeds to run, at least 1 ($"+
		fuzz.EnvSeeds+"; default 10000 unless --time)")
	fs.DurationVar(&c.budget, "time", 0, "wall-time budget, e.g. 10m (with --seeds: "+
		"whichever ends first)")
	fs.IntVar(&c.jobs, "jobs", env.jobs, "seeds run in parallel ($"+fuzz.EnvJobs+")")
	fs.StringVar(&shardText, "shard", "0/1", "run shard i of n (disjoint seeds), e.g. 2/8")
	fs.StringVar(&c.out, "out", defaultOut, "directory for failure artefacts")
	fs.BoolVar(&c.json, "json", false, "print the summary as one JSON object")
	fs.IntVar(&c.shrinkRuns, "shrink-runs", 400, "runs a shrink of one failure may use")
	fs.BoolVar(&c.guided, "guided", true, "coverage-guided: keep the scenarios that reach "+
		"new protocol events (or counts, or steps between them) and run mutations of them "+
		"for half the seeds (repro lines replay the saved original.json); --guided=false "+
		"draws every seed's scenario from the seed alone")
	fs.IntVar(&c.maxFailures, "max-failures", defaultMaxFailures, "stop handing out seeds "+
		"after this many failing seeds (0: no limit)")
	fs.BoolVar(&c.shrinkAll, "shrink-all", false, "shrink and save every failure, not only "+
		"the first of each signature")
	fs.StringVar(&c.corpusPath, "corpus", "", "corpus directory of a guided campaign: start "+
		"from its scenarios (run again for their features) and save each newly kept one "+
		"there; shards may share it")
	knownPath := fs.String("known", "", "file of failure signatures to report but not fail "+
		"on, one \"class: message\" a line (exit 0 when every failure is known)")
	fs.StringVar(&c.summaryFile, "summary", "", "also write the JSON summary to this file "+
		"(atomically), whatever --json says")
	fs.IntVar(&c.foundExit, "found-exit", 1, "exit code when failures (of unknown "+
		"signatures) are found; 0 for a shard whose merge judges the campaign")
	if err := parse(fs, args); err != nil {
		return c, err
	}
	if *knownPath != "" {
		if c.known, err = readKnown(*knownPath); err != nil {
			return c, err
		}
	}
	if fs.NArg() > 0 {
		return c, usagef("run takes no arguments, got %q", fs.Args())
	}
	if c.target, err = target(); err != nil {
		return c, err
	}
	c.gen = plain(c.target).Options()
	c.repro = a.reproFor(c.target)
	if c.shard, err = parseShard(shardText); err != nil {
		return c, err
	}
	return c, c.validate(isSet(fs, "seeds") || env.set[fuzz.EnvSeeds], isSet(fs, "time"))
}

// validate checks the numbers; seedsGiven and timeGiven say whether --seeds (or
// SIMFUZZ_SEEDS) and --time were given. A budget of 0 means "no time limit" inside the
// campaign, but --time 0 is refused like --time -5s: a user who types it means something,
// and no reading of it is safe to guess.
func (c *campaign) validate(seedsGiven, timeGiven bool) error {
	switch {
	case seedsGiven && c.seeds < 1:
		return usagef("--seeds must be at least 1, got %d (leave it out for %d, or give "+
			"--time alone for a campaign bounded by time)", c.seeds, defaultSeeds)
	case timeGiven && c.budget <= 0:
		return usagef("--time must be positive, got %v (leave --time out for a campaign "+
			"bounded by --seeds alone)", c.budget)
	case c.jobs < 1 || c.jobs > fuzz.MaxJobs:
		return usagef("--jobs must be in [1, %d], got %d", fuzz.MaxJobs, c.jobs)
	case c.shrinkRuns < 0:
		return usagef("--shrink-runs must not be negative, got %d", c.shrinkRuns)
	case c.maxFailures < 0:
		return usagef("--max-failures must not be negative, got %d (0: no limit)",
			c.maxFailures)
	case c.foundExit < 0 || c.foundExit > 125:
		return usagef("--found-exit must be in [0, 125], got %d", c.foundExit)
	case c.corpusPath != "" && !c.guided:
		return usagef("--corpus keeps the corpus of a guided campaign: leave out " +
			"--guided=false")
	}
	if !seedsGiven && c.budget == 0 {
		c.seeds = defaultSeeds
	}
	if c.seeds > 0 && !c.shard.inRange(c.first, c.seeds-1) {
		return usagef("%d seeds from seed %d (shard %v) would run past %d, the largest "+
			"seed; seeds do not wrap around: give a smaller --seed or fewer --seeds",
			c.seeds, c.first, c.shard, uint64(math.MaxUint64))
	}
	return nil
}

// isSet reports whether the flag called name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
