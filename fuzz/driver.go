// Package fuzz drives Scenarios against the built-in Raft KV: the rapid properties, the
// `go test -fuzz` targets, the regression replay, and the campaign helpers that the simfuzz
// command uses (seeded scenarios, shrinking, saving failures).
package fuzz

import (
	"fmt"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
)

// Run runs s against a fresh instance of the built-in system.
func Run(s harness.Scenario, opts harness.RunOptions) (*harness.RunResult, error) {
	sys, err := NewSystemFor(s.System)
	if err != nil {
		return nil, err
	}
	return harness.Run(s, sys, opts)
}

// ScenarioForSeed is the scenario a campaign runs for seed: a rapid draw from the default
// generator, deterministic in seed.
func ScenarioForSeed(seed uint64, o generators.Options) harness.Scenario {
	s := generators.Scenario(o).Example(int(seed))
	s.Seed = seed // one number names the run: the campaign seed is the world's seed too
	s.Note = fmt.Sprintf("campaign seed %d; %s", seed, s.Note)
	return s
}

// sameFailure is the shrinking criterion: a candidate still fails, in the same class.
func sameFailure(class harness.FailureClass) func(harness.Scenario) bool {
	return func(c harness.Scenario) bool {
		res, err := Run(c, harness.RunOptions{TraceTail: 1})
		return err == nil && res.Failure != nil && res.Failure.Class == class
	}
}

// Shrunk is a failure reduced to a minimal scenario, with the result of running it.
type Shrunk struct {
	Scenario harness.Scenario
	Result   *harness.RunResult
	Runs     int
}

// ShrinkFailure reduces s, which failed with class, by structure (harness.Shrink) within
// maxRuns runs, and reruns the minimal scenario for its full result.
func ShrinkFailure(s harness.Scenario, class harness.FailureClass, maxRuns int) (Shrunk, error) {
	min, runs := harness.Shrink(s, sameFailure(class), maxRuns)
	res, err := Run(min, harness.RunOptions{})
	if err != nil {
		return Shrunk{}, err
	}
	if res.Failure == nil {
		return Shrunk{}, fmt.Errorf("shrunk scenario no longer fails: nondeterminism? " +
			"rerun with --check-determinism")
	}
	return Shrunk{Scenario: min, Result: res, Runs: runs}, nil
}
