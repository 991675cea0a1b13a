package target_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
)

// The four standard properties over scenarios drawn for etcd/raft: linearizability,
// invariants (and panics), liveness, and determinism (every scenario twice, one trace
// hash). rapid shrinks any failure; RAPID_CHECKS sets how many scenarios each draws.
func TestProperties(t *testing.T) { target.EtcdRaft.Properties(t) }

// Every saved counterexample (bugs found in this example's glue code) must pass now.
func TestRegressions(t *testing.T) { target.EtcdRaft.Regressions(t, "../testdata/regressions") }
