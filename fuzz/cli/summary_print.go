package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/harness/sim"
)

// print writes the summary for a person: every failure with its files and repro lines,
// every seed that could not run, then the totals and what the totals leave out.
func (s *summary) print(w io.Writer) {
	s.printFailures(w)
	for _, e := range s.ErrorList {
		fmt.Fprintf(w, "ERROR %s\n", e)
	}
	if s.Interrupted {
		fmt.Fprintf(w, "INTERRUPTED: the campaign was stopped by a signal; the totals cover "+
			"the %d seeds that finished\n", s.Seeds)
	}
	if len(s.Abandoned) > 0 {
		fmt.Fprintf(w, "ABANDONED: %d running seeds were not waited for: %s\n",
			len(s.Abandoned), seedList(s.Abandoned))
	}
	if p := s.PastLimit; p != nil {
		failing := "none of them failing"
		if len(p.FailedSeeds) > 0 {
			failing = fmt.Sprintf("%d of them failing (%s)",
				len(p.FailedSeeds), seedList(p.FailedSeeds))
		}
		fmt.Fprintf(w, "--max-failures %d reached: no seed was handed out after it; %s "+
			"already running then finished past the limit, %s; the totals below leave "+
			"them out\n", p.MaxFailures, plural(p.Seeds, "seed"), failing)
	}
	if s.Shards > 0 {
		fmt.Fprintf(w, "merged %d shard summaries", s.Shards)
		if s.OneProcess != nil {
			fmt.Fprintf(w, ": %s", s.OneProcess.Reason)
		}
		fmt.Fprintln(w)
	}
	s.printSignatures(w)
	fmt.Fprintf(w, "seeds %d, failed %d%s, errors %d\n", s.Seeds, s.FailedSeeds,
		s.classes(), s.Errors)
	fmt.Fprintf(w, "operations %d, %d of them never started before the safety phase "+
		"ended\n", s.Ops, s.OpsNotStarted)
	fmt.Fprintf(w, "events %d, simulated %.1fs, wall %.1fs, compression %.0fx real time\n",
		s.Events, s.SimSeconds, s.WallSeconds, s.Compression)
	if s.StabilityWindows > 0 {
		fmt.Fprintf(w, "stability windows %d, probe writes acknowledged: min %.1f%%, "+
			"median %.1f%%\n", s.StabilityWindows, 100*s.AvailabilityMin,
			100*s.AvailabilityMedian)
	}
	variant := ""
	if s.Variant != "" {
		variant = ", variant " + s.Variant
	}
	fmt.Fprintf(w, "target %s%s, trace digest %s\n", s.Target, variant, s.TraceDigest)
	if s.CorpusDir != "" {
		fmt.Fprintf(w, "corpus %s: %d scenarios loaded, %d skipped, %d saved\n",
			s.CorpusDir, s.CorpusLoaded, s.CorpusSkipped, s.CorpusSaved)
	}
	if c := s.Coverage; c != nil {
		fmt.Fprintf(w, "guided: corpus of %d scenarios, %d features; ", c.Scenarios,
			c.Features)
		if len(c.Events) == 0 {
			fmt.Fprintln(w, "no run reported an event (the target implements no "+
				"nodeapi.Reporter, or none of its runs reached one)")
		} else {
			fmt.Fprint(w, "runs per event:")
			for _, e := range sim.EventNames(c.Events) {
				fmt.Fprintf(w, " %s %d", e, c.Events[e])
			}
			fmt.Fprintln(w)
		}
	}
}

func printFailure(w io.Writer, f *failureRecord) {
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

// seedList renders seeds for a line of text, eliding a long list.
func seedList(seeds []uint64) string {
	const most = 20
	if len(seeds) == 0 {
		return "none"
	}
	parts := make([]string, 0, min(len(seeds), most))
	for _, s := range seeds[:min(len(seeds), most)] {
		parts = append(parts, fmt.Sprint(s))
	}
	text := "seeds " + strings.Join(parts, ", ")
	if len(seeds) > most {
		text += fmt.Sprintf(" and %d more", len(seeds)-most)
	}
	return text
}

// plural is "1 seed", "2 seeds".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
