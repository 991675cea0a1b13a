package generators_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/generators"
)

// Sites are drawn swarm-style: some scenarios none, some one, some many, only known ones;
// the rest of the scenario is what it is without sites.
func TestBuggifySitesAreDrawnSwarmStyle(t *testing.T) {
	sites := []string{"s.a", "s.b", "s.c", "s.d"}
	o := generators.Default()
	o.BuggifySites = sites
	gen, plain := generators.Scenario(o), generators.Scenario(generators.Default())
	counts := map[int]int{}
	for i := range 300 {
		s := gen.Example(i)
		counts[len(s.Buggify)]++
		for _, site := range s.Buggify {
			require.Contains(t, sites, site)
		}
		require.NoError(t, s.Validate())
		require.NoError(t, s.CheckBuggifySites(sites))
		p := plain.Example(i)
		require.Empty(t, p.Buggify)
		s.Buggify = nil
		require.Equal(t, encodeScenario(t, p), encodeScenario(t, s),
			"drawing sites comes last: the rest of the scenario is unchanged")
	}
	require.Greater(t, counts[0], 120, "about half the scenarios run without buggify")
	require.Less(t, counts[0], 200)
	require.Greater(t, counts[1], 20)
	require.Greater(t, counts[3]+counts[4], 5)
}

func TestMutateTurnsBuggifySitesOnAndOff(t *testing.T) {
	o := generators.Default()
	o.BuggifySites = []string{"s.a", "s.b"}
	gen := generators.Scenario(o)
	added, removed := false, false
	for i := range 400 {
		parent := gen.Example(i)
		child := generators.Mutate(parent, parent, rand.New(rand.NewPCG(uint64(i), 9)), o)
		require.NoError(t, child.CheckBuggifySites(o.BuggifySites))
		added = added || len(child.Buggify) > len(parent.Buggify)
		removed = removed || len(child.Buggify) < len(parent.Buggify)
		require.False(t, slices.Contains(child.Buggify, ""))
	}
	require.True(t, added && removed)
}

func TestBuggifySiteOptionsAreValidated(t *testing.T) {
	o := generators.Default()
	o.BuggifySites = []string{"s.a", "s.a"}
	require.ErrorContains(t, o.Validate(), `BuggifySites lists "s.a" twice`)
	o.BuggifySites = []string{""}
	require.ErrorContains(t, o.Validate(), "BuggifySites[0] is empty")
}
