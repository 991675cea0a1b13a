package fuzz

import (
	"fmt"
	"reflect"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// Deterministic is a Check that reruns the scenario and fails unless the trace hash, the
// event count and the history are identical. On a mismatch it reruns both with full traces
// to name the first differing event. Hidden nondeterminism in a system (a draw from
// crypto/rand, a map iteration that reaches the event order) shows up here.
func (tg Target) Deterministic(s scenario.Scenario, first *harness.RunResult) *harness.Failure {
	second, err := tg.Run(s, harness.RunOptions{})
	if err != nil {
		return &harness.Failure{Class: ClassNondeterminism, Message: "second run: " + err.Error()}
	}
	if first.TraceHash == second.TraceHash && first.Events == second.Events &&
		reflect.DeepEqual(first.History, second.History) {
		return nil
	}
	return &harness.Failure{Class: ClassNondeterminism, Message: tg.describeNondeterminism(s)}
}

// ClassNondeterminism is the failure of the determinism property: a bug in the harness or
// in the system's use of the Env, never acceptable.
const ClassNondeterminism harness.FailureClass = "nondeterminism"

func (tg Target) describeNondeterminism(s scenario.Scenario) string {
	opts := harness.RunOptions{RecordTrace: true}
	a, errA := tg.Run(s, opts)
	b, errB := tg.Run(s, opts)
	if errA != nil || errB != nil {
		return fmt.Sprintf("runs differ; reruns failed: %v / %v", errA, errB)
	}
	if _, same := sim.DiffTraces(a.Trace, b.Trace); same {
		return "histories differ although traces are equal"
	}
	return sim.DescribeTraceDiff(a.Trace, b.Trace)
}
