package raft

// The protocol events a node reports to its runtime (nodeapi.Reporter): moments where Raft
// is fragile, named once each. The simulated world triggers faults on them and counts them
// as coverage; a real runtime ignores them.
const (
	// EventLeader: the node won an election.
	EventLeader = "leader"
	// EventLeaderBehind: the node won an election holding entries past its commit index
	// (entries of earlier terms it cannot yet commit: the setting of Figure 8).
	EventLeaderBehind = "leader-behind"
	// EventCommitOlderTerm: a leader's commit index moved over entries of an earlier term.
	EventCommitOlderTerm = "commit-older-term"
	// EventStepDown: a leader became a follower.
	EventStepDown = "step-down"
	// EventVoteGrant: the node granted a vote (not a pre-vote).
	EventVoteGrant = "vote-grant"
	// EventConfAppend: a leader appended a configuration change.
	EventConfAppend = "conf-append"
	// EventConfRefused: a leader refused a configuration change (another one is pending,
	// or it has not committed an entry of its term yet).
	EventConfRefused = "conf-refused"
	// EventTruncate: a follower removed a conflicting suffix of its log.
	EventTruncate = "truncate"
	// EventSnapshotSend: a leader sent a snapshot; EventSnapshotInstall: a follower
	// installed one.
	EventSnapshotSend    = "snapshot-send"
	EventSnapshotInstall = "snapshot-install"
	// EventReadIndex: a leader registered a ReadIndex read.
	EventReadIndex = "read-index"
)

// Events lists the events the Raft KV reports, for generators (triggers) and reports.
func Events() []string {
	return []string{EventLeader, EventLeaderBehind, EventCommitOlderTerm, EventStepDown,
		EventVoteGrant, EventConfAppend, EventConfRefused, EventTruncate, EventSnapshotSend,
		EventSnapshotInstall, EventReadIndex}
}

// reached reports event through the node's runtime, if it listens.
func (r *raft) reached(event string) {
	if r.reach != nil {
		r.reach(event)
	}
}
