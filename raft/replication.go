package raft

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// Propose is the leader's input for a client write: append it in the current term and send
// it out. It returns the entry's index, or why the write was not appended.
func (r *raft) Propose(data []byte) (uint64, status) {
	switch {
	case r.role != Leader:
		return 0, statusNotLeader
	case r.transferTarget != "":
		return 0, statusRetry
	}
	index := r.appendLocal(Entry{Type: entryCommand, Data: data})
	r.broadcastAppend()
	return index, statusOK
}

// appendLocal appends entries at the leader's log in the current term. The leader counts its
// own copy only once the adapter reports it durable (Persisted).
func (r *raft) appendLocal(ents ...Entry) uint64 {
	if r.role != Leader {
		// Entries of our own term only come from the leader of that term (Figure 2).
		panic(broken(r.id, "only a leader appends entries of its own", "role", r.role,
			"term", r.term))
	}
	last := r.log.lastIndex()
	conf := false
	for i := range ents {
		ents[i].Index, ents[i].Term = last+1+uint64(i), r.term
		conf = conf || ents[i].Type == entryConfig
	}
	r.log.append(ents...)
	if conf {
		r.syncConfig()
	}
	r.maybeCommit() // (commits nothing new while the leader's own copy is not yet durable)
	return r.log.lastIndex()
}

// broadcastAppend sends new entries to every follower that may receive them now.
func (r *raft) broadcastAppend() {
	for _, pr := range r.prs {
		r.sendAppend(pr, false)
	}
}

// broadcastHeartbeat sends every follower an AppendEntries even if it has nothing new: it
// asserts leadership, carries the commit index and the latest ReadIndex round, and probes
// followers whose position is unknown.
func (r *raft) broadcastHeartbeat() {
	for _, pr := range r.prs {
		r.sendAppend(pr, true)
	}
	r.checkReads()
}

// sendAppend sends pr what it lacks: entries from pr.next (bounded by MaxEntriesPerAppend
// and the in-flight limit), or a snapshot when those entries are compacted away. With
// heartbeat it sends even when there is nothing new or the follower is paused.
func (r *raft) sendAppend(pr *progress, heartbeat bool) {
	if pr.match >= pr.next || pr.next > r.log.lastIndex()+1 {
		// Backing off never passes match, and nothing moves next beyond the leader's log.
		panic(broken(r.id, "follower's next index outside (match, last index + 1]",
			"follower", pr.id, "match", pr.match, "next", pr.next, "last index",
			r.log.lastIndex()))
	}
	if pr.state == stateSnapshot {
		if heartbeat && r.now >= pr.snapResendAt {
			r.sendSnapshot(pr)
		}
		return
	}
	prev := pr.next - 1
	prevTerm, ok := r.log.term(prev)
	if !ok {
		r.sendSnapshot(pr)
		return
	}
	var ents []Entry
	if last := r.log.lastIndex(); pr.next <= last && !pr.paused(r.cfg.MaxInflightAppends) {
		hi := min(last+1, pr.next+uint64(r.cfg.MaxEntriesPerAppend))
		if hi > pr.next+1 && r.bug(SiteTinyBatch) {
			hi = pr.next + 1
		}
		ents = r.log.slice(pr.next, hi)
	}
	if len(ents) == 0 && !heartbeat {
		return
	}
	if len(ents) > 0 {
		pr.sent(ents[len(ents)-1].Index)
	}
	m := r.post(pr.id)
	m.Type, m.Term, m.PrevIndex, m.PrevTerm = msgApp, r.term, prev, prevTerm
	m.Commit, m.ReadID, m.Entries = r.commit, r.readSeq, ents
}

// handleAppend is the AppendEntries receiver of Figure 2.
func (r *raft) handleAppend(from nodeapi.NodeID, m *message) {
	if r.role == Leader {
		// Two leaders in one term would break Election Safety; never follow the other one.
		r.note(string(r.id) + ": AppendEntries from " + string(from) + " in own term " +
			dec(r.term) + " ignored")
		return
	}
	r.hearFromLeader(from)
	if r.installing {
		return // busy persisting a snapshot; the leader retries
	}
	var index, hintIndex, hintTerm uint64
	reject := false
	switch {
	case m.PrevIndex < r.commit:
		// Everything up to commit is committed and so matches the leader.
		index = r.commit
	case !r.log.matchTerm(m.PrevIndex, m.PrevTerm):
		reject, index = true, m.PrevIndex
		hintIndex, hintTerm = r.conflictHint(m.PrevIndex)
	default:
		lastNew := m.PrevIndex + uint64(len(m.Entries))
		r.appendFromLeader(m.Entries)
		r.commitTo(min(m.Commit, lastNew))
		index = lastNew
	}
	if !reject && index > r.log.lastIndex() {
		// The leader counts an ack towards commit: it must only name entries we hold.
		panic(broken(r.id, "append ack past the last log index", "ack", index,
			"last index", r.log.lastIndex()))
	}
	resp := r.post(from)
	resp.Type, resp.Term, resp.ReadID, resp.Reject = msgAppResp, r.term, m.ReadID, reject
	resp.Index, resp.HintIndex, resp.HintTerm = index, hintIndex, hintTerm
}

