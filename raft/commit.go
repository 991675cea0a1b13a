package raft

import "slices"

// maxVotersOnStack sizes the scratch array of quorumMatchIndex; larger clusters allocate.
const maxVotersOnStack = 16

// maybeCommit advances the leader's commit index to the highest index a quorum of voters
// holds durably, subject to the Figure 8 rule. It reports whether commit moved.
func (r *raft) maybeCommit() bool {
	n := r.quorumMatchIndex()
	if n <= r.commit || !r.canCommitByCounting(n) {
		return false
	}
	if t, ok := r.log.term(r.commit + 1); ok && t < r.term {
		r.reached(EventCommitOlderTerm)
	}
	r.commitTo(n)
	r.afterLeaderCommit()
	return true
}

// canCommitByCounting is the Figure 8 rule (§5.4.2): a leader commits by counting replicas
// only an entry of its own term; earlier entries commit indirectly, with it.
func (r *raft) canCommitByCounting(index uint64) bool {
	t, ok := r.log.term(index)
	return ok && t == r.term
}

// quorumMatchIndex is the highest index held by a quorum of the current voters. The leader
// counts itself only if it is a voter, and only up to what its own disk has synced.
func (r *raft) quorumMatchIndex() uint64 {
	var scratch [maxVotersOnStack]uint64
	matches := scratch[:0]
	for _, v := range r.voters {
		if v == r.id {
			matches = append(matches, r.leaderSelfMatch())
		} else if pr := r.progress(v); pr != nil {
			matches = append(matches, pr.match)
		} else {
			matches = append(matches, 0)
		}
	}
	if len(matches) == 0 {
		return 0
	}
	slices.Sort(matches)
	return matches[len(matches)-quorumSize(len(matches))]
}

// leaderSelfMatch is how far the leader counts its own log towards a quorum: only what is
// synced on its own disk, so that an acknowledged write survives the leader's crash.
func (r *raft) leaderSelfMatch() uint64 { return r.stable }

// commitTo raises the commit index (never lowers it).
func (r *raft) commitTo(index uint64) {
	if index <= r.commit {
		return
	}
	if index > r.log.lastIndex() {
		// Committing what the log does not hold would apply entries it never had.
		panic(broken(r.id, "commit index past the last log index", "commit", index,
			"last index", r.log.lastIndex()))
	}
	r.commit = index
}

// committedInCurrentTerm reports whether the leader has committed an entry of its own term,
// before which it does not know the true commit index (needed for ReadIndex and
// configuration changes).
func (r *raft) committedInCurrentTerm() bool {
	t, ok := r.log.term(r.commit)
	return ok && t == r.term
}

// afterLeaderCommit runs the leader's duties that wait for commits: start the reads that
// waited for the first commit of the term, and step down once its own removal committed.
func (r *raft) afterLeaderCommit() {
	if len(r.waitingReads) > 0 && r.readIndexReady() {
		waiting := r.waitingReads
		r.waitingReads = nil
		for _, ctx := range waiting {
			r.registerRead(ctx)
		}
		r.broadcastHeartbeat()
	}
	if !r.isVoter(r.id) && r.commit >= r.log.configIndex() {
		r.stepDownAfterRemoval()
	}
}

// Persisted is the input telling the core that its log is durable up to (index, term) as of
// the write that the adapter synced. A later truncation may have replaced that entry; then
// the notice says nothing about the current log and is ignored.
func (r *raft) Persisted(index, term uint64) {
	if r.stable > r.log.lastIndex() {
		// Whatever shortened the log (a truncation, a snapshot) must lower stable with it, or
		// the leader would count entries it no longer holds towards a quorum.
		panic(broken(r.id, "synced index past the end of the log", "synced", r.stable,
			"last index", r.log.lastIndex()))
	}
	if index <= r.stable || !r.log.matchTerm(index, term) {
		return
	}
	r.stable = index
	if r.role == Leader {
		r.maybeCommit()
	}
}
