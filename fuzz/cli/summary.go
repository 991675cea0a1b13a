package cli

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// failureRecord is one failure of a campaign as the summary and --json report it.
type failureRecord struct {
	Seed        uint64 `json:"seed"`
	Class       string `json:"class"`
	Message     string `json:"message"`
	Scenario    string `json:"scenario,omitempty"`
	HTML        string `json:"html,omitempty"`
	Report      string `json:"report,omitempty"`
	Repro       string `json:"repro"`
	ReplayRepro string `json:"replay,omitempty"`
	// Original is the scenario file of the failing run before shrinking.
	Original       string `json:"original,omitempty"`
	Ops            int    `json:"ops"`
	Faults         int    `json:"faults"`
	OriginalOps    int    `json:"original_ops"`
	OriginalFaults int    `json:"original_faults"`
	ShrinkRuns     int    `json:"shrink_runs"`
	Note           string `json:"note,omitempty"`
	// Signature is the failure's fuzz.Signature ("class: normalised message"), from its
	// message before shrinking: the key of its entry in the summary's signatures.
	Signature string `json:"signature"`
	// FoundAfterSeeds is the seed's position in the campaign (1-based, this shard) and
	// FoundAfterSeconds the wall time from the campaign's start to its detection, before
	// shrinking.
	FoundAfterSeeds   int     `json:"found_after_seeds"`
	FoundAfterSeconds float64 `json:"found_after_seconds"`
}

// summary is the end-of-campaign report; its JSON form is the --json output, and `simfuzz
// merge` reads it back.
type summary struct {
	Target string `json:"target"`
	// Variant is the build variant of the target that ran (--variant), "" for the plain
	// build; its scenarios do not record it.
	Variant     string         `json:"variant,omitempty"`
	Seeds       int            `json:"seeds"`
	FailedSeeds int            `json:"failed_seeds"`
	ByClass     map[string]int `json:"failures_by_class"`
	Errors      int            `json:"errors"`
	Events      uint64         `json:"events"`
	// Ops counts the scripted client operations of every seed's scenario; OpsNotStarted
	// those that never started because the safety phase (or a failure) ended the run first.
	Ops           int              `json:"ops"`
	OpsNotStarted int              `json:"ops_not_started"`
	SimSeconds    float64          `json:"sim_seconds"`
	WallSeconds   float64          `json:"wall_seconds"`
	Compression   float64          `json:"compression"`
	Failures      []*failureRecord `json:"failures"`
	// Signatures groups Failures by signature, in the order of their first seeds; the
	// counts add up to FailedSeeds.
	Signatures []*signatureCount `json:"signatures"`
	ErrorList  []string          `json:"error_list,omitempty"`
	// TraceDigest combines every seed's trace hash, independent of the order seeds finished
	// in: two campaigns over the same seeds agree on it exactly when every run did. It is a
	// sum of per-seed mixes, so the digest of merged shards is the sum of theirs.
	TraceDigest string `json:"trace_digest"`
	// SeedHashes lists each seed's trace hash, by seed.
	SeedHashes []seedHash `json:"seed_hashes"`
	// StabilityWindows counts the seeds whose run reached a stability window;
	// AvailabilityMin and AvailabilityMedian are over those seeds (see
	// seedHash.Availability), 0 when there were none.
	StabilityWindows   int     `json:"stability_windows"`
	AvailabilityMin    float64 `json:"stability_availability_min"`
	AvailabilityMedian float64 `json:"stability_availability_median"`
	// Interrupted is set when a signal stopped the campaign before its seeds or its time
	// ran out; the summary covers the seeds that finished.
	Interrupted bool `json:"interrupted"`
	// Abandoned lists the seeds that were running when a second signal ended the command
	// without waiting for them.
	Abandoned []uint64 `json:"abandoned_seeds,omitempty"`
	// PastLimit describes the seeds that finished after --max-failures was reached.
	PastLimit *pastLimit `json:"past_limit,omitempty"`
	// Shards is how many shard summaries `simfuzz merge` combined (0: not merged).
	Shards int `json:"shards,omitempty"`
	// Coverage, in a guided campaign, is what its corpus holds at the end.
	Coverage *coverage `json:"coverage,omitempty"`
	// Guided is set for a coverage-guided campaign; Shard ("i/n") and FirstSeed are its
	// --shard and --seed. A merged summary has no shard.
	Guided    bool   `json:"guided"`
	Shard     string `json:"shard,omitempty"`
	FirstSeed uint64 `json:"first_seed"`
	// CorpusDir is --corpus; CorpusLoaded counts the scenarios loaded from it (and run for
	// their features), CorpusSkipped its files refused (another target, unreadable, could
	// not run), CorpusSaved the kept scenarios this campaign added to it.
	CorpusDir     string `json:"corpus_dir,omitempty"`
	CorpusLoaded  int    `json:"corpus_loaded"`
	CorpusSaved   int    `json:"corpus_saved"`
	CorpusSkipped int    `json:"corpus_skipped"`
	// Slowest lists the seeds whose runs took the most wall time, slowest first.
	Slowest []slowSeed `json:"slowest_seeds"`
	// KnownFailedSeeds counts the failing seeds whose signature --known lists; the others
	// fail the campaign.
	KnownFailedSeeds int `json:"known_failed_seeds"`
	// OneProcess, in a merged summary, says whether it equals the summary of one process
	// running the same seeds, and why.
	OneProcess *oneProcess `json:"one_process,omitempty"`
	sim        time.Duration
	digest     uint64
}

// slowSeed is one of the slowest seeds of a campaign: its wall time, events and simulated
// time.
type slowSeed struct {
	Seed       uint64  `json:"seed"`
	WallMs     float64 `json:"wall_ms"`
	Events     uint64  `json:"events"`
	SimSeconds float64 `json:"sim_seconds"`
}

