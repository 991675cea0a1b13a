package quickstart_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/quickstart"
)

// The four standard properties (linearizability, invariants and panics, liveness,
// determinism) over scenarios drawn for the register; a failure is shrunk by structure.
// RAPID_CHECKS sets how many scenarios each draws (default 100). The name holds
// "Property", so `go test -run Property` runs it.
func TestPropertyRegister(t *testing.T) { quickstart.Target.Properties(t) }

// Every saved counterexample in testdata/regressions (the target's RegressionsDir, where
// SIMFUZZ_SAVE=1 saves) must pass.
func TestRegressions(t *testing.T) { quickstart.Target.Regressions(t, "") }
