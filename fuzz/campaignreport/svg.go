package campaignreport

import (
	"fmt"
	"math"
	"strings"
)

// The plots are inline SVG written here, with no script and no external asset: a report
// opens from a CI artefact, offline, in any browser. Every text that comes from a summary
// (a file name, a failure message) goes through esc.

// Plot geometry, in SVG user units.
const (
	plotW, plotH = 560.0, 300.0
	padLeft      = 64.0
	padRight     = 16.0
	padTop       = 28.0
	padBottom    = 56.0
)

// palette colours the runs and signatures of a plot, in order, then again.
var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#17becf"}

func colour(i int) string { return palette[i%len(palette)] }

// xy is a point of a line.
type xy struct{ X, Y float64 }

// line is one named series of a line chart, in Colour (default: its position's).
type line struct {
	Name   string
	Points []xy
	Colour string
}

// colourOf is l's colour, the i-th of its chart.
func (l line) colourOf(i int) string {
	if l.Colour != "" {
		return l.Colour
	}
	return colour(i)
}

// bar is one bar of a bar chart; Title is its tooltip.
type bar struct {
	Label, Title string
	Value        float64
	Colour       string
}

// frame is the drawing area of one plot and its scales.
type frame struct {
	b                      *strings.Builder
	xMax, yMax             float64
	left, right, top, base float64
}

// newFrame opens an SVG of the standard size with a title and axes scaled to xMax, yMax.
func newFrame(title string, xMax, yMax float64) *frame {
	f := &frame{b: &strings.Builder{}, xMax: xMax, yMax: yMax, left: padLeft,
		right: plotW - padRight, top: padTop, base: plotH - padBottom}
	fmt.Fprintf(f.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" `+
		`viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`, plotW, plotH, plotW, plotH,
		esc(title))
	fmt.Fprintf(f.b, `<title>%s</title>`, esc(title))
	fmt.Fprintf(f.b, `<text x="%.0f" y="18" class="plot-title">%s</text>`, padLeft, esc(title))
	return f
}

func (f *frame) x(v float64) float64 { return f.left + (f.right-f.left)*v/f.xMax }
func (f *frame) y(v float64) float64 { return f.base - (f.base-f.top)*v/f.yMax }

// yAxis draws the y axis with gridlines at nice steps and its label.
func (f *frame) yAxis(label string) {
	for _, v := range ticks(f.yMax) {
		y := f.y(v)
		fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="grid"/>`,
			f.left, y, f.right, y)
		fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="end">%s</text>`,
			f.left-6, y+4, esc(number(v)))
	}
	fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="axis"/>`,
		f.left, f.top, f.left, f.base)
	fmt.Fprintf(f.b, `<text x="14" y="%.1f" class="label" text-anchor="middle" `+
		`transform="rotate(-90 14 %.1f)">%s</text>`, (f.top+f.base)/2, (f.top+f.base)/2,
		esc(label))
}

// xAxis draws the x axis with ticks at nice steps and its label.
func (f *frame) xAxis(label string) {
	fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="axis"/>`,
		f.left, f.base, f.right, f.base)
	for _, v := range ticks(f.xMax) {
		fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>`,
			f.x(v), f.base+16, esc(number(v)))
	}
	fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="label" text-anchor="middle">%s</text>`,
		(f.left+f.right)/2, f.base+34, esc(label))
}

func (f *frame) close() string {
	f.b.WriteString(`</svg>`)
	return f.b.String()
}

// lineChart plots lines against a shared x and y scale, with a legend below.
func lineChart(title, xLabel, yLabel string, lines []line) string {
	xMax, yMax := 0.0, 0.0
	for _, l := range lines {
		for _, p := range l.Points {
			xMax, yMax = max(xMax, p.X), max(yMax, p.Y)
		}
	}
	f := newFrame(title, niceMax(xMax), niceMax(yMax))
	f.yAxis(yLabel)
	f.xAxis(xLabel)
	for i, l := range lines {
		pts := make([]string, len(l.Points))
		for k, p := range l.Points {
			pts[k] = fmt.Sprintf("%.1f,%.1f", f.x(p.X), f.y(p.Y))
		}
		fmt.Fprintf(f.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2">`+
			`<title>%s</title></polyline>`, strings.Join(pts, " "), l.colourOf(i),
			esc(l.Name))
		for _, p := range l.Points {
			fmt.Fprintf(f.b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"/>`, f.x(p.X),
				f.y(p.Y), l.colourOf(i))
		}
	}
	legend(f, lines)
	return f.close()
}

// legend names the lines in their colours, under the x label, as many as fit.
func legend(f *frame, lines []line) {
	x := f.left
	for i, l := range lines {
		name := cut(l.Name, 28)
		w := 14 + 6.5*float64(len([]rune(name)))
		if x+w > plotW {
			break
		}
		fmt.Fprintf(f.b, `<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/>`,
			x, plotH-12, l.colourOf(i))
		fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="tick">%s</text>`, x+14, plotH-3,
			esc(name))
		x += w + 12
	}
}

// barChart draws one vertical bar per entry, labelled below (cut short; the tooltip has
// the whole label) and with its value above.
func barChart(title, yLabel string, bars []bar, format func(float64) string) string {
	yMax := 0.0
	for _, b := range bars {
		yMax = max(yMax, b.Value)
	}
	f := newFrame(title, 1, niceMax(yMax))
	f.yAxis(yLabel)
	fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="axis"/>`,
		f.left, f.base, f.right, f.base)
	slot := (f.right - f.left) / float64(max(len(bars), 1))
	width := min(slot*0.7, 60)
	for i, b := range bars {
		cx := f.left + slot*(float64(i)+0.5)
		top := f.y(b.Value)
		c := b.Colour
		if c == "" {
			c = colour(i)
		}
		fmt.Fprintf(f.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">`+
			`<title>%s</title></rect>`, cx-width/2, top, width, f.base-top, c,
			esc(b.Title+": "+format(b.Value)))
		fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>`,
			cx, top-4, esc(format(b.Value)))
		label := cut(b.Label, max(int(slot/6.5), 3))
		fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="tick" text-anchor="middle">%s</text>`,
			cx, f.base+16, esc(label))
	}
	return f.close()
}

// niceMax rounds v up to a value the axis ticks end on; at least 1.
func niceMax(v float64) float64 {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1
	}
	step := niceStep(v)
	return math.Ceil(v/step) * step
}

// niceStep is a step of 1, 2 or 5 times a power of ten that cuts v into 4 to 10 parts.
func niceStep(v float64) float64 {
	raw := v / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// ticks are the values from 0 to top at nice steps.
func ticks(top float64) []float64 {
	step := niceStep(top)
	var out []float64
	for v := 0.0; v <= top*(1+1e-9) && len(out) < 12; v += step {
		out = append(out, v)
	}
	return out
}

// number renders an axis value compactly: 1500 as 1.5k, 2000000 as 2M.
func number(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return trim(fmt.Sprintf("%.1f", v/1e6)) + "M"
	case a >= 1e3:
		return trim(fmt.Sprintf("%.1f", v/1e3)) + "k"
	case a >= 100 || a == math.Trunc(a):
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return trim(fmt.Sprintf("%.1f", v))
	}
	return trim(fmt.Sprintf("%.2f", v))
}

func trim(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// cut shortens s to at most n runes, marking the cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:max(n-1, 1)]) + "…"
}
