package fuzz

import (
	"fmt"
	"reflect"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// The determinism check runs a scenario twice, the second run a random real gap after the
// first began (sim.WaitRerunGap), so that a node reading the wall clock sees other values.

// ClassNondeterminism is the failure of the determinism property: a bug in the harness or
// in the system's use of the Env, never acceptable.
const ClassNondeterminism harness.FailureClass = "nondeterminism"

// Deterministic is a Check that reruns the scenario and fails unless the trace hash, the
// event count and the history are identical (see CheckDeterminism, whose message the
// failure carries). Hidden nondeterminism in a system (the wall clock, a draw from
// crypto/rand, a map iteration that reaches the event order) shows up here.
func (tg Target) Deterministic(s scenario.Scenario, first *harness.RunResult) *harness.Failure {
	if d := tg.CheckDeterminism(s, first, time.Time{}); d != nil {
		return d.Failure()
	}
	return nil
}

// CheckDeterminism reruns s, which gave first in a run that began at started (zero:
// unknown), a random real gap after that start, and returns nil when both runs have the
// same trace hash, event count and history. Otherwise the Divergence says what differed
// and what to do: it reruns both with full traces to name the first differing event, or,
// when the traces agree, the first operation whose outcome differs.
func (tg Target) CheckDeterminism(s scenario.Scenario, first *harness.RunResult,
	started time.Time) *Divergence {
	sim.WaitRerunGap(started)
	return tg.Recheck(s, first)
}

// Recheck is CheckDeterminism without the wait, for a caller that let the rerun gap pass
// itself (sim.WaitRerunGap) and ran other work meanwhile, as a campaign does: it reruns s
// at once and compares the run with first.
func (tg Target) Recheck(s scenario.Scenario, first *harness.RunResult) *Divergence {
	second, err := tg.Run(s, harness.RunOptions{RecordTrace: first.Trace != nil})
	if err != nil {
		return &Divergence{Scenario: s, Message: "the second run could not run: " +
			err.Error()}
	}
	if sameRun(first, second) {
		return nil
	}
	return tg.explain(s, first, second)
}

// sameRun reports whether two runs agree in trace hash, event count and history.
func sameRun(a, b *harness.RunResult) bool {
	return a.TraceHash == b.TraceHash && a.Events == b.Events &&
		reflect.DeepEqual(a.History, b.History)
}

// explain builds the Divergence of two runs that differ. Runs without full traces are
// repeated with them (each after its gap), so that the first differing event can be named.
func (tg Target) explain(s scenario.Scenario, first, second *harness.RunResult) *Divergence {
	a, b := first, second
	if a.Trace == nil || b.Trace == nil {
		opts := harness.RunOptions{RecordTrace: true}
		var errA, errB error
		started := time.Now()
		a, errA = tg.Run(s, opts)
		sim.WaitRerunGap(started)
		if errA == nil {
			b, errB = tg.Run(s, opts)
		}
		if errA != nil || errB != nil {
			return &Divergence{Scenario: s, Message: fmt.Sprintf("%s; reruns with full "+
				"traces failed: %v", runsDiffer(first, second), firstErr(errA, errB))}
		}
		if sameRun(a, b) { // the difference came and went
			return tg.fleeting(s, first, second, a)
		}
	}
	return tg.diverged(s, a, b)
}

// diverged describes two runs with full traces that differ.
func (tg Target) diverged(s scenario.Scenario, a, b *harness.RunResult) *Divergence {
	d := &Divergence{Scenario: s}
	i, same := sim.DiffTraces(a.Trace, b.Trace)
	if !same {
		d.First = i
		d.TraceA, d.TraceB = traceTail(a.Trace, i), traceTail(b.Trace, i)
		d.Message = runsDiffer(a, b) + ": " + sim.DescribeTraceDiff(a.Trace, b.Trace) +
			"\n" + Uncontrolled
		return d
	}
	d.Message = "two runs have equal traces but different histories: " +
		historyDiff(tg.workload(), a.History, b.History) + ".\n" + uncontrolledOutcome
	return d
}

// fleeting describes runs that differed once, where two reruns with full traces agreed.
func (tg Target) fleeting(s scenario.Scenario, first, second,
	rerun *harness.RunResult) *Divergence {
	msg := runsDiffer(first, second) + "; two reruns with full traces agreed (trace hash " +
		fmt.Sprintf("%016x), so no differing event can be named", rerun.TraceHash)
	if !reflect.DeepEqual(first.History, second.History) {
		msg += "; the histories differ: " + historyDiff(tg.workload(), first.History,
			second.History)
	}
	return &Divergence{Scenario: s, Message: msg + ".\n" + Uncontrolled}
}

// runsDiffer is the headline of two differing runs.
func runsDiffer(a, b *harness.RunResult) string {
	return fmt.Sprintf("two runs of one scenario differ (trace hash %016x vs %016x, %d vs "+
		"%d events)", a.TraceHash, b.TraceHash, a.Events, b.Events)
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Uncontrolled is what a divergence means and what to do about it.
const Uncontrolled = "A node read state the simulator does not control: the wall clock " +
	"(time.Now, time.Since, a time.Timer), a global random source (math/rand, crypto/rand), " +
	"a goroutine, a package-level variable that outlives the run, or a map's iteration " +
	"order reaching a send, a timer or the disk. Run " +
	"`simfuzz vet ./...` on the node packages to find it; use env.Now, env.After, env.Rand " +
	"and sorted keys instead."

// uncontrolledOutcome is the same for histories that differ under equal traces: the
// outcome came from state the trace never saw.
const uncontrolledOutcome = "The events of the world were the same, so the outcome came " +
	"from state the trace does not see, most likely in a client. " + Uncontrolled
