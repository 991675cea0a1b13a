package cli

import (
	"math"
	"slices"

	"github.com/simfuzz/simfuzz/harness"
)

// seedAvailability is the share of a seed's stability-window probe writes that were
// acknowledged, rounded to four decimals for the JSON summary, or nil without a window.
func seedAvailability(st *harness.StabilityStats) *float64 {
	if st == nil {
		return nil
	}
	a := math.Round(st.Availability()*1e4) / 1e4
	return &a
}

// summariseAvailability sets the stability-window figures from the seeds' own, so that a
// merged summary gets them exactly as one campaign over all its seeds would. The median
// of an even count is the lower middle value: always a seed's own figure.
func (s *summary) summariseAvailability() {
	var as []float64
	for _, h := range s.SeedHashes {
		if h.Availability != nil {
			as = append(as, *h.Availability)
		}
	}
	s.StabilityWindows, s.AvailabilityMin, s.AvailabilityMedian = len(as), 0, 0
	if len(as) == 0 {
		return
	}
	slices.Sort(as)
	s.AvailabilityMin, s.AvailabilityMedian = as[0], as[(len(as)-1)/2]
}
