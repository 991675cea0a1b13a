package cli

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/simfuzz/simfuzz/fuzz/campaignreport"
	"github.com/simfuzz/simfuzz/harness/report"
)

const reportUsage = `usage: simfuzz report [flags] SUMMARY.json...

Writes the HTML report of one or more campaigns from their --json summaries (simfuzz run
--json or --summary, shards or merged, one night after another): seeds/s and events/s, the
corpus's features and scenarios against seeds, failures by signature across the runs, the
stability window's availability, the slowest seeds. The page is one file with its plots
inline (SVG, no script, no external asset). A SUMMARY with * or ? that names no file is
expanded as a pattern. Each summary is checked as merge checks it.

Exit codes: 0 written, 2 a summary that cannot be read or an output that cannot be written.

flags:
`

const defaultReport = "simfuzz-out/report.html"

func (a *app) cmdReport(args []string) error {
	fs := a.newFlags("report", reportUsage)
	out := fs.String("out", defaultReport, "the HTML file to write")
	title := fs.String("title", "simfuzz campaign report", "the page's title")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("report needs one or more --json summaries")
	}
	paths, err := expandPatterns(fs.Args())
	if err != nil {
		return err
	}
	if err := checkWritableFile(*out); err != nil {
		return fmt.Errorf("--out %s: %w", *out, err)
	}
	runs := make([]campaignreport.Run, len(paths))
	for i, p := range paths {
		s, err := readSummary(p)
		if err != nil {
			return err
		}
		runs[i] = reportRun(filepath.Base(p), s)
	}
	var b bytes.Buffer
	if err := campaignreport.Write(&b, *title, runs); err != nil {
		return err
	}
	if err := report.WriteFileAtomic(*out, b.Bytes()); err != nil {
		return fmt.Errorf("--out %s: %w", *out, cannotWrite(err))
	}
	fmt.Fprintf(a.stdout, "report of %d summaries: %s\n", len(runs), *out)
	return nil
}

// reportRun is what the report takes of summary s, read from a file called name.
func reportRun(name string, s *summary) campaignreport.Run {
	r := campaignreport.Run{Name: name, Target: s.Target, Variant: s.Variant,
		Seeds: s.Seeds, FailedSeeds: s.FailedSeeds, KnownFailedSeeds: s.KnownFailedSeeds,
		Errors: s.Errors, Events: s.Events, WallSeconds: s.WallSeconds,
		SimSeconds: s.SimSeconds, Shards: s.Shards, TraceDigest: s.TraceDigest,
		Guided: s.isGuided(), CorpusLoaded: s.CorpusLoaded, CorpusSaved: s.CorpusSaved}
	if s.OneProcess != nil {
		r.OneProcess = s.OneProcess.Reason
	}
	if c := s.Coverage; c != nil {
		r.Scenarios, r.Features = c.Scenarios, c.Features
		for _, p := range c.Series {
			r.Series = append(r.Series, campaignreport.Point{Seeds: p.Seeds,
				Scenarios: p.Scenarios, Features: p.Features, Events: p.Events,
				WallSeconds: p.WallSeconds})
		}
	}
	for _, g := range s.Signatures {
		r.Signatures = append(r.Signatures, campaignreport.Signature{Class: g.Class,
			Message: g.Message, Count: g.Count, FirstSeed: g.FirstSeed, Seeds: g.Seeds,
			Scenario: g.Scenario, Known: g.Known})
	}
	for _, h := range s.SeedHashes {
		if h.Availability != nil {
			r.Availability = append(r.Availability, *h.Availability)
		}
	}
	for _, x := range s.Slowest {
		r.Slowest = append(r.Slowest, campaignreport.SlowSeed{Seed: x.Seed,
			WallMs: x.WallMs, Events: x.Events, SimSeconds: x.SimSeconds})
	}
	return r
}
