package fuzz

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/sim"
)

// The seed loop reads these environment variables (the names follow madsim's).
const (
	EnvSeed             = "SIMFUZZ_SEED"              // first seed (default 1)
	EnvSeeds            = "SIMFUZZ_SEEDS"             // how many seeds (default: the caller's)
	EnvJobs             = "SIMFUZZ_JOBS"              // seeds run in parallel (default 1)
	EnvCheckDeterminism = "SIMFUZZ_CHECK_DETERMINISM" // 1: run each seed twice, compare
	// EnvSave=1 makes properties and fuzz targets save each shrunk failure into the
	// target's RegressionsDir.
	EnvSave = "SIMFUZZ_SAVE"
	// EnvRegressions=FILE makes Target.Regressions replay FILE only.
	EnvRegressions = "SIMFUZZ_REGRESSIONS"
)

// Limits of the seed loop's settings.
const (
	MaxSeeds = 1 << 31
	MaxJobs  = 1024
)

// SeedConfig is how a seed loop runs.
type SeedConfig struct {
	First            uint64
	Count            int
	Jobs             int
	CheckDeterminism bool
	// Given records which variables were set (by name), so that a command can tell a
	// default from a choice.
	Given map[string]bool
}

// ParseSeedConfig reads the SIMFUZZ_* variables through getenv (os.Getenv in tests).
// defaultCount is the number of seeds when SIMFUZZ_SEEDS is unset. An invalid value is an
// error naming the variable.
func ParseSeedConfig(getenv func(string) string, defaultCount int) (SeedConfig, error) {
	c := SeedConfig{First: 1, Count: max(defaultCount, 1), Jobs: 1, Given: map[string]bool{}}
	for _, name := range []string{EnvSeed, EnvSeeds, EnvJobs, EnvCheckDeterminism} {
		c.Given[name] = getenv(name) != ""
	}
	if v := getenv(EnvSeed); v != "" {
		s, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return c, fmt.Errorf("%s=%q: want an unsigned 64-bit integer", EnvSeed, v)
		}
		c.First = s
	}
	var err error
	if c.Count, err = positiveEnv(getenv, EnvSeeds, c.Count, MaxSeeds); err != nil {
		return c, err
	}
	if c.Jobs, err = positiveEnv(getenv, EnvJobs, 1, MaxJobs); err != nil {
		return c, err
	}
	if v := getenv(EnvCheckDeterminism); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("%s=%q: want 1 or 0", EnvCheckDeterminism, v)
		}
		c.CheckDeterminism = b
	}
	return c, nil
}

func positiveEnv(getenv func(string) string, name string, def, limit int) (int, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > limit {
		return 0, fmt.Errorf("%s=%q: want an integer in [1, %d]", name, v, limit)
	}
	return n, nil
}

// Seeds runs body once per seed of the SIMFUZZ_* configuration (one seed, 1, by default),
// each as a subtest "seed=N". A failing seed logs the one-line command that replays it.
func Seeds(t *testing.T, body func(t *testing.T, seed uint64)) { SeedsN(t, 1, body) }

// SeedsN is Seeds with defaultCount seeds when SIMFUZZ_SEEDS is unset.
func SeedsN(t *testing.T, defaultCount int, body func(t *testing.T, seed uint64)) {
	t.Helper()
	cfg, err := ParseSeedConfig(os.Getenv, defaultCount)
	if err != nil {
		t.Fatalf("Seeds: %v", err)
	}
	RunSeeds(t, cfg, body)
}

// RunSeeds is the seed loop with an explicit configuration. With Jobs > 1 the seeds run in
// a pool of Jobs parallel subtests (go test's -parallel caps it too). With
// CheckDeterminism, body runs twice per seed (the second time a random real gap after the
// first began, sim.WaitRerunGap) and the worlds it passed to Track must have the same trace
// hashes both times.
func RunSeeds(t *testing.T, cfg SeedConfig, body func(t *testing.T, seed uint64)) {
	t.Helper()
	top, _, _ := strings.Cut(t.Name(), "/")
	if cfg.Jobs <= 1 || cfg.Count <= 1 {
		for i := range cfg.Count {
			runSeed(t, top, cfg, cfg.First+uint64(i), body)
		}
		return
	}
	var next atomic.Uint64
	t.Run("jobs", func(t *testing.T) {
		for j := range min(cfg.Jobs, cfg.Count) {
			t.Run(fmt.Sprintf("w%d", j), func(t *testing.T) {
				t.Parallel()
				for {
					i := next.Add(1) - 1
					if i >= uint64(cfg.Count) {
						return
					}
					runSeed(t, top, cfg, cfg.First+i, body)
				}
			})
		}
	})
}

func runSeed(t *testing.T, top string, cfg SeedConfig, seed uint64,
	body func(t *testing.T, seed uint64)) {
	t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("repro: %s", Repro(top, seed))
			}
		})
		if !cfg.CheckDeterminism {
			body(t, seed)
			return
		}
		tracker.start(t)
		defer tracker.stop(t)
		started := time.Now()
		body(t, seed)
		first := tracker.take(t)
		if t.Failed() {
			return
		}
		if len(first) == 0 {
			t.Logf("%s: the body tracked no world; call Track(t, w) to have "+
				"its trace hash compared", EnvCheckDeterminism)
		}
		sim.WaitRerunGap(started) // the wall clock must read otherwise the second time
		body(t, seed)
		if msg := compareTracked(first, tracker.take(t)); msg != "" {
			t.Errorf("seed %d is not deterministic: %s", seed, msg)
		}
	})
}

// Repro is the one-line command that replays seed of test top in the current package,
// correct from the module root.
func Repro(top string, seed uint64) string {
	return fmt.Sprintf("%s=%d %s=1 go test -run '^%s$' ./%s", EnvSeed, seed, EnvSeeds, top,
		packageDir())
}
