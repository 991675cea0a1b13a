// Package campaignreport writes the HTML report of one or more fuzzing campaigns (the
// summaries of `simfuzz run`, shards or merged, one night after another): throughput, how
// the guided corpus grew, failures by signature across the runs, the stability window's
// availability, the slowest seeds. The page is one self-contained file: inline SVG drawn
// by this package, inline CSS, no script, no external asset. It is well-formed XML, so
// that a test (or any XML tool) can read it back, and every text taken from a summary is
// escaped.
package campaignreport

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// Run is one campaign summary, as the report needs it.
type Run struct {
	// Name names the run in the report: its summary file's name.
	Name                    string
	Target, Variant         string
	Seeds, FailedSeeds      int
	KnownFailedSeeds        int
	Errors                  int
	Events                  uint64
	WallSeconds, SimSeconds float64
	// Shards is the number of shard summaries merged into this one, 0 if not merged;
	// OneProcess then says whether it equals one process, and why.
	Shards     int
	OneProcess string
	// TraceDigest is the campaign's trace digest.
	TraceDigest string
	// Guided runs have a corpus: Scenarios and Features at the end, Series as it grew.
	Guided                    bool
	CorpusLoaded, CorpusSaved int
	Scenarios, Features       int
	Series                    []Point
	Signatures                []Signature
	// Availability holds the stability-window probe availability (0..1) of every seed
	// that had a window.
	Availability []float64
	Slowest      []SlowSeed
}

// Point is the corpus after the first Seeds seeds of a run, with the events those seeds
// ran and the wall time they took.
type Point struct {
	Seeds, Scenarios, Features int
	Events                     uint64
	WallSeconds                float64
}

// Signature is one failure signature of a run: class, normalised message, how many
// failing seeds, the first few of them, the first seed's shrunk scenario, and whether
// --known listed it.
type Signature struct {
	Class, Message string
	Count          int
	FirstSeed      uint64
	Seeds          []uint64
	Scenario       string
	Known          bool
}

// SlowSeed is one of the slowest seeds of a run.
type SlowSeed struct {
	Seed        uint64
	WallMs      float64
	Events      uint64
	SimSeconds  float64
	runName     string
	runPosition int
}

// Write writes the report of runs, titled title, to w.
func Write(w io.Writer, title string, runs []Run) error {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
	fmt.Fprintf(&b, "<title>%s</title><style>%s</style></head><body>\n", esc(title), css)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", esc(title))
	writeRuns(&b, runs)
	writeThroughput(&b, runs)
	writeCoverage(&b, runs)
	writeSignatures(&b, runs)
	writeAvailability(&b, runs)
	writeSlowest(&b, runs)
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

const css = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1180px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;
text-align:right;vertical-align:top}th{background:#f4f4f4}td.text,th.text{text-align:left}
td.msg{text-align:left;font-family:ui-monospace,monospace;font-size:12px;max-width:560px;
word-break:break-word}.plots{display:flex;flex-wrap:wrap;gap:12px}
svg{background:#fff;border:1px solid #e4e4e4}.grid{stroke:#eee}.axis{stroke:#888}
.tick{font-size:11px;fill:#444}.label{font-size:12px;fill:#222}
.plot-title{font-size:13px;font-weight:600;fill:#222}.note{color:#666}
.known{color:#777}.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}`

// writeRuns writes the table of runs: one row per summary.
func writeRuns(b *strings.Builder, runs []Run) {
	b.WriteString("<h2>Runs</h2>\n<table><tr><th class=\"text\">run</th>" +
		"<th class=\"text\">target</th><th>seeds</th><th>failed</th><th>known</th>" +
		"<th>errors</th><th>wall s</th><th>seeds/s</th><th>events/s</th>" +
		"<th>corpus loaded</th><th>saved</th><th>features</th>" +
		"<th class=\"text\">trace digest</th></tr>\n")
	for _, r := range runs {
		target := r.Target
		if r.Variant != "" {
			target += " (" + r.Variant + ")"
		}
		if r.Shards > 0 {
			target += fmt.Sprintf(", %d shards", r.Shards)
		}
		fmt.Fprintf(b, "<tr><td class=\"text\">%s</td><td class=\"text\">%s</td>"+
			"<td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%.1f</td><td>%.0f</td>"+
			"<td>%s</td><td>%d</td><td>%d</td><td>%s</td><td class=\"text\">%s</td></tr>\n",
			esc(r.Name), esc(target), r.Seeds, r.FailedSeeds, r.KnownFailedSeeds, r.Errors,
			r.WallSeconds, rate(float64(r.Seeds), r.WallSeconds),
			esc(number(rate(float64(r.Events), r.WallSeconds))), r.CorpusLoaded,
			r.CorpusSaved, features(r), esc(r.TraceDigest))
	}
	b.WriteString("</table>\n")
	for _, r := range runs {
		if r.OneProcess != "" {
			fmt.Fprintf(b, "<p class=\"note\">%s: %s</p>\n", esc(r.Name), esc(r.OneProcess))
		}
	}
}

// features is a run's final feature count, or "-" for an unguided run.
func features(r Run) string {
	if !r.Guided {
		return "-"
	}
	return fmt.Sprint(r.Features)
}

// rate is n per second of wall, 0 without wall time.
func rate(n, wall float64) float64 {
	if wall <= 0 {
		return 0
	}
	return n / wall
}

// esc escapes text for HTML and XML, quotes included.
func esc(s string) string { return html.EscapeString(s) }
