package target_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/examples/etcdraft"
	"github.com/simfuzz/simfuzz/examples/etcdraft/target"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The glue reports etcd/raft's protocol events: under load, an isolated leader steps down
// (CheckQuorum) while the majority elects another, and the writes it took alone are cut
// from its log when it rejoins; then a crashed leader is succeeded. Every
// reported event is listed, each name once, and the target lists them for triggers.
func TestEtcdRaftReportsItsEvents(t *testing.T) {
	s := baseScenario([]nodeapi.NodeID{"n1", "n2", "n3"}, nil)
	s.Faults = []scenario.Fault{
		{At: dur(2 * time.Second), Kind: scenario.FaultIsolate, Node: scenario.LeaderTarget,
			For: dur(3 * time.Second)},
		{At: dur(7 * time.Second), Kind: scenario.FaultCrash, Node: scenario.LeaderTarget,
			For: dur(2 * time.Second)},
	}
	res, err := target.EtcdRaft.Run(s, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	for _, ev := range []string{etcdraft.EventLeader, etcdraft.EventVoteGrant,
		etcdraft.EventStepDown, etcdraft.EventTruncate} {
		require.NotZero(t, res.Reached[ev], "event %q was never reported: %v", ev, res.Reached)
	}
	t.Logf("events: %v", res.Reached)
	for ev := range res.Reached {
		if ev != nodeapi.EventLeaderElected {
			require.Contains(t, etcdraft.Events(), ev, "reported but not listed")
		}
	}
	seen := map[string]bool{}
	for _, ev := range etcdraft.Events() {
		require.False(t, seen[ev], "event %q listed twice", ev)
		seen[ev] = true
	}
	require.Equal(t, etcdraft.Events(), target.EtcdRaft.Events)
}
