package target_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
)

// The four standard properties over scenarios drawn for etcd/raft: linearizability,
// invariants (and panics), liveness, and determinism (every scenario twice, one trace
// hash). A failure is shrunk by structure; RAPID_CHECKS sets how many scenarios each
// draws. The name holds "Property", so `go test -run Property ./...` runs it.
func TestPropertyEtcdRaft(t *testing.T) { target.EtcdRaft.Properties(t) }

// Every saved counterexample (bugs found in this example's glue code) must pass now: the
// target's RegressionsDir, the module's testdata/regressions.
func TestRegressions(t *testing.T) { target.EtcdRaft.Regressions(t, "") }
