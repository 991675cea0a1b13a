package raft

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// buggifyScenario is a chaos scenario of seed with the given buggify sites active.
func buggifyScenario(seed uint64, sites []string) scenario.Scenario {
	g := genConfig{nodes: 3 + 2*int(seed%2), clients: 3, safety: 15 * time.Second,
		liveness: 20 * time.Second, faults: 12, kinds: []scenario.FaultKind{
			scenario.FaultCrash, scenario.FaultPartition, scenario.FaultIsolate,
			scenario.FaultHeal, scenario.FaultRestart},
		net: benchmarkNet, disk: standardDisk}
	s := genScenario(seed, g)
	s.Buggify = sites
	return s
}

// Every site fires in an ordinary run and changes it: the same seed with the site on gives
// another trace, and the same trace every time.
func TestEveryBuggifySiteChangesARun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SnapshotThreshold = 64 // the early snapshot then has a threshold to beat
	off := runTraced(t, buggifyScenario(3, nil), cfg)
	for _, site := range BuggifySites() {
		t.Run(site, func(t *testing.T) {
			on := runTraced(t, buggifyScenario(3, []string{site}), cfg)
			require.Positive(t, on.Buggified[site], "the site never fired")
			require.False(t, slices.Equal(withoutBuggify(off.Trace), withoutBuggify(on.Trace)),
				"the site fired but the system did nothing different")
			again := runTraced(t, buggifyScenario(3, []string{site}), cfg)
			require.Equal(t, on.TraceHash, again.TraceHash)
		})
	}
}

// runTraced runs s with its whole trace recorded, failing the test on a failure.
func runTraced(t *testing.T, s scenario.Scenario, cfg Config) *harness.RunResult {
	t.Helper()
	sys, err := NewSystem(cfg)
	require.NoError(t, err)
	res, err := harness.Run(s, sys, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	return res
}

// withoutBuggify is a trace without the records of buggify sites firing: what the system
// itself did.
func withoutBuggify(trace []sim.TraceEvent) []sim.TraceEvent {
	return slices.DeleteFunc(slices.Clone(trace), func(e sim.TraceEvent) bool {
		return e.Kind == sim.KindBuggify
	})
}

// The unmutated store stays correct with every site on: linearizable, live and within its
// invariants. SIMFUZZ_BUGGIFY_SEEDS raises the number of seeds (the default is small).
func TestCorrectWithEveryBuggifySiteOn(t *testing.T) {
	seeds := 6
	//simfuzz:ok the test's own setting, read before any world runs
	if v, err := strconv.Atoi(os.Getenv("SIMFUZZ_BUGGIFY_SEEDS")); err == nil && v > 0 {
		seeds = v
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			cfg := DefaultConfig()
			if seed%2 == 0 {
				cfg.SnapshotThreshold = 16
			}
			runScenario(t, buggifyScenario(seed, BuggifySites()), cfg)
		})
	}
}
