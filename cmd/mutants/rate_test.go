package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRateCountsOnlyTheMutantsOwnFailures(t *testing.T) {
	var sum rateSummary
	require.NoError(t, json.Unmarshal([]byte(`{"seeds": 2000, "failures": [
		{"seed": 9, "class": "liveness", "found_after_seeds": 9},
		{"seed": 40, "class": "invariant", "found_after_seeds": 40},
		{"seed": 700, "class": "linearizability", "found_after_seeds": 700}]}`), &sum))
	r := countAttributed(rateRow{name: "x"}, sum, map[uint64]bool{9: true})
	require.Equal(t, 3, r.failed)
	require.Equal(t, 2, r.attributed, "seed 9 fails without the mutant too")
	require.Equal(t, 40, r.first)
	require.Equal(t, "invariant", r.class)
	require.InDelta(t, 100.0, r.per100k(), 1e-9)

	none := countAttributed(rateRow{name: "y"}, sum, map[uint64]bool{9: true, 40: true,
		700: true})
	require.Zero(t, none.attributed)
	require.Zero(t, none.first)
	var b strings.Builder
	printRates(&b, []rateRow{r, none}, 2000)
	require.Contains(t, b.String(), "x")
	require.Contains(t, b.String(), "100")
}
