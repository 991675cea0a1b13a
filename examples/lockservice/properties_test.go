package lockservice_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/lockservice"
)

// The four standard properties (linearizability against the lock model, invariants and
// panics, liveness, determinism) over scenarios drawn for the lock service; simfuzz shrinks
// any failure by structure. RAPID_CHECKS sets how many scenarios each property draws
// (default 100). The name holds "Property", so `go test -run Property` runs it.
func TestPropertyLockService(t *testing.T) { lockservice.Target.Properties(t) }

// Every committed regression (shrunk counterexamples, among them the mutant's) must pass:
// the target's RegressionsDir, testdata/regressions here.
func TestRegressions(t *testing.T) { lockservice.Target.Regressions(t, "") }
