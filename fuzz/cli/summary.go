package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// failureRecord is one failure of a campaign as the summary and --json report it.
type failureRecord struct {
	Seed           uint64 `json:"seed"`
	Class          string `json:"class"`
	Message        string `json:"message"`
	Scenario       string `json:"scenario,omitempty"`
	HTML           string `json:"html,omitempty"`
	Report         string `json:"report,omitempty"`
	Repro          string `json:"repro"`
	ReplayRepro    string `json:"replay,omitempty"`
	Ops            int    `json:"ops"`
	Faults         int    `json:"faults"`
	OriginalOps    int    `json:"original_ops"`
	OriginalFaults int    `json:"original_faults"`
	ShrinkRuns     int    `json:"shrink_runs"`
	Note           string `json:"note,omitempty"`
	// FoundAfterSeeds is the seed's position in the campaign (1-based, this shard) and
	// FoundAfterSeconds the wall time from the campaign's start to its detection, before
	// shrinking.
	FoundAfterSeeds   int     `json:"found_after_seeds"`
	FoundAfterSeconds float64 `json:"found_after_seconds"`
}

// summary is the end-of-campaign report; its JSON form is the --json output.
type summary struct {
	Target      string           `json:"target"`
	Seeds       int              `json:"seeds"`
	FailedSeeds int              `json:"failed_seeds"`
	ByClass     map[string]int   `json:"failures_by_class"`
	Errors      int              `json:"errors"`
	Events      uint64           `json:"events"`
	SimSeconds  float64          `json:"sim_seconds"`
	WallSeconds float64          `json:"wall_seconds"`
	Compression float64          `json:"compression"`
	Failures    []*failureRecord `json:"failures"`
	ErrorList   []string         `json:"error_list,omitempty"`
	// TraceDigest combines every seed's trace hash, independent of the order seeds finished
	// in: two campaigns over the same seeds agree on it exactly when every run did.
	TraceDigest string `json:"trace_digest"`
	// SeedHashes lists each seed's trace hash, by seed.
	SeedHashes []seedHash `json:"seed_hashes"`
	sim        time.Duration
	digest     uint64
}

// seedHash is one seed's trace hash in the JSON summary.
type seedHash struct {
	Seed uint64 `json:"seed"`
	Hash string `json:"hash"`
}

// mixSeedHash spreads (seed, hash) over 64 bits so that the digest, a sum, does not cancel
// out when two seeds swap hashes (splitmix64's finaliser).
func mixSeedHash(seed, hash uint64) uint64 {
	x := seed*0x9e3779b97f4a7c15 ^ hash
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func newSummary() *summary {
	return &summary{ByClass: map[string]int{}, Failures: []*failureRecord{}, SeedHashes: []seedHash{}}
}

func (s *summary) add(o outcome) {
	s.Seeds++
	if o.err == nil {
		s.digest += mixSeedHash(o.seed, o.hash)
		s.SeedHashes = append(s.SeedHashes, seedHash{Seed: o.seed,
			Hash: fmt.Sprintf("%016x", o.hash)})
	}
	s.Events += o.events
	s.sim += o.sim
	switch {
	case o.err != nil:
		s.Errors++
		s.ErrorList = append(s.ErrorList, o.err.Error())
	case o.failure != nil:
		s.FailedSeeds++
		s.ByClass[o.failure.Class]++
		s.Failures = append(s.Failures, o.failure)
	}
}

// finish fixes the wall time and sorts failures by seed, so the report does not depend on
// which worker finished first.
func (s *summary) finish(wall time.Duration) {
	s.WallSeconds = wall.Seconds()
	s.SimSeconds = s.sim.Seconds()
	if s.WallSeconds > 0 {
		s.Compression = s.SimSeconds / s.WallSeconds
	}
	slices.SortFunc(s.Failures, func(a, b *failureRecord) int {
		return cmp.Compare(a.Seed, b.Seed)
	})
	slices.Sort(s.ErrorList)
	slices.SortFunc(s.SeedHashes, func(a, b seedHash) int { return cmp.Compare(a.Seed, b.Seed) })
	s.TraceDigest = fmt.Sprintf("%016x", s.digest)
}

func (s *summary) print(w io.Writer) {
	for _, f := range s.Failures {
		fmt.Fprintf(w, "FAIL seed %d (%s): %s\n", f.Seed, f.Class, f.Message)
		if f.ShrinkRuns > 0 {
			fmt.Fprintf(w, "  shrunk from %d ops, %d faults to %d ops, %d faults in %d runs\n",
				f.OriginalOps, f.OriginalFaults, f.Ops, f.Faults, f.ShrinkRuns)
		}
		if f.Report != "" {
			fmt.Fprintf(w, "  report %s\n  view   %s\n", f.Report, f.HTML)
		}
		if f.Note != "" {
			fmt.Fprintf(w, "  note   %s\n", f.Note)
		}
		fmt.Fprintf(w, "  repro  %s\n", f.Repro)
		if f.ReplayRepro != "" {
			fmt.Fprintf(w, "  replay %s\n", f.ReplayRepro)
		}
	}
	for _, e := range s.ErrorList {
		fmt.Fprintf(w, "ERROR %s\n", e)
	}
	fmt.Fprintf(w, "seeds %d, failed %d%s, errors %d\n", s.Seeds, s.FailedSeeds,
		s.classes(), s.Errors)
	fmt.Fprintf(w, "events %d, simulated %.1fs, wall %.1fs, compression %.0fx real time\n",
		s.Events, s.SimSeconds, s.WallSeconds, s.Compression)
	fmt.Fprintf(w, "target %s, trace digest %s\n", s.Target, s.TraceDigest)
}

func (s *summary) classes() string {
	if len(s.ByClass) == 0 {
		return ""
	}
	keys := make([]string, 0, len(s.ByClass))
	for k := range s.ByClass {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, s.ByClass[k])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
