package lockd

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// progress is the leader's view of one follower.
type progress struct {
	next   uint64 // the next index to send
	match  uint64 // the last index known durable on the follower and matching the leader
	active bool   // heard from since the last CheckQuorum
}

// propose appends e to the leader's log and sends it out. The leader counts its own copy
// towards the commit only once it is synced.
func (n *Node) propose(e Entry) {
	index := n.lastIndex() + 1
	n.log = append(n.log, e)
	n.halt(n.wal.appendEntries(index, n.log[index-1:]))
	term := n.term
	n.whenDurable(func() {
		if n.role == leader && n.term == term {
			n.maybeCommit()
		}
	})
	n.broadcastAppend()
}

func (n *Node) broadcastAppend() {
	for _, p := range n.peers {
		n.sendAppend(p)
	}
}

func (n *Node) sendAppend(to nodeapi.NodeID) {
	pr := n.progress[to]
	prev := min(pr.next-1, n.lastIndex())
	end := min(n.lastIndex(), prev+uint64(n.cfg.MaxEntriesPerAppend))
	if end > prev+1 && nodeapi.Buggify(n.env, SiteTinyAppend) {
		end = prev + 1
	}
	n.send(to, &message{Type: msgAppend, Term: n.term, PrevIndex: prev,
		PrevTerm: n.termAt(prev), Entries: n.log[prev:end], Commit: n.commit})
}

// handleAppend accepts entries from the leader of the node's term. It answers success only
// once the entries are durable, and only if it is still in that term: within a term the
// entries it checked cannot be cut again, so the answer is still true when it leaves.
func (n *Node) handleAppend(from nodeapi.NodeID, m *message) {
	if m.Term < n.term {
		n.send(from, &message{Type: msgAppendResp, Term: n.term, PrevIndex: m.PrevIndex,
			Match: n.lastIndex()})
		return
	}
	if n.role == leader {
		panic("lockd: " + string(n.id) + " and " + string(from) + " both lead term " +
			FormatToken(n.term))
	}
	if n.role != follower || n.leader != from {
		n.becomeFollower(m.Term, from)
	}
	n.elapsed = 0
	if m.PrevIndex > n.lastIndex() || n.termAt(m.PrevIndex) != m.PrevTerm {
		n.send(from, &message{Type: msgAppendResp, Term: n.term, PrevIndex: m.PrevIndex,
			Match: n.lastIndex()})
		return
	}
	last := n.appendFromLeader(m.PrevIndex, m.Entries)
	if c := min(m.Commit, last); c > n.commit {
		n.commit = c
		n.apply()
	}
	term := n.term
	reply := func() {
		if n.term == term {
			n.send(from, &message{Type: msgAppendResp, Term: term, Success: true,
				Match: min(last, n.sync.synced)})
		}
	}
	if last <= n.sync.synced {
		reply()
		return
	}
	n.whenDurable(reply)
}

// appendFromLeader adds the entries after prev and returns the last index they cover.
// Entries the log already has with the same term are kept: a stale or duplicated append
// must not cut entries a later append added. Only a conflict (same index, other term)
// truncates.
func (n *Node) appendFromLeader(prev uint64, entries []Entry) uint64 {
	for i := range entries {
		index := prev + 1 + uint64(i)
		if index <= n.lastIndex() {
			if n.termAt(index) == entries[i].Term {
				continue
			}
			n.truncate(index)
		}
		n.log = append(n.log, entries[i:]...)
		n.halt(n.wal.appendEntries(index, entries[i:]))
		break
	}
	return prev + uint64(len(entries))
}

// handleAppendResp moves the follower's progress on. Only an answer that tells something new
// (a higher match, or the rejection of the latest probe) sends again: if every answer did,
// duplicated messages would multiply into a storm of appends and answers.
func (n *Node) handleAppendResp(from nodeapi.NodeID, m *message) {
	if n.role != leader || m.Term != n.term {
		return
	}
	pr := n.progress[from]
	pr.active = true
	switch {
	case !m.Success && m.PrevIndex == pr.next-1 && pr.next > pr.match+1:
		// Back up to the follower's log end or below the rejected entry, never below
		// what is known to match.
		pr.next = max(pr.match+1, min(m.PrevIndex, m.Match+1))
		n.sendAppend(from)
	case m.Success && m.Match > pr.match:
		pr.match = m.Match
		pr.next = max(pr.next, m.Match+1)
		n.maybeCommit()
		if pr.next <= n.lastIndex() {
			n.sendAppend(from)
		}
	}
}

// maybeCommit advances the commit index to the highest index durable on a majority, if that
// entry is of the leader's own term: an older term's entry on a majority can still be
// overwritten by a leader that never saw it (Figure 8 of the Raft paper); committing an
// entry of its own term commits the earlier ones with it.
func (n *Node) maybeCommit() {
	matches := []uint64{n.sync.synced}
	for _, p := range n.peers {
		matches = append(matches, n.progress[p].match)
	}
	slices.Sort(matches)
	c := matches[len(matches)-1-len(matches)/2]
	if c > n.commit && n.termAt(c) == n.term {
		if n.termAt(n.commit+1) < n.term {
			nodeapi.Reach(n.env, EventCommitOlderTerm)
		}
		n.commit = c
		n.apply()
	}
}
