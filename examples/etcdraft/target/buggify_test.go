package target_test

import (
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/examples/etcdraft"
	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// The glue's buggify site fires in the standard scenario and changes the run: same seed,
// site on and off, different behaviour; on, the same behaviour every time.
func TestBuggifySiteChangesARun(t *testing.T) {
	tg := target.EtcdRaft
	run := func(sites []string) *harness.RunResult {
		s := standard(tg, 3, 1)
		s.Buggify = sites
		res, err := tg.Run(s, harness.RunOptions{RecordTrace: true})
		require.NoError(t, err)
		require.Nil(t, res.Failure)
		return res
	}
	drop := func(tr []sim.TraceEvent) []sim.TraceEvent {
		return slices.DeleteFunc(slices.Clone(tr), func(e sim.TraceEvent) bool {
			return e.Kind == sim.KindBuggify
		})
	}
	off := run(nil)
	for _, site := range etcdraft.BuggifySites() {
		on := run([]string{site})
		require.Positive(t, on.Buggified[site], "%s never fired", site)
		require.False(t, slices.Equal(drop(off.Trace), drop(on.Trace)), "%s changed nothing",
			site)
		require.Equal(t, on.TraceHash, run([]string{site}).TraceHash)
	}
}

// The glue stays correct with every site on. SIMFUZZ_BUGGIFY_SEEDS raises the number of
// campaign seeds (the default is small).
func TestCorrectWithEveryBuggifySiteOn(t *testing.T) {
	seeds := 10
	//simfuzz:ok the test's own setting, read before any world runs
	if v, err := strconv.Atoi(os.Getenv("SIMFUZZ_BUGGIFY_SEEDS")); err == nil && v > 0 {
		seeds = v
	}
	tg := target.EtcdRaft
	o := tg.Options()
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		s := tg.ScenarioForSeed(seed, o)
		s.Buggify = etcdraft.BuggifySites()
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if res.Failure != nil {
			t.Fatalf("seed %d with every site on: %v", seed, res.Failure)
		}
	}
}
