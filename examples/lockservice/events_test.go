package lockservice_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

// The lock service reports its protocol events: a contended run with two torn crashes of
// the leader elects leaders, grants votes and locks, sees a leader step down and reaches
// the events a guided campaign steers by. The names are distinct, so no two are counted
// as one feature.
func TestLockServiceReportsItsEvents(t *testing.T) {
	s := contention(3, 3,
		harness.Fault{At: ms(1500), Kind: harness.FaultCrash, Node: harness.LeaderTarget,
			For: ms(1000), Torn: true},
		harness.Fault{At: ms(4000), Kind: harness.FaultIsolate, Node: harness.LeaderTarget,
			For: ms(1500)})
	res := run(t, s)
	for _, ev := range []string{lockd.EventLeader, lockd.EventVoteGrant, lockd.EventGrant,
		lockd.EventStepDown, lockd.EventLeaderBehind} {
		require.NotZero(t, res.Reached[ev], "event %q was never reported: %v", ev, res.Reached)
	}
	require.Greater(t, res.Reached[lockd.EventLeader], uint64(1), "the crash forced a new election")
	for ev := range res.Reached {
		if ev != harness.EventLeaderElected {
			require.Contains(t, lockd.Events(), ev, "reported but not listed")
		}
	}
	seen := map[string]bool{}
	for _, ev := range lockd.Events() {
		require.NotEmpty(t, ev)
		require.False(t, seen[ev], "event %q listed twice", ev)
		seen[ev] = true
	}
	require.Equal(t, lockd.Events(), lockservice.Target.Events, "the target lists the events")
}
