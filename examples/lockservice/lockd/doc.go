// Package lockd is a replicated lock service with fencing tokens, written against the node
// contract (package nodeapi) and the standard library only, so that the same code runs in
// simfuzz's simulated world and on a real runtime.
//
// # Protocol
//
// The replicas keep a log of commands, agreed on Raft-style. A leader is elected for a
// term by a majority of votes; a candidate first runs a pre-vote (it enters the term only
// if a majority would vote for it), and a voter that heard from a leader within the
// minimum election timeout refuses both rounds, so a node cut off from the leader cannot
// depose it; a leader that does not hear from a majority within that timeout steps down
// (CheckQuorum). A voter grants one vote per term, to a candidate whose log is at least as
// up to date as its own, and only once the vote is synced to disk. The leader appends
// client commands to its log and sends them to the followers, which keep entries that
// match and replace a conflicting suffix, and acknowledge once the entries are synced. An
// entry is committed once it is durable on a majority (the leader counts its own copy
// only once synced) and is of the leader's term; committing it commits all before it. A
// new leader appends a no-op to commit its predecessors' entries.
//
// Every replica applies committed entries in order to the same state machine: the locks
// (holder and last token each) and the client sessions. Reads (holder) go through the log
// too, so a deposed leader, which cannot commit, never answers from stale state.
//
// # Clients and exactly-once
//
// A client numbers its commands within a random session; the state machine remembers each
// session's latest command and result, so a command retried after a lost reply or a
// leader change applies once, and a retry is answered with the first result. A client
// tries the next server after 500 ms without an answer, follows not-leader hints, and
// reports an unknown outcome after 5 s.
//
// # Disk
//
// One append-only write-ahead log holds hard-state records (term, vote) and entry records,
// each framed with checksums of its length and payload (wal.go). Recovery drops a torn
// tail (a crash during an unsynced write), reads again after a checksum failure (a read
// may be corrupted in transit), and otherwise fails with a *CorruptionError naming the
// file and offset. The log is never compacted (Config.MaxLogEntries bounds it).
//
// # Checks
//
// System implements the simulator's optional interfaces: invariants against ghost state
// (Election Safety, Leader Completeness, State Machine Safety by state digest, and the
// fencing rule that each token of a lock is granted once, in log order), convergence,
// the current leader, and node lifecycle.
//
// # Events
//
// A node reports the protocol's fragile moments through nodeapi.Reach (events.go lists
// them: an election won with uncommitted entries, a conflicting suffix truncated while a
// sync covers it, a fencing token granted across a leader change, a torn tail dropped on
// recovery, ...). The simulator fires trigger faults on them and counts them as coverage;
// any other runtime ignores them.
package lockd
