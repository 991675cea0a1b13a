package lockd

// The protocol events a node reports to its runtime through nodeapi.Reach: the moments
// where this protocol is fragile, named once each. The simulated world counts them as
// coverage (a guided campaign keeps the scenarios that reach a new one, or reach one more
// often) and fires trigger faults on them ("when a node grants a vote, crash it"); a real
// runtime ignores them. Each is a fixed name, never built from indexes or node IDs, and a
// report costs a type assertion: no allocation, and nothing the protocol reads back.
const (
	// EventLeader: the node won an election.
	EventLeader = "leader"
	// EventLeaderUncommitted: the node won an election holding entries past its commit
	// index. Entries of earlier terms cannot be committed by counting replicas; the new
	// leader's no-op commits them, and until then a crash may leave them to be overwritten.
	EventLeaderUncommitted = "leader-uncommitted"
	// EventCommitOlderTerm: a leader's commit index moved over entries of an earlier term,
	// carried by an entry of its own.
	EventCommitOlderTerm = "commit-older-term"
	// EventDeposed: a leader saw a higher term and became a follower.
	EventDeposed = "deposed"
	// EventQuorumLost: a leader heard from no majority within the lease and stepped down
	// (CheckQuorum).
	EventQuorumLost = "quorum-lost"
	// EventVoteGrant: the node gave its vote for a term (a real vote, not a pre-vote). The
	// answer leaves only once the vote is synced.
	EventVoteGrant = "vote-grant"
	// EventLeaseRefusal: the node refused a pre-vote or vote it would otherwise have granted,
	// because it heard from a live leader within the lease.
	EventLeaseRefusal = "lease-refusal"
	// EventCandidateTimeout: a candidate's election timed out before a majority voted for it
	// (a split vote, or lost answers); it starts over with a pre-vote.
	EventCandidateTimeout = "candidate-timeout"
	// EventTruncate: a follower removed a conflicting suffix of its log.
	EventTruncate = "truncate"
	// EventTruncateSyncing: the removed suffix held entries that the Sync in flight
	// covers. The syncer lowers its mark so that the Sync's completion does not count the
	// replacements durable; a follower that got this wrong would acknowledge entries it
	// never synced.
	EventTruncateSyncing = "truncate-syncing"
	// EventTokenNewTerm: a leader applied a lock grant whose entry is of a later term than
	// the entry that granted the lock's previous token: the fencing tokens of that lock
	// continue across a leader change.
	EventTokenNewTerm = "token-new-term"
	// EventDuplicateCommand: a leader applied a client command its session had already
	// applied (proposed again after a leader change) and skipped it: exactly-once at work.
	EventDuplicateCommand = "duplicate-command"
	// EventTornTail: recovery dropped a frame cut short by a crash at the end of the
	// write-ahead log.
	EventTornTail = "torn-tail"
	// EventReread: recovery met a checksum failure, read the log again and found it intact
	// (the read, not the disk, was damaged).
	EventReread = "reread"
	// EventSyncFailed: a Sync of the write-ahead log failed; the node fail-stops where the
	// runtime can restart it, and syncs again elsewhere.
	EventSyncFailed = "sync-failed"
)

// Events lists every event a node reports, for the target (fuzz.Target.Events): generated
// triggers wait for one of them, and campaign reports name them.
func Events() []string {
	return []string{EventLeader, EventLeaderUncommitted, EventCommitOlderTerm, EventDeposed,
		EventQuorumLost, EventVoteGrant, EventLeaseRefusal, EventCandidateTimeout,
		EventTruncate, EventTruncateSyncing, EventTokenNewTerm, EventDuplicateCommand,
		EventTornTail, EventReread, EventSyncFailed}
}
