package campaignreport

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// writeThroughput plots seeds/s and events/s per run, and seeds/s along each guided run.
func writeThroughput(b *strings.Builder, runs []Run) {
	b.WriteString("<h2>Throughput</h2>\n<div class=\"plots\">")
	seeds := make([]bar, len(runs))
	events := make([]bar, len(runs))
	for i, r := range runs {
		seeds[i] = bar{Label: r.Name, Title: r.Name, Value: rate(float64(r.Seeds),
			r.WallSeconds)}
		events[i] = bar{Label: r.Name, Title: r.Name, Value: rate(float64(r.Events),
			r.WallSeconds)}
	}
	b.WriteString(barChart("seeds per second, by run", "seeds/s", seeds, number))
	b.WriteString(barChart("events per second, by run", "events/s", events, number))
	var lines []line
	for i, r := range runs {
		var pts []xy
		for k := 1; k < len(r.Series); k++ {
			p, q := r.Series[k-1], r.Series[k]
			if dt := q.WallSeconds - p.WallSeconds; dt > 0 && q.Seeds > p.Seeds {
				pts = append(pts, xy{float64(q.Seeds), float64(q.Seeds-p.Seeds) / dt})
			}
		}
		if len(pts) > 0 {
			lines = append(lines, line{Name: r.Name, Points: pts, Colour: colour(i)})
		}
	}
	if len(lines) > 0 {
		b.WriteString(lineChart("seeds per second along the run", "seeds", "seeds/s", lines))
	}
	b.WriteString("</div>\n")
}

// writeCoverage plots the corpus's features and scenarios against seeds, one line per
// guided run.
func writeCoverage(b *strings.Builder, runs []Run) {
	b.WriteString("<h2>Corpus</h2>\n")
	var feats, scens []line
	for i, r := range runs {
		if len(r.Series) == 0 {
			continue
		}
		f := line{Name: r.Name, Colour: colour(i)}
		s := line{Name: r.Name, Colour: colour(i)}
		for _, p := range r.Series {
			f.Points = append(f.Points, xy{float64(p.Seeds), float64(p.Features)})
			s.Points = append(s.Points, xy{float64(p.Seeds), float64(p.Scenarios)})
		}
		feats, scens = append(feats, f), append(scens, s)
	}
	if len(feats) == 0 {
		b.WriteString("<p class=\"note\">No run recorded its corpus (unguided runs, or " +
			"summaries written before the series existed).</p>\n")
		return
	}
	b.WriteString("<p class=\"note\">A run that loaded a kept corpus (--corpus) starts " +
		"at seed 0 with its features.</p>\n<div class=\"plots\">")
	b.WriteString(lineChart("features reached, against seeds", "seeds", "features", feats))
	b.WriteString(lineChart("corpus scenarios, against seeds", "seeds", "scenarios", scens))
	b.WriteString("</div>\n")
}

// sigRow is one signature across the runs.
type sigRow struct {
	Signature
	counts []int
	total  int
	run    string // the run of the first seed shown
}

// signatureRows groups the runs' signatures by class and message, in the order they
// first appear.
func signatureRows(runs []Run) []*sigRow {
	var rows []*sigRow
	by := map[string]*sigRow{}
	for i, r := range runs {
		for _, s := range r.Signatures {
			key := s.Class + ": " + s.Message
			row := by[key]
			if row == nil {
				row = &sigRow{Signature: s, counts: make([]int, len(runs)), run: r.Name}
				by[key] = row
				rows = append(rows, row)
			}
			row.counts[i] += s.Count
			row.total += s.Count
			row.Known = row.Known || s.Known
		}
	}
	return rows
}

