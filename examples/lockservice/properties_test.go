package lockservice_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/lockservice"
)

// The four standard properties (linearizability against the lock model, invariants and
// panics, liveness, determinism) over scenarios drawn for the lock service; rapid shrinks
// any failure. RAPID_CHECKS sets how many scenarios each property draws (default 100).
func TestProperties(t *testing.T) { lockservice.Target.Properties(t) }

// Every committed regression (shrunk counterexamples, among them the mutant's) must pass.
func TestRegressions(t *testing.T) {
	lockservice.Target.Regressions(t, "testdata/regressions")
}
