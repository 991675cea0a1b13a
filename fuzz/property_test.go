package fuzz_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"pgregory.net/rapid"
)

// The four properties of the product. Each draws whole scenarios (cluster, workload, swarm
// fault schedule), runs them on the simulated world and checks one class of failure; rapid
// shrinks any failure to a minimal scenario.

func TestPropertyLinearizability(t *testing.T) {
	rapid.Check(t, fuzz.RaftKV.Property(t.Name(), fuzz.RaftKV.Options(),
		fuzz.FailsWith(harness.ClassLinearizability)))
}

func TestPropertyInvariants(t *testing.T) {
	rapid.Check(t, fuzz.RaftKV.Property(t.Name(), fuzz.RaftKV.Options(),
		fuzz.FailsWith(harness.ClassInvariant, harness.ClassPanic, harness.ClassRecovery)))
}

func TestPropertyLiveness(t *testing.T) {
	rapid.Check(t, fuzz.RaftKV.Property(t.Name(), fuzz.RaftKV.Options(),
		fuzz.FailsWith(harness.ClassLiveness)))
}

// One scenario run twice must give the same trace hash and the same history.
func TestPropertyDeterminism(t *testing.T) {
	fuzz.RaftKV.DeterminismProperty(t, fuzz.RaftKV.Options())
}
