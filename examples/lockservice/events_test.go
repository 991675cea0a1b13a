package lockservice_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/examples/lockservice"
	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

func TestTargetDeclaresTheEvents(t *testing.T) {
	require.Equal(t, lockd.Events(), lockservice.Target.Events)
	require.Equal(t, lockd.Events(), lockservice.Target.Options().Events,
		"generators draw triggers from the target's events")
}

// The leader crashes while clients take turns on a lock (from the first election at 1 s
// to about 4 s): the world hears the first
// election and the failover from the nodes themselves. A new leader is elected (votes
// granted, leader twice), it holds entries past its commit index and commits them with its
// own no-op (an earlier term's entries), and the next grant of the lock continues the
// tokens of the old term. Every name reported is a declared one.
func TestLeaderCrashReportsTheFailover(t *testing.T) {
	for _, nodes := range []int{3, 5} {
		s := contention(7, nodes, scenario.Fault{At: ms(2000), Kind: scenario.FaultCrash,
			Node: scenario.LeaderTarget, For: ms(1500)})
		for i := range s.Clients { // the clients keep taking turns until 4 s or so
			for j := range s.Clients[i].Ops {
				s.Clients[i].Ops[j].Think += ms(50)
			}
		}
		res := run(t, s)
		got := res.Reached
		t.Logf("%d nodes: %v", nodes, got)
		require.GreaterOrEqual(t, got[lockd.EventLeader], uint64(2), "two elections")
		require.GreaterOrEqual(t, got[lockd.EventVoteGrant], uint64(2*(nodes/2)),
			"each election took the votes of a majority besides the candidate")
		for _, e := range []string{lockd.EventLeaderUncommitted, lockd.EventCommitOlderTerm,
			lockd.EventTokenNewTerm} {
			require.NotZero(t, got[e], "%s not reported", e)
		}
		for e := range got {
			require.True(t, slices.Contains(lockd.Events(), e), "%q is not declared", e)
		}
	}
}

// Without faults nothing fragile happens: one election, no failover events.
func TestQuietRunReportsOneElection(t *testing.T) {
	res := run(t, contention(7, 3))
	require.Equal(t, uint64(1), res.Reached[lockd.EventLeader], "%v", res.Reached)
	for _, e := range []string{lockd.EventLeaderUncommitted, lockd.EventCommitOlderTerm,
		lockd.EventTokenNewTerm, lockd.EventDeposed, lockd.EventQuorumLost,
		lockd.EventTruncate} {
		require.Zero(t, res.Reached[e], "%s in a run without faults", e)
	}
}

// A trigger waits for a lockd event: the first two votes granted after the leader's crash
// crash their voters at once (the vote may not be synced and sent yet), and the cluster
// still elects a leader and stays safe.
func TestTriggerOnALockdEvent(t *testing.T) {
	s := contention(7, 3,
		scenario.Fault{At: ms(2000), Kind: scenario.FaultCrash, Node: scenario.LeaderTarget,
			For: ms(500)},
		scenario.Fault{At: ms(1900), Kind: scenario.FaultTrigger, For: ms(4000),
			On: lockd.EventVoteGrant, Count: 2, Then: &scenario.Fault{Kind: scenario.FaultCrash,
				Node: scenario.SelfTarget, For: ms(300)}})
	res := run(t, s)
	fired := 0
	for _, a := range res.Annotations {
		if strings.HasPrefix(a.Text, "fired trigger on "+lockd.EventVoteGrant+" by "+
			string(a.Node)+": crash "+string(a.Node)) {
			fired++
		}
	}
	require.Equal(t, 2, fired, "%v", res.Annotations)
	require.GreaterOrEqual(t, res.Reached[lockd.EventLeader], uint64(2), "%v", res.Reached)
}
