package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"
)

const mergeUsage = `usage: simfuzz merge [flags] FILE...

Combines the --json summaries of the shards of one campaign (simfuzz run --shard i/n
--json > FILE, or --summary FILE, one FILE per shard) into one summary: seeds, failures
sorted by seed, their signatures, classes and the trace digest, which is the sum of the
shards' digests. A FILE with * or ? that names no file is expanded as a pattern (for
containers without a shell). Summaries of different targets, summaries whose seeds overlap
and summaries whose digest does not match their seed hashes are refused.

Whether the merged summary equals that of one process running the same seeds depends on
the shards, and merge says which case it has ("one_process" in --json): unguided shards
(--guided=false) always do; guided shards do only when no shard loaded a --corpus and all
the seeds together are at most 512 (the seeds a guided campaign runs before it first draws
from its corpus); otherwise each shard mutated the scenarios of its own corpus, and the
digest is not one process's.

Exit codes: 0 nothing found (or only failures of --known signatures), 1 failures found, 2
refused or incomplete (a shard was interrupted, abandoned seeds, or seeds that could not
run).

flags:
`

func (a *app) cmdMerge(args []string) error {
	fs := a.newFlags("merge", mergeUsage)
	asJSON := fs.Bool("json", false, "print the merged summary as one JSON object")
	knownPath := fs.String("known", "", "file of failure signatures to report but not fail "+
		"on, one \"class: message\" a line")
	summaryFile := fs.String("summary", "", "also write the merged JSON summary to this "+
		"file (atomically)")
	foundExit := fs.Int("found-exit", 1, "exit code when failures (of unknown signatures) "+
		"are found; 0 where a later step reads the merged summary")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("merge needs the --json summaries of the shards")
	}
	if *foundExit < 0 || *foundExit > 125 {
		return usagef("--found-exit must be in [0, 125], got %d", *foundExit)
	}
	var known *knownSignatures
	if *knownPath != "" {
		var err error
		if known, err = readKnown(*knownPath); err != nil {
			return err
		}
	}
	paths, err := expandPatterns(fs.Args())
	if err != nil {
		return err
	}
	shards := make([]*summary, len(paths))
	for i, path := range paths {
		s, err := readSummary(path)
		if err != nil {
			return err
		}
		shards[i] = s
	}
	sum, err := mergeSummaries(paths, shards)
	if err != nil {
		return err
	}
	sum.applyKnown(known)
	if err := writeSummaryFile(*summaryFile, sum); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(sum); err != nil {
			return err
		}
	} else {
		sum.print(a.stdout)
	}
	return mergeVerdict(sum, *foundExit)
}

// mergeVerdict is the exit status of a merge: a failure is the news; short of one, a
// campaign that did not run all its seeds must not pass.
func mergeVerdict(sum *summary, foundExit int) error {
	switch {
	case sum.newFailures() && foundExit != 0:
		return exitStatus{code: foundExit}
	case sum.Interrupted || len(sum.Abandoned) > 0:
		return errors.New("a shard was interrupted: the merged campaign is incomplete")
	case sum.Errors > 0:
		return fmt.Errorf("%d seeds could not run (see above)", sum.Errors)
	}
	return nil
}

// readSummary reads one shard's --json summary and checks that it is whole: its digest is
// the sum of its seed hashes' mixes, and every seed it counts has a hash or an error.
func readSummary(path string) (*summary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := newSummary("")
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(s); err != nil {
		return nil, fmt.Errorf("%s: not a simfuzz run --json summary: %v", path, err)
	}
	if s.Target == "" || s.TraceDigest == "" {
		return nil, fmt.Errorf("%s: not a simfuzz run --json summary: no target or "+
			"trace_digest", path)
	}
	if s.digest, err = strconv.ParseUint(s.TraceDigest, 16, 64); err != nil {
		return nil, fmt.Errorf("%s: trace_digest %q is not a 64-bit hex number", path,
			s.TraceDigest)
	}
	var sum uint64
	for _, h := range s.SeedHashes {
		v, err := strconv.ParseUint(h.Hash, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: seed %d: hash %q is not a 64-bit hex number", path,
				h.Seed, h.Hash)
		}
		sum += mixSeedHash(h.Seed, v)
	}
	if sum != s.digest {
		return nil, fmt.Errorf("%s: trace_digest %s is not the digest of its seed_hashes "+
			"(%016x): the file is truncated or edited", path, s.TraceDigest, sum)
	}
	if s.Seeds != len(s.SeedHashes)+s.Errors {
		return nil, fmt.Errorf("%s: %d seeds, but %d seed hashes and %d errors", path,
			s.Seeds, len(s.SeedHashes), s.Errors)
	}
	if err := checkCounts(s); err != nil {
		return nil, fmt.Errorf("%s: %w: the file is truncated or edited", path, err)
	}
	s.sim = time.Duration(s.SimSeconds * float64(time.Second))
	return s, nil
}

// maxSeconds bounds the seconds of a summary: what a time.Duration holds.
const maxSeconds = float64(math.MaxInt64 / int64(time.Second))

