package lockd

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// The protocol events a node reports to its runtime (nodeapi.Reporter): the moments where
// the lock service's replication is fragile, named once each. The simulated world counts
// them as coverage (a guided campaign keeps the scenarios that reach new ones) and triggers
// faults on them; a real runtime ignores them. Reporting one costs a type assertion.
const (
	// EventLeader: the node won an election.
	EventLeader = "leader"
	// EventLeaderBehind: the node won an election holding entries past its commit index,
	// entries of earlier terms that it may commit only with one of its own term.
	EventLeaderBehind = "leader-behind"
	// EventCommitOlderTerm: a leader's commit index moved over entries of an earlier term.
	EventCommitOlderTerm = "commit-older-term"
	// EventStepDown: a leader became a follower (a later term, or CheckQuorum).
	EventStepDown = "step-down"
	// EventVoteGrant: the node granted a vote (not a pre-vote).
	EventVoteGrant = "vote-grant"
	// EventTruncate: a follower removed a suffix of its log that conflicted with the leader's.
	EventTruncate = "truncate"
	// EventTornTail: recovery dropped a torn tail of the write-ahead log (a crash in the
	// middle of a write).
	EventTornTail = "torn-tail"
	// EventGrant: a lock was granted, with a new fencing token, as a leader applied it.
	EventGrant = "grant"
)

// Events lists the events the lock service reports, for generators (triggers) and reports.
func Events() []string {
	return []string{EventLeader, EventLeaderBehind, EventCommitOlderTerm, EventStepDown,
		EventVoteGrant, EventTruncate, EventTornTail, EventGrant}
}

// reached reports event through the node's runtime, if it listens.
func (n *Node) reached(event string) { nodeapi.Reach(n.env, event) }
