package lockservice_test

import (
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// runBuggified runs the contention scenario of seed (n2 down for a while, so that it
// lags) with exactly the given sites active and
// its whole trace recorded; the run must pass.
func runBuggified(t *testing.T, seed uint64, sites []string) *harness.RunResult {
	t.Helper()
	s := contention(seed, 3, scenario.Fault{At: ms(2000), Kind: scenario.FaultCrash,
		Node: "n2", For: ms(1500)})
	s.Buggify = sites
	res, err := lockservice.Target.Run(s, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "seed %d with %v", seed, sites)
	return res
}

func withoutBuggify(trace []sim.TraceEvent) []sim.TraceEvent {
	return slices.DeleteFunc(slices.Clone(trace), func(e sim.TraceEvent) bool {
		return e.Kind == sim.KindBuggify
	})
}

// Every site fires and changes the run: same seed, site on and off,
// different behaviour; the same seed with the site on behaves the same every time.
func TestEveryBuggifySiteChangesARun(t *testing.T) {
	for _, site := range lockd.BuggifySites() {
		t.Run(site, func(t *testing.T) {
			for seed := uint64(1); seed <= 3; seed++ {
				off := runBuggified(t, seed, nil)
				on := runBuggified(t, seed, []string{site})
				require.Positive(t, on.Buggified[site], "seed %d: the site never fired", seed)
				require.False(t, slices.Equal(withoutBuggify(off.Trace),
					withoutBuggify(on.Trace)), "seed %d: the site fired, nothing changed", seed)
				again := runBuggified(t, seed, []string{site})
				require.Equal(t, on.TraceHash, again.TraceHash)
			}
		})
	}
}

// A scenario naming a site lockd does not have is refused, naming the site.
func TestUnknownBuggifySiteIsRefused(t *testing.T) {
	tg := lockservice.Target
	s := tg.ScenarioForSeed(1, tg.Options())
	s.Buggify = []string{"lockd.tiny-apend"}
	_, err := tg.Run(s, harness.RunOptions{})
	require.ErrorContains(t, err, `unknown site "lockd.tiny-apend"`)
}

// The service stays correct with every site on. SIMFUZZ_BUGGIFY_SEEDS raises the number of
// campaign seeds (the default is small).
func TestCorrectWithEveryBuggifySiteOn(t *testing.T) {
	seeds := 20
	//simfuzz:ok the test's own setting, read before any world runs
	if v, err := strconv.Atoi(os.Getenv("SIMFUZZ_BUGGIFY_SEEDS")); err == nil && v > 0 {
		seeds = v
	}
	tg := lockservice.Target
	o := tg.Options()
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		s := tg.ScenarioForSeed(seed, o)
		s.Buggify = lockd.BuggifySites()
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if res.Failure != nil {
			t.Fatalf("seed %d with every site on: %v", seed, res.Failure)
		}
	}
}
