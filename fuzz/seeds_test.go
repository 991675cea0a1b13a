package fuzz

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/raft"
)

// raftWorld runs a 3-node Raft KV for two virtual seconds of seed: a world whose trace
// depends on the seed, for the determinism check of the seed loop.
func raftWorld(seed uint64) (*sim.World, error) {
	sys, err := raft.NewSystem(raft.DefaultConfig())
	if err != nil {
		return nil, err
	}
	w, err := sim.NewWorld(sys, sim.Options{Seed: seed})
	if err != nil {
		return nil, err
	}
	ids := []nodeapi.NodeID{"n1", "n2", "n3"}
	for _, id := range ids {
		if err := w.AddNode(id, nodeapi.Boot{Peers: ids}); err != nil {
			return nil, err
		}
	}
	return w, w.RunFor(2 * time.Second)
}

func TestSeeds(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cfg, err := ParseSeedConfig(env(), 3)
	require.NoError(t, err)
	require.Equal(t, SeedConfig{First: 1, Count: 3, Jobs: 1, Given: map[string]bool{
		EnvSeed: false, EnvSeeds: false, EnvJobs: false, EnvCheckDeterminism: false}}, cfg)
	cfg, err = ParseSeedConfig(env("SIMFUZZ_SEED", "77", "SIMFUZZ_SEEDS", "5",
		"SIMFUZZ_JOBS", "2", "SIMFUZZ_CHECK_DETERMINISM", "1"), 3)
	require.NoError(t, err)
	require.Equal(t, SeedConfig{First: 77, Count: 5, Jobs: 2, CheckDeterminism: true,
		Given: map[string]bool{EnvSeed: true, EnvSeeds: true, EnvJobs: true,
			EnvCheckDeterminism: true}}, cfg)
	for _, bad := range [][]string{{"SIMFUZZ_SEED", "-1"}, {"SIMFUZZ_SEEDS", "0"},
		{"SIMFUZZ_SEEDS", "many"}, {"SIMFUZZ_JOBS", "5000"},
		{"SIMFUZZ_CHECK_DETERMINISM", "maybe"}} {
		_, err := ParseSeedConfig(env(bad...), 1)
		require.ErrorContains(t, err, bad[0]+"=", "%v", bad)
	}

	var seq []uint64
	RunSeeds(t, SeedConfig{First: 5, Count: 3, Jobs: 1},
		func(t *testing.T, seed uint64) {
			require.True(t, strings.HasSuffix(t.Name(), "/seed="+strconv.FormatUint(seed, 10)))
			seq = append(seq, seed)
		})
	require.Equal(t, []uint64{5, 6, 7}, seq)

	var mu sync.Mutex
	seen := map[uint64]bool{}
	RunSeeds(t, SeedConfig{First: 10, Count: 6, Jobs: 3},
		func(t *testing.T, seed uint64) {
			mu.Lock()
			defer mu.Unlock()
			seen[seed] = true
		})
	require.Equal(t, map[uint64]bool{10: true, 11: true, 12: true, 13: true, 14: true,
		15: true}, seen)

	runs := 0
	RunSeeds(t, SeedConfig{First: 42, Count: 1, Jobs: 1,
		CheckDeterminism: true}, func(t *testing.T, seed uint64) {
		runs++
		w, err := raftWorld(seed)
		require.NoError(t, err)
		Track(t, w)
	})
	require.Equal(t, 2, runs, "the determinism check runs the body twice")

	require.Equal(t, "SIMFUZZ_SEED=9 SIMFUZZ_SEEDS=1 go test -run '^TestX$' ./fuzz/",
		Repro("TestX", 9))
}
