package target_test

import (
	"bytes"
	"testing"

	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/fuzz/cli"
	"github.com/stretchr/testify/require"
)

// The command of cmd/simfuzz-etcdraft lists etcd-raft first (the default) and benches it
// next to the built-in raft-kv, measured in the same run.
func TestCommandListsAndBenchesBothTargets(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, cli.Main([]string{"targets"}, &out, &errOut, target.EtcdRaft,
		fuzz.RaftKV))
	require.Regexp(t, `(?m)^etcd-raft .*\(default\)$`, out.String())

	out.Reset()
	code := cli.Main([]string{"bench", "--seeds", "1", "--campaign-seeds", "4"}, &out,
		&errOut, target.EtcdRaft, fuzz.RaftKV)
	require.Equal(t, 0, code, errOut.String())
	for _, row := range []string{"etcd-raft standard 3-node: wall per seed",
		"etcd-raft standard 5-node: wall per seed", "raft-kv standard 3-node: wall per seed",
		"etcd-raft campaign seeds/minute"} {
		require.Contains(t, out.String(), row)
	}
}
