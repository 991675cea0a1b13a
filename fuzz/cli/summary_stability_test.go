package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
)

// availabilitySummary is a toy campaign's summary over seeds whose stability windows had
// the given availabilities (a negative one: no window).
func availabilitySummary(seeds []uint64, avail []float64) *summary {
	var outs []outcome
	for i, s := range seeds {
		o := outcome{index: i + 1, seed: s, hash: s * 31, events: 10}
		if avail[i] >= 0 {
			o.availability = seedAvailability(&harness.StabilityStats{Probes: 1000,
				Acked: int(avail[i] * 1000)})
		}
		outs = append(outs, o)
	}
	sum := buildSummary("toy-kv", outs, 0)
	sum.finish(0)
	return sum
}

// The summary gives the minimum and median availability over the seeds that had a window,
// in its JSON and its text; seeds without one do not count.
func TestSummaryGivesStabilityAvailability(t *testing.T) {
	sum := availabilitySummary([]uint64{1, 2, 3, 4, 5},
		[]float64{-1, 1, 0.5, 0.75, 0.975})
	require.Equal(t, 4, sum.StabilityWindows)
	require.Equal(t, 0.5, sum.AvailabilityMin)
	require.Equal(t, 0.75, sum.AvailabilityMedian, "the lower middle of four")
	require.Nil(t, sum.SeedHashes[0].Availability)
	require.Equal(t, 0.975, *sum.SeedHashes[4].Availability)
	b, err := json.Marshal(sum)
	require.NoError(t, err)
	require.Contains(t, string(b), `"stability_windows":4,"stability_availability_min":0.5,`+
		`"stability_availability_median":0.75`)
	require.Contains(t, string(b), `{"seed":1,"hash":"000000000000001f"}`,
		"no availability for a seed without a window")
	var text strings.Builder
	sum.print(&text)
	require.Contains(t, text.String(), "stability windows 4, probe writes acknowledged: "+
		"min 50.0%, median 75.0%")

	none := availabilitySummary([]uint64{1}, []float64{-1})
	text.Reset()
	none.print(&text)
	require.NotContains(t, text.String(), "stability windows")
}

// Shards merge to the figures of one campaign over all their seeds; a shard written before
// the figures existed still merges, and its seeds count as having no window.
func TestMergeKeepsStabilityAvailability(t *testing.T) {
	dir := t.TempDir()
	a := writeSummary(t, filepath.Join(dir, "a.json"),
		availabilitySummary([]uint64{1, 3}, []float64{0.25, 1}))
	b := writeSummary(t, filepath.Join(dir, "b.json"),
		availabilitySummary([]uint64{2, 4}, []float64{0.5, -1}))
	old := filepath.Join(dir, "old.json")
	require.NoError(t, os.WriteFile(old, []byte(`{"target": "toy-kv", "seeds": 1,
		"failures_by_class": {}, "trace_digest": "`+
		availabilitySummary([]uint64{9}, []float64{-1}).TraceDigest+`",
		"seed_hashes": [{"seed": 9, "hash": "`+
		availabilitySummary([]uint64{9}, []float64{-1}).SeedHashes[0].Hash+`"}]}`), 0o644))
	code, out, stderr := run(t, "merge", "--json", a, b, old)
	require.Equal(t, 0, code, stderr)
	merged := decodeSummary(t, out)
	require.Equal(t, 5, merged.Seeds)
	require.Equal(t, 3, merged.StabilityWindows)
	require.Equal(t, 0.25, merged.AvailabilityMin)
	require.Equal(t, 0.5, merged.AvailabilityMedian)
}