// writeSignatures writes the failing seeds by signature and run: a bar per signature and
// a table of counts.
func writeSignatures(b *strings.Builder, runs []Run) {
	b.WriteString("<h2>Failures by signature</h2>\n")
	rows := signatureRows(runs)
	if len(rows) == 0 {
		b.WriteString("<p class=\"note\">No run failed.</p>\n")
		return
	}
	bars := make([]bar, len(rows))
	for i, r := range rows {
		bars[i] = bar{Label: fmt.Sprintf("S%d", i+1), Title: r.Class + ": " + r.Message,
			Value: float64(r.total)}
	}
	b.WriteString(barChart("failing seeds by signature, all runs", "failing seeds", bars,
		number))
	b.WriteString("<table><tr><th class=\"text\">id</th><th class=\"text\">signature</th>")
	for _, r := range runs {
		fmt.Fprintf(b, "<th>%s</th>", esc(cut(r.Name, 24)))
	}
	b.WriteString("<th>total</th><th class=\"text\">first seed, shrunk scenario</th></tr>\n")
	for i, r := range rows {
		known := ""
		if r.Known {
			known = " <span class=\"known\">(known)</span>"
		}
		fmt.Fprintf(b, "<tr><td class=\"text\"><span class=\"swatch\" style=\"background:"+
			"%s\"></span>S%d</td><td class=\"msg\">%s: %s%s</td>", colour(i), i+1,
			esc(r.Class), esc(r.Message), known)
		for _, n := range r.counts {
			fmt.Fprintf(b, "<td>%d</td>", n)
		}
		fmt.Fprintf(b, "<td>%d</td><td class=\"text\">seed %d of %s<br/>%s</td></tr>\n",
			r.total, r.FirstSeed, esc(r.run), esc(r.Scenario))
	}
	b.WriteString("</table>\n")
}

// availabilityBins are the histogram's bins: tenths of [0, 1), then exactly 1.
var availabilityBins = []string{"0-9%", "10-19", "20-29", "30-39", "40-49", "50-59",
	"60-69", "70-79", "80-89", "90-99", "100%"}

// writeAvailability plots how the seeds with a stability window spread over availability.
func writeAvailability(b *strings.Builder, runs []Run) {
	b.WriteString("<h2>Stability window availability</h2>\n")
	counts := make([]float64, len(availabilityBins))
	n := 0
	for _, r := range runs {
		for _, a := range r.Availability {
			i := min(max(int(a*10), 0), 9)
			if a >= 1 {
				i = 10
			}
			counts[i]++
			n++
		}
	}
	if n == 0 {
		b.WriteString("<p class=\"note\">No seed reached a stability window.</p>\n")
		return
	}
	bars := make([]bar, len(counts))
	for i, c := range counts {
		bars[i] = bar{Label: availabilityBins[i], Title: "availability " +
			availabilityBins[i], Value: c, Colour: colour(0)}
	}
	all := make([]float64, 0, n)
	for _, r := range runs {
		all = append(all, r.Availability...)
	}
	slices.Sort(all)
	fmt.Fprintf(b, "<p class=\"note\">%d seeds reached a stability window; the share of "+
		"their probe writes acknowledged: min %.1f%%, median %.1f%%.</p>\n", n, 100*all[0],
		100*all[(n-1)/2])
	b.WriteString(barChart("seeds by probe availability", "seeds", bars, number))
}

// writeSlowest lists the slowest seeds of all runs, slowest first.
func writeSlowest(b *strings.Builder, runs []Run) {
	b.WriteString("<h2>Slowest seeds</h2>\n")
	var all []SlowSeed
	for i, r := range runs {
		for _, s := range r.Slowest {
			s.runName, s.runPosition = r.Name, i
			all = append(all, s)
		}
	}
	if len(all) == 0 {
		b.WriteString("<p class=\"note\">No summary lists its slowest seeds.</p>\n")
		return
	}
	slices.SortStableFunc(all, func(a, b SlowSeed) int { return cmp.Compare(b.WallMs, a.WallMs) })
	all = all[:min(len(all), 15)]
	bars := make([]bar, len(all))
	for i, s := range all {
		bars[i] = bar{Label: fmt.Sprint(s.Seed), Title: fmt.Sprintf("seed %d of %s",
			s.Seed, s.runName), Value: s.WallMs, Colour: colour(s.runPosition)}
	}
	b.WriteString("<p class=\"note\">Each bar is coloured as its run is in the " +
		"throughput plots.</p>\n<div class=\"plots\">")
	b.WriteString(barChart("wall time of the slowest seeds", "ms", bars, number))
	b.WriteString("<table><tr><th class=\"text\">run</th><th>seed</th><th>wall ms</th>" +
		"<th>events</th><th>simulated s</th></tr>\n")
	for _, s := range all {
		fmt.Fprintf(b, "<tr><td class=\"text\">%s</td><td>%d</td><td>%.1f</td><td>%d</td>"+
			"<td>%.1f</td></tr>\n", esc(s.runName), s.Seed, s.WallMs, s.Events, s.SimSeconds)
	}
	b.WriteString("</table></div>\n")
}