// slowestSeeds is how many seeds a summary lists in Slowest.
const slowestSeeds = 10

// coverage is the state of a guided campaign's corpus: the scenarios kept and the distinct
// features (events and steps, by count bucket) the runs reached; Events lists the events
// reached, each with the number of runs that reported it.
type coverage struct {
	Scenarios int            `json:"scenarios"`
	Features  int            `json:"features"`
	Events    map[string]int `json:"events"`
	// Series samples the corpus after every batch of seeds (and at 0 seeds when a corpus
	// was loaded): the report's coverage plot.
	Series []corpusPoint `json:"series,omitempty"`
}

// pastLimit accounts for the seeds already running when the campaign reached
// --max-failures: they finish (a failure among them is settled like any other), but the
// summary counts only the seeds up to the one that reached the limit, so that it is the
// same whatever the jobs and the order they finished in.
type pastLimit struct {
	MaxFailures int `json:"max_failures"`
	// Seeds finished past the limit; FailedSeeds are those of them that failed.
	Seeds       int      `json:"seeds"`
	FailedSeeds []uint64 `json:"failed_seeds"`
}

// seedHash is one seed's trace hash in the JSON summary, with the probe availability of
// its stability window if it had one: kept per seed so that merged shards summarise it
// exactly.
type seedHash struct {
	Seed         uint64   `json:"seed"`
	Hash         string   `json:"hash"`
	Availability *float64 `json:"availability,omitempty"`
}

// mixSeedHash spreads (seed, hash) over 64 bits so that the digest, a sum, does not cancel
// out when two seeds swap hashes (splitmix64's finaliser).
func mixSeedHash(seed, hash uint64) uint64 {
	x := seed*0x9e3779b97f4a7c15 ^ hash
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func newSummary(target string) *summary {
	return &summary{Target: target, ByClass: map[string]int{}, Failures: []*failureRecord{},
		Signatures: []*signatureCount{}, SeedHashes: []seedHash{}, Slowest: []slowSeed{}}
}

// buildSummary summarises the outcomes of a campaign. With maxFailures > 0 and that many
// failures found, it counts the seeds up to the one (in campaign order) that reached the
// limit and accounts for the others in PastLimit.
func buildSummary(target string, outs []outcome, maxFailures int) *summary {
	outs = slices.Clone(outs)
	slices.SortFunc(outs, func(a, b outcome) int { return cmp.Compare(a.index, b.index) })
	sum := newSummary(target)
	failed := 0
	for i, o := range outs {
		if failed == maxFailures && maxFailures > 0 {
			sum.PastLimit = &pastLimit{MaxFailures: maxFailures, FailedSeeds: []uint64{}}
			for _, p := range outs[i:] {
				sum.PastLimit.Seeds++
				if p.failure != nil {
					sum.PastLimit.FailedSeeds = append(sum.PastLimit.FailedSeeds, p.seed)
				}
			}
			break
		}
		sum.add(o)
		if o.failure != nil {
			failed++
		}
	}
	return sum
}

func (s *summary) add(o outcome) {
	s.Seeds++
	s.Events += o.events
	s.sim += o.sim
	s.Ops += o.ops
	s.OpsNotStarted += o.opsNotStarted
	s.Slowest = append(s.Slowest, slowSeed{Seed: o.seed, Events: o.events,
		WallMs:     math.Round(float64(o.wall.Microseconds())) / 1000,
		SimSeconds: o.sim.Seconds()})
	if len(s.Slowest) > 4*slowestSeeds {
		s.trimSlowest()
	}
	if o.err != nil {
		s.Errors++
		s.ErrorList = append(s.ErrorList, o.err.Error())
		return
	}
	s.digest += mixSeedHash(o.seed, o.hash)
	s.SeedHashes = append(s.SeedHashes, seedHash{Seed: o.seed,
		Hash: fmt.Sprintf("%016x", o.hash), Availability: o.availability})
	if o.failure != nil {
		s.FailedSeeds++
		s.ByClass[o.failure.Class]++
		s.Failures = append(s.Failures, o.failure)
	}
}

// finish fixes the wall time and sorts every list by seed, so the report does not depend
// on which worker finished first.
func (s *summary) finish(wall time.Duration) {
	s.WallSeconds = wall.Seconds()
	s.SimSeconds = s.sim.Seconds()
	s.Compression = 0
	if s.WallSeconds > 0 {
		s.Compression = s.SimSeconds / s.WallSeconds
	}
	slices.SortFunc(s.Failures, func(a, b *failureRecord) int {
		return cmp.Compare(a.Seed, b.Seed)
	})
	s.Signatures = groupSignatures(s.Failures)
	s.trimSlowest()
	slices.Sort(s.ErrorList)
	slices.Sort(s.Abandoned)
	if s.PastLimit != nil {
		slices.Sort(s.PastLimit.FailedSeeds)
	}
	slices.SortFunc(s.SeedHashes, func(a, b seedHash) int { return cmp.Compare(a.Seed, b.Seed) })
	s.summariseAvailability()
	s.TraceDigest = fmt.Sprintf("%016x", s.digest)
}

// trimSlowest keeps the slowestSeeds slowest seeds, slowest first (ties by seed).
func (s *summary) trimSlowest() {
	slices.SortFunc(s.Slowest, func(a, b slowSeed) int {
		if c := cmp.Compare(b.WallMs, a.WallMs); c != 0 {
			return c
		}
		return cmp.Compare(a.Seed, b.Seed)
	})
	s.Slowest = s.Slowest[:min(len(s.Slowest), slowestSeeds)]
}
