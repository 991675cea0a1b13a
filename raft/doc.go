// Package raft is the built-in system under test of simfuzz: a Raft key-value store written
// against the harness node API only (Env, Disk, timers, datagrams), so that the same code
// could run on a real runtime.
//
// # Layers
//
// The consensus core (type raft: core.go, election.go, replication.go, commit.go,
// readindex.go, membership.go, transfer.go, snapshot.go) is sans-IO: its inputs are messages,
// ticks and durability notices, its outputs are messages, log writes and a commit index,
// collected as data. The adapter (node.go, durability.go, wal.go, recovery.go, apply.go,
// server.go, clock.go) moves that data through the Env: it writes and syncs the disk before
// releasing the messages that depend on it, applies committed entries to the key-value state
// machine (kv.go), and answers clients. client.go is the client endpoint; system.go and
// invariants.go plug the whole into the harness with incremental ghost-state safety checks,
// which only read the nodes (the log's rewrite history, rewrites.go, tells them what changed).
//
// # Assertions
//
// State changes check the rules they must keep (role transitions, the term, the vote,
// commit, truncation, the synced index, snapshots, the WAL) and panic naming the rule and
// the values; the simulator reports such a panic as a found bug. checks.go reads the rules
// that tie the core to the adapter back after every input. Messages are built without fmt,
// which links os (format.go); deps_test.go keeps the package's dependencies to the node
// contract and the standard library.
//
// # Where each protocol rule lives
//
// Every rule whose violation is a known Raft bug sits in one small function, so that a
// mutation patch (testdata/mutants) can break exactly one:
//
//  1. Figure 8 (commit only entries of the current term by counting): raft.canCommitByCounting
//  2. term and vote synced before a grant leaves: mustWaitForSync (msgVote, msgVoteResp)
//  3. a candidate counts distinct voters: raft.recordVote
//  4. a stale or duplicated AppendEntries never truncates matching entries:
//     raft.appendFromLeader
//  5. the election restriction compares last term, then length: raft.isUpToDate
//  6. ReadIndex only after the leader committed an entry of its term: raft.readIndexReady
//  7. membership: no-op committed first, one uncommitted config entry: raft.confChangeAllowed
//  8. PreVote and CheckQuorum: Config.PreVote, Config.CheckQuorum (raft.electionTimeout,
//     raft.checkQuorum, raft.inLease)
//  9. the leader counts its own entry only once synced: raft.leaderSelfMatch
//  10. a retried write applies once: kvStore.dedup
//
// A unit test of this package fails for each of them.
package raft
