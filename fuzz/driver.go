// Package fuzz drives Scenarios against a Target, the built-in Raft KV or a user's system:
// the rapid properties, the `go test -fuzz` targets, the regression replay, and the campaign
// helpers that the simfuzz command uses (seeded scenarios, shrinking, saving failures).
package fuzz

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/shrink"
)

// sameFailure is the shrinking criterion: a candidate still fails, in the same class.
func (tg Target) sameFailure(class harness.FailureClass) func(scenario.Scenario) bool {
	return func(c scenario.Scenario) bool {
		res, err := tg.Run(c, harness.RunOptions{TraceTail: 1})
		return err == nil && res.Failure != nil && res.Failure.Class == class
	}
}

// Shrunk is a failure reduced to a minimal scenario, with the result of running it.
type Shrunk struct {
	Scenario scenario.Scenario
	Result   *harness.RunResult
	Runs     int
}

// Shrink reduces s, which failed with class, by structure (shrink.Shrink) within maxRuns
// runs, and reruns the minimal scenario for its full result.
func (tg Target) Shrink(s scenario.Scenario, class harness.FailureClass,
	maxRuns int) (Shrunk, error) {
	min, runs := shrink.ShrinkFor(s, tg.workload(), tg.sameFailure(class), maxRuns)
	res, err := tg.Run(min, harness.RunOptions{})
	if err != nil {
		return Shrunk{}, err
	}
	if res.Failure == nil {
		return Shrunk{}, fmt.Errorf("shrunk scenario no longer fails: nondeterminism? " +
			"rerun with --check-determinism")
	}
	return Shrunk{Scenario: min, Result: res, Runs: runs}, nil
}
