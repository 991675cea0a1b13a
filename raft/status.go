package raft

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// NodeStatus is a snapshot of a node's state, for tests, properties and reports.
type NodeStatus struct {
	ID     nodeapi.NodeID
	Role   Role
	Term   uint64
	Leader nodeapi.NodeID
	// Commit, Applied and LastIndex are log indexes; SnapshotIndex is the last entry the
	// durable snapshot covers.
	Commit, Applied, LastIndex, SnapshotIndex uint64
	// Voters is the configuration in force on this node (sorted).
	Voters []nodeapi.NodeID
	// Failed is the error that stopped the node, if any.
	Failed error
}

// Status reports the node's current state.
func (n *Node) Status() NodeStatus {
	r := n.r
	return NodeStatus{ID: r.id, Role: r.role, Term: r.term, Leader: r.lead, Commit: r.commit,
		Applied: n.applied, LastIndex: r.log.lastIndex(), SnapshotIndex: r.log.snapIndex,
		Voters: slices.Clone(r.voters), Failed: n.failure}
}

// Stats returns the node's counters.
func (n *Node) Stats() NodeStats { return n.stats }

// Term returns the highest term any running node has reached: the contract of
// nodeapi.TermReporter, which the stability window watches (with PreVote and CheckQuorum on,
// one cut link must not push it up).
func (s *System) Term() uint64 {
	if s.termAt != s.changes+1 {
		s.term, s.termAt = s.termNow(), s.changes+1
	}
	return s.term
}

// termNow computes Term.
func (s *System) termNow() uint64 {
	var top uint64
	for _, r := range s.byID { // a slice, not the map: asked after every event
		if !r.n.stopped {
			top = max(top, r.n.r.term)
		}
	}
	return top
}
