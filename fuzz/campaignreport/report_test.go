package campaignreport

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// hostile is user text as a summary may carry it: a file name or a failure message.
const hostile = `<script>alert("x")</script> & 'q' <b>`

func sampleRuns() []Run {
	a1, a2 := 1.0, 0.85
	return []Run{{
		Name: "night-" + hostile + ".json", Target: "raft-kv", Seeds: 3000, FailedSeeds: 7,
		KnownFailedSeeds: 5, Events: 4_000_000, WallSeconds: 4, Guided: true,
		CorpusLoaded: 110, CorpusSaved: 15, Scenarios: 80, Features: 239,
		Series: []Point{{Seeds: 0, Scenarios: 70, Features: 220},
			{Seeds: 256, Scenarios: 72, Features: 225, WallSeconds: 0.4},
			{Seeds: 512, Scenarios: 75, Features: 230, WallSeconds: 0.8}},
		Signatures: []Signature{
			{Class: "invariant", Message: hostile, Count: 5, FirstSeed: 9, Known: true},
			{Class: "liveness", Message: "the probe write timed out", Count: 2, FirstSeed: 12}},
		Availability: []float64{a1, a2, a1},
		Slowest:      []SlowSeed{{Seed: 3, WallMs: 180, Events: 2000, SimSeconds: 11}},
		OneProcess:   "not equal to one process, because " + hostile,
		TraceDigest:  "0cfe952818fe3dce",
	}, {
		Name: "unguided.json", Target: "lock-service", Seeds: 100, WallSeconds: 1,
	}}
}

// element counts the elements of the page by name, and collects its text.
type page struct {
	elements map[string]int
	text     strings.Builder
}

// parse reads the page as XML, strictly: every element closed, every entity known.
func parse(t *testing.T, data []byte) *page {
	t.Helper()
	p := &page{elements: map[string]int{}}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "the page must be well-formed")
		switch x := tok.(type) {
		case xml.StartElement:
			p.elements[x.Name.Local]++
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			p.text.Write(x)
		}
	}
	require.Zero(t, depth)
	return p
}

func TestReportIsWellFormedWithPlotsAndEscapesUserText(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, "nightly "+hostile, sampleRuns()))
	p := parse(t, b.Bytes())
	// Runs' seeds/s and events/s, seeds/s along the run, features and scenarios against
	// seeds, signatures, availability, slowest seeds.
	require.Equal(t, 8, p.elements["svg"], "one SVG per plot")
	require.Positive(t, p.elements["polyline"])
	require.Positive(t, p.elements["rect"])
	require.Zero(t, p.elements["script"], "user text must not become markup")
	require.Equal(t, 0, p.elements["b"])
	text := p.text.String()
	require.Contains(t, text, hostile, "the text survives, escaped")
	require.Contains(t, text, "(known)")
	require.Contains(t, text, "min 85.0%, median 100.0%")
	html := b.String()
	require.NotContains(t, html, "<script")
	require.NotContains(t, html, "http-equiv")
	require.NotContains(t, html, ` src="`, "no external asset")
	require.NotContains(t, html, ` href="`, "no external asset")
}

func TestReportOfRunsWithoutCorpusOrFailures(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Write(&b, "t", sampleRuns()[1:]))
	p := parse(t, b.Bytes())
	require.Equal(t, 2, p.elements["svg"], "throughput only")
	text := p.text.String()
	require.Contains(t, text, "No run recorded its corpus")
	require.Contains(t, text, "No run failed.")
	require.Contains(t, text, "No seed reached a stability window.")
}

func TestNiceScales(t *testing.T) {
	require.Equal(t, 1.0, niceMax(0))
	require.Equal(t, 250.0, niceMax(239))
	require.Equal(t, 1000.0, niceMax(807))
	require.Equal(t, []float64{0, 50, 100, 150, 200, 250}, ticks(250))
	require.Equal(t, "1.5k", number(1500))
	require.Equal(t, "2M", number(2e6))
	require.Equal(t, "807", number(806.7))
	require.Equal(t, "ab…", cut("abcdef", 3))
}

// A run keeps its colour in every plot, even where runs before it have no line.
func TestARunKeepsItsColour(t *testing.T) {
	runs := sampleRuns()
	runs[0], runs[1] = runs[1], runs[0] // the unguided run first: no line of its own
	var b bytes.Buffer
	require.NoError(t, Write(&b, "t", runs))
	require.Contains(t, b.String(), `stroke="`+colour(1)+`"`)
	require.NotContains(t, b.String(), `stroke="`+colour(0)+`"`)
}
