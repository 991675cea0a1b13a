package etcdraft

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// The protocol events this glue reports to its runtime (nodeapi.Reporter), seen from
// outside etcd's raft: role changes, votes, log overwrites, snapshots and configuration
// changes as the Readies and the status show them. The simulated world counts them as
// coverage and triggers faults on them; a real runtime ignores them. They name the same
// moments as the built-in Raft KV's events where both have them.
const (
	// EventLeader: the node became leader.
	EventLeader = "leader"
	// EventLeaderBehind: the node became leader holding entries past its commit index.
	EventLeaderBehind = "leader-behind"
	// EventStepDown: a leader became a follower or candidate.
	EventStepDown = "step-down"
	// EventVoteGrant: the node voted for the candidate whose vote request it handled.
	EventVoteGrant = "vote-grant"
	// EventTruncate: a Ready's entries overwrote part of the log (a conflicting suffix).
	EventTruncate = "truncate"
	// EventSnapshotInstall: the node installed a snapshot from the leader.
	EventSnapshotInstall = "snapshot-install"
	// EventConfApply: the node applied a committed configuration change.
	EventConfApply = "conf-apply"
)

// Events lists the events the glue reports, for generators (triggers) and reports.
func Events() []string {
	return []string{EventLeader, EventLeaderBehind, EventStepDown, EventVoteGrant,
		EventTruncate, EventSnapshotInstall, EventConfApply}
}

// reached reports event through the node's runtime, if it listens.
func (n *Node) reached(event string) { nodeapi.Reach(n.env, event) }
