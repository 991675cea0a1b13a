package register

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// startPreVote asks the others whether they would vote for this server in the next view.
// Nothing changes on any server until a majority says yes, so a server cut off from the
// others cannot push the view up while it keeps asking.
func (n *Node) startPreVote() {
	n.idle, n.timeout = 0, n.electionTimeout()
	// It suspects the primary now: its lease is over, or it would refuse every other
	// server's pre-vote while it cannot win one itself (its state may be the older).
	n.primary = ""
	n.pre = true
	n.votes = map[nodeapi.NodeID]bool{n.id: true}
	req := message{Type: msgVoteReq, View: n.view + 1, Label: n.label, Version: n.version,
		Pre: true}
	for _, p := range n.others() {
		n.send(p, &req)
	}
	n.countVotes()
}

// startElection moves to the next view as a candidate, votes for itself, and asks for votes
// once that vote is durable.
func (n *Node) startElection() {
	n.view++
	n.votedFor, n.role, n.primary = n.id, candidate, ""
	n.pre = false
	n.votes = map[nodeapi.NodeID]bool{n.id: true}
	n.env.Logf("view %d: candidate with state %d@%d", n.view, n.version, n.label)
	n.persist()
	req := message{Type: msgVoteReq, View: n.view, Label: n.label, Version: n.version}
	for _, p := range n.others() {
		n.sendAfterSync(p, req)
	}
	n.countVotes()
}

// inLease reports whether this server heard from a primary within the minimum election
// timeout (or is one): it then refuses pre-votes and votes, so that a server that merely
// lost touch with a working primary cannot depose it.
func (n *Node) inLease() bool {
	return n.role == primary || n.primary != "" && n.idle < n.cfg.ElectionTicks
}

// onVoteRequest answers a pre-vote or a vote. A vote is given once per view, to a candidate
// whose state is at least as recent as this server's, and leaves only once it is durable.
func (n *Node) onVoteRequest(from nodeapi.NodeID, m *message) {
	recent := compareLabels(m.Label, m.Version, n.label, n.version) >= 0
	if m.Pre {
		grant := m.View > n.view && recent && !n.inLease()
		n.send(from, &message{Type: msgVote, View: m.View, Pre: true, Granted: grant})
		return
	}
	if m.View < n.view || n.inLease() {
		n.send(from, &message{Type: msgVote, View: n.view})
		return
	}
	if m.View > n.view {
		n.adoptView(m.View)
	}
	if !recent || (n.votedFor != "" && n.votedFor != from) {
		n.send(from, &message{Type: msgVote, View: n.view})
		return
	}
	n.votedFor = from
	n.idle = 0
	n.persist()
	n.sendAfterSync(from, message{Type: msgVote, View: n.view, Granted: true})
}

// onVote counts an answer to this server's pre-vote or vote; a refusal from a later view
// makes it a backup of that view.
func (n *Node) onVote(from nodeapi.NodeID, m *message) {
	if !m.Pre && m.View > n.view {
		n.adoptView(m.View)
		return
	}
	current := n.pre && m.Pre && m.View == n.view+1 ||
		!n.pre && !m.Pre && n.role == candidate && m.View == n.view
	if !current || !m.Granted || n.votes == nil {
		return
	}
	n.votes[from] = true
	n.countVotes()
}

// countVotes moves on once a majority said yes: from a pre-vote to an election, from an
// election to the view's primary.
func (n *Node) countVotes() {
	if len(n.votes) < n.majority() {
		return
	}
	if n.pre {
		n.startElection()
		return
	}
	if n.role == candidate {
		n.becomePrimary()
	}
}

// becomePrimary takes over the view: the state is labelled with it and sent whole to every
// backup. Nothing is answered until a majority holds the labelled state.
func (n *Node) becomePrimary() {
	n.role, n.primary = primary, n.id
	n.label = n.view
	n.acked = map[nodeapi.NodeID]uint64{}
	n.waiting = map[uint64]waiter{}
	n.commit = 0
	n.digests = map[uint64]uint32{n.version: n.st.digest()}
	n.votes = nil
	n.persist()
	n.audit.becamePrimary(n)
	nodeapi.Reach(n.env, EventPrimary)
	if a, ok := n.env.(nodeapi.Annotator); ok {
		a.Annotate(fmt.Sprintf("%s primary of view %d", n.id, n.view))
	}
	for _, p := range n.others() {
		n.sendState(p)
	}
}