// checkCounts refuses a summary whose counts cannot be a campaign's: a negative count or
// time, a failure that is null or of a seed without a hash, failures that do not add up to
// failed_seeds.
func checkCounts(s *summary) error {
	// Slices, not maps: the first bad field named must be the same on every run.
	counts := []struct {
		name string
		n    int
	}{{"seeds", s.Seeds}, {"errors", s.Errors}, {"ops", s.Ops},
		{"ops_not_started", s.OpsNotStarted}, {"stability_windows", s.StabilityWindows}}
	for _, c := range counts {
		if c.n < 0 {
			return fmt.Errorf("%s is negative (%d)", c.name, c.n)
		}
	}
	times := []struct {
		name string
		x    float64
	}{{"sim_seconds", s.SimSeconds}, {"wall_seconds", s.WallSeconds}}
	for _, t := range times {
		if !(t.x >= 0 && t.x <= maxSeconds) { // NaN too
			return fmt.Errorf("%s is %v, not in [0, %.0f]", t.name, t.x, maxSeconds)
		}
	}
	hashed := map[uint64]bool{}
	for _, h := range s.SeedHashes {
		hashed[h.Seed] = true
	}
	for i, f := range s.Failures {
		if f == nil {
			return fmt.Errorf("failures[%d] is null", i)
		}
		if !hashed[f.Seed] {
			return fmt.Errorf("failures[%d] is of seed %d, which has no seed hash", i, f.Seed)
		}
	}
	if len(s.Failures) != s.FailedSeeds {
		return fmt.Errorf("%d failures, but failed_seeds is %d", len(s.Failures),
			s.FailedSeeds)
	}
	return nil
}

// mergeSummaries combines the shards' summaries (read from paths) into one.
func mergeSummaries(paths []string, shards []*summary) (*summary, error) {
	sum := newSummary(shards[0].Target)
	sum.Variant = shards[0].Variant
	sum.Shards = len(shards)
	sum.Guided = true
	sum.FirstSeed = shards[0].FirstSeed
	owner := map[uint64]string{}
	wall := 0.0
	for i, s := range shards {
		if s.Target != sum.Target {
			return nil, fmt.Errorf("%s is a campaign of target %q, %s of %q: refusing to "+
				"merge different targets", paths[0], sum.Target, paths[i], s.Target)
		}
		if s.Variant != sum.Variant {
			return nil, fmt.Errorf("%s ran %s, %s ran %s: refusing to merge different "+
				"builds", paths[0], buildName(sum.Variant), paths[i], buildName(s.Variant))
		}
		for _, h := range s.SeedHashes {
			if prev, ok := owner[h.Seed]; ok {
				return nil, fmt.Errorf("seed %d is in %s and in %s: the shards overlap "+
					"(give each run its own --shard i/n)", h.Seed, prev, paths[i])
			}
			owner[h.Seed] = paths[i]
		}
		sum.addShard(s)
		sum.Guided = sum.Guided && s.isGuided()
		sum.FirstSeed = min(sum.FirstSeed, s.FirstSeed)
		wall = max(wall, s.WallSeconds)
	}
	// Shards run side by side: the merged campaign took as long as its longest shard.
	sum.finish(time.Duration(wall * float64(time.Second)))
	sum.OneProcess = judgeOneProcess(paths, shards, sum)
	return sum, nil
}

// buildName names a build in a message: its variant, or the plain build.
func buildName(variant string) string {
	if variant == "" {
		return "the plain build"
	}
	return "variant " + variant
}

// addShard adds one shard's totals and lists.
func (s *summary) addShard(o *summary) {
	s.Seeds += o.Seeds
	s.FailedSeeds += o.FailedSeeds
	for k, v := range o.ByClass {
		s.ByClass[k] += v
	}
	s.Errors += o.Errors
	s.Events += o.Events
	s.Ops += o.Ops
	s.OpsNotStarted += o.OpsNotStarted
	s.sim += o.sim
	s.Failures = append(s.Failures, o.Failures...)
	s.ErrorList = append(s.ErrorList, o.ErrorList...)
	s.SeedHashes = append(s.SeedHashes, o.SeedHashes...)
	s.digest += o.digest
	s.Slowest = append(s.Slowest, o.Slowest...)
	s.CorpusLoaded += o.CorpusLoaded
	s.CorpusSaved += o.CorpusSaved
	s.CorpusSkipped += o.CorpusSkipped
	if s.CorpusDir == "" {
		s.CorpusDir = o.CorpusDir
	}
	s.Interrupted = s.Interrupted || o.Interrupted
	s.Abandoned = append(s.Abandoned, o.Abandoned...)
	if p := o.PastLimit; p != nil {
		if s.PastLimit == nil {
			s.PastLimit = &pastLimit{MaxFailures: p.MaxFailures, FailedSeeds: []uint64{}}
		}
		s.PastLimit.Seeds += p.Seeds
		s.PastLimit.FailedSeeds = append(s.PastLimit.FailedSeeds, p.FailedSeeds...)
	}
}