// hearFromLeader records contact with the current term's leader.
func (r *raft) hearFromLeader(from nodeapi.NodeID) {
	if r.role != Follower || r.lead != from {
		r.becomeFollower(r.term, from)
		return
	}
	r.leaderContact = r.now
	r.resetElectionTimer()
}

// appendFromLeader merges entries that follow a matching entry: entries already present with
// the same term are kept (a stale or duplicated AppendEntries must never truncate), and only
// from the first conflicting entry on is the log replaced.
func (r *raft) appendFromLeader(ents []Entry) {
	for i := range ents {
		e := &ents[i]
		if e.Index <= r.log.snapIndex {
			continue
		}
		t, ok := r.log.term(e.Index)
		if ok && t == e.Term {
			continue
		}
		if ok {
			r.truncateConflict(e.Index)
		}
		r.log.append(ents[i:]...)
		if lt := r.log.lastTerm(); lt > r.term {
			panic(broken(r.id, "appended an entry of a term after the current one",
				"entry term", lt, "term", r.term))
		}
		if hasConfig(ents[i:]) {
			r.syncConfig()
		}
		return
	}
}

// truncateConflict drops the log suffix from i, which conflicts with the leader's log.
func (r *raft) truncateConflict(i uint64) {
	if i <= r.commit {
		panic(broken(r.id, "truncation at or below the commit index: the leader's entry "+
			"conflicts with a committed one", "index", i, "commit", r.commit))
	}
	if r.role == Leader {
		panic(broken(r.id, "a leader never truncates its log (Leader Append-Only)", "index", i,
			"term", r.term))
	}
	conf := r.log.configIndex() >= i
	r.log.truncateFrom(i)
	r.reached(EventTruncate)
	r.stable = min(r.stable, i-1)
	if conf {
		r.syncConfig()
	}
}

func hasConfig(ents []Entry) bool {
	for i := range ents {
		if ents[i].Type == entryConfig {
			return true
		}
	}
	return false
}

// conflictHint is the fast log backup: where the leader should try next after a failed
// consistency check at prev. A short log asks for the entry after its last; a conflicting
// entry names its term and the first index of that term, so the leader skips the whole term.
func (r *raft) conflictHint(prev uint64) (hintIndex, hintTerm uint64) {
	if prev > r.log.lastIndex() {
		return r.log.lastIndex() + 1, 0
	}
	t, _ := r.log.term(prev)
	return r.log.firstIndexOfTerm(prev, t, r.commit+1), t
}

// handleAppendResponse is the leader's side: advance or back off the follower's progress,
// commit what a quorum holds, and confirm reads.
func (r *raft) handleAppendResponse(from nodeapi.NodeID, m *message) {
	pr := r.progress(from)
	if r.role != Leader || pr == nil {
		return
	}
	pr.recentActive = true
	pr.readAck = max(pr.readAck, m.ReadID)
	if m.Reject {
		r.handleReject(pr, m)
	} else {
		r.handleAck(pr, m.Index)
	}
	r.checkReads()
}

func (r *raft) handleAck(pr *progress, index uint64) {
	if index > r.log.lastIndex() {
		return // acknowledges entries we do not have: a response to a former term's leader
	}
	grew := pr.acked(index)
	switch {
	case pr.state == stateProbe:
		pr.becomeReplicate()
	case pr.state == stateSnapshot && pr.match >= pr.snapIndex:
		pr.becomeReplicate()
	}
	if grew && r.maybeCommit() && r.role != Leader {
		return
	}
	r.sendAppend(pr, false)
	if pr.id == r.transferTarget && pr.match == r.log.lastIndex() {
		r.send(pr.id, &message{Type: msgTimeoutNow, Term: r.term})
	}
}

// handleReject backs pr off after a failed consistency check, using the follower's hint.
func (r *raft) handleReject(pr *progress, m *message) {
	switch {
	case pr.state == stateSnapshot:
		return
	case pr.state == stateReplicate && m.Index <= pr.match:
		return // stale: about entries the follower has since acknowledged
	case pr.state == stateProbe && m.Index != pr.next-1:
		return // stale: not about our latest probe
	}
	next := m.HintIndex
	if m.HintTerm > 0 {
		if i := r.log.lastIndexOfTerm(m.HintTerm); i > 0 {
			next = i + 1
		}
	}
	next = max(min(next, m.Index), pr.match+1)
	if pr.state == stateProbe && next == pr.next {
		// Backing off cannot pass match: a follower that rejects an append at its match index
		// has lost an entry it acknowledged (durable state). Answering each such reject at
		// once would start one more endless exchange on every heartbeat; the heartbeat retries.
		return
	}
	pr.next = next
	pr.becomeProbe()
	r.sendAppend(pr, false)
}
