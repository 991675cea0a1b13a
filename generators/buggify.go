package generators

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// drawBuggify chooses the buggify sites active in one scenario, swarm-style: first whether
// the run uses buggify at all and how densely, then an independent coin per site, so that
// some runs turn one site on and others many. Half the runs use none, as FoundationDB
// enables BUGGIFY in some runs only: bugs that need the protocol's plain timing (Figure 8's
// schedule, say) are drawn as often as without sites. With every run buggified, the
// guided campaign did not find raft mutant 01 in 239,404 seeds; with half, at 7,811.
// Everything shrinks to "off": a shrunk scenario keeps only the sites its failure needs. A
// target without sites draws nothing, so its scenarios are the same as before sites.
func drawBuggify(t *rapid.T, sites []string) []string {
	if len(sites) == 0 {
		return nil
	}
	density := intRange(0, 3).Draw(t, "buggify.density") // 0, 1: off; 2, 3: 1/2, 1/4
	if density < 2 {
		return nil
	}
	sides := 1 << (density - 1)
	var on []string
	for _, site := range sites {
		if intRange(0, sides-1).Draw(t, "buggify."+site) == sides-1 {
			on = append(on, site)
		}
	}
	return on
}

// mutateBuggify turns one of the target's sites on or off, for guided campaigns.
func mutateBuggify(s *scenario.Scenario, rng *rand.Rand, sites []string) {
	site := sites[rng.IntN(len(sites))]
	if i := slices.Index(s.Buggify, site); i >= 0 {
		s.Buggify = slices.Delete(s.Buggify, i, i+1)
		return
	}
	if len(s.Buggify) < scenario.MaxBuggifySites {
		s.Buggify = append(s.Buggify, site)
	}
}

// validateBuggifySites refuses an empty or repeated site name.
func validateBuggifySites(sites []string) error {
	for i, site := range sites {
		switch {
		case site == "":
			return fmt.Errorf("generators: BuggifySites[%d] is empty", i)
		case slices.Contains(sites[:i], site):
			return fmt.Errorf("generators: BuggifySites lists %q twice", site)
		}
	}
	return nil
}
