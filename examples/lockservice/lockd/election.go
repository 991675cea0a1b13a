package lockd

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Elections run in two rounds. The pre-vote asks the voters whether they would vote for
// this node in the next term, without anyone changing term; only with a majority of yes
// does the node enter the term and ask for real votes. A node cut off from the leader thus
// cannot raise the term and depose a leader the others still hear (PreVote), and a voter in
// touch with a leader says no to both rounds (the lease).

func (n *Node) startPreVote() {
	n.role, n.leader = preCandidate, ""
	n.votes = map[nodeapi.NodeID]bool{n.id: true}
	clear(n.waiters)
	n.resetElection()
	if n.hasQuorum(n.votes) {
		n.campaign()
		return
	}
	last := n.lastIndex()
	n.broadcast(&message{Type: msgPreVote, Term: n.term + 1, LastIndex: last,
		LastTerm: n.termAt(last)})
}

// handlePreVote answers without changing anything: a yes promises nothing.
func (n *Node) handlePreVote(from nodeapi.NodeID, m *message) {
	grant := m.Term > n.term && !n.inLease() && n.upToDate(m.LastIndex, m.LastTerm)
	if !grant {
		n.noteLeaseRefusal(m)
	}
	n.send(from, &message{Type: msgPreVoteResp, Term: n.term, Granted: grant})
}

func (n *Node) handlePreVoteResp(from nodeapi.NodeID, m *message) {
	if n.role != preCandidate || !m.Granted {
		return
	}
	n.votes[from] = true
	if n.hasQuorum(n.votes) {
		n.campaign()
	}
}

// campaign enters the next term voting for itself, and asks for votes only once that is
// durable: a candidate that forgot its term after a crash could win the same term twice.
func (n *Node) campaign() {
	n.term++
	n.vote, n.role, n.leader = n.id, candidate, ""
	n.votes = map[nodeapi.NodeID]bool{n.id: true}
	n.persistHard()
	n.resetElection()
	term := n.term
	n.whenDurable(func() {
		if n.term != term || n.role != candidate {
			return
		}
		if n.hasQuorum(n.votes) {
			n.becomeLeader()
			return
		}
		last := n.lastIndex()
		n.broadcast(&message{Type: msgVote, Term: term, LastIndex: last,
			LastTerm: n.termAt(last)})
	})
}

// handleVote grants at most one vote per term, to a candidate whose log is at least as up
// to date, and answers only once the vote is durable: a voter that forgot its vote after a
// crash could elect a second leader in the same term.
func (n *Node) handleVote(from nodeapi.NodeID, m *message) {
	grant := m.Term == n.term && (n.vote == "" || n.vote == from) &&
		n.upToDate(m.LastIndex, m.LastTerm)
	if !grant {
		n.noteLeaseRefusal(m)
		n.send(from, &message{Type: msgVoteResp, Term: n.term})
		return
	}
	if n.vote == "" {
		n.vote = from
		n.persistHard()
		nodeapi.Reach(n.env, EventVoteGrant)
	}
	n.resetElection()
	term := n.term
	n.whenDurable(func() {
		if n.term == term {
			n.send(from, &message{Type: msgVoteResp, Term: term, Granted: true})
		}
	})
}

// noteLeaseRefusal reports a refused request of a later term from an up-to-date
// candidate: only the lease stood in its way.
func (n *Node) noteLeaseRefusal(m *message) {
	if m.Term > n.term && n.inLease() && n.upToDate(m.LastIndex, m.LastTerm) {
		nodeapi.Reach(n.env, EventLeaseRefusal)
	}
}

// handleVoteResp counts distinct voters: a duplicated grant is still one vote.
func (n *Node) handleVoteResp(from nodeapi.NodeID, m *message) {
	if n.role != candidate || m.Term != n.term || !m.Granted {
		return
	}
	n.votes[from] = true
	if n.hasQuorum(n.votes) {
		n.becomeLeader()
	}
}

// upToDate is the election restriction: a candidate's log must end in a later term, or in
// the same term at least as far, so that every committed entry survives the election.
func (n *Node) upToDate(lastIndex, lastTerm uint64) bool {
	mine := n.lastIndex()
	return lastTerm > n.termAt(mine) || (lastTerm == n.termAt(mine) && lastIndex >= mine)
}

func (n *Node) becomeLeader() {
	nodeapi.Reach(n.env, EventLeader)
	if n.commit < n.lastIndex() {
		nodeapi.Reach(n.env, EventLeaderUncommitted)
	}
	n.role, n.leader, n.votes = leader, n.id, nil
	n.elapsed, n.heartbeat = 0, 0
	n.progress = map[nodeapi.NodeID]*progress{}
	for _, p := range n.peers {
		n.progress[p] = &progress{next: n.lastIndex() + 1, active: true}
	}
	if n.audit != nil {
		n.audit.becameLeader(n)
	}
	note := fmt.Sprintf("%s leads term %d", n.id, n.term)
	n.env.Logf("lockd: %s", note)
	if n.annot != nil {
		n.annot.Annotate(note)
	}
	// The no-op commits the entries of earlier terms: a leader counts replicas only for
	// entries of its own term.
	n.propose(Entry{Term: n.term})
}

// leaderTick sends heartbeats and, every election timeout, checks that a majority answered
// in the meantime (CheckQuorum): a leader cut off from it steps down, so that it stops
// taking requests it cannot commit and its clients move on.
func (n *Node) leaderTick() {
	n.heartbeat++
	if n.heartbeat >= n.cfg.HeartbeatTicks {
		n.heartbeat = 0
		n.broadcastAppend()
	}
	if n.elapsed < n.cfg.ElectionTicks {
		return
	}
	n.elapsed = 0
	active := 1
	for _, p := range n.peers {
		if pr := n.progress[p]; pr.active {
			active++
			pr.active = false
		}
	}
	if active <= (len(n.peers)+1)/2 {
		nodeapi.Reach(n.env, EventQuorumLost)
		n.becomeFollower(n.term, "")
	}
}
