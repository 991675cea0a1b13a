package raft

// checkState asserts the invariants that tie the core's state to the adapter's after every
// input has been handled (the read side of the checks made where each value changes). Each
// check is a few comparisons: it runs after every event.
func (n *Node) checkState() {
	r, l := n.r, n.r.log
	if n.applied > r.commit {
		panic(broken(r.id, "applied index past the commit index", "applied", n.applied,
			"commit", r.commit))
	}
	if n.applied < l.snapIndex {
		// The log only compacts what a snapshot of the applied state covers.
		panic(broken(r.id, "log compacted past the applied index", "base", l.snapIndex,
			"applied", n.applied))
	}
	if r.commit < l.snapIndex {
		panic(broken(r.id, "commit index behind the snapshot", "commit", r.commit,
			"base", l.snapIndex))
	}
	if l.unstable != l.lastIndex()+1 {
		// Every log change reaches the WAL in the input that made it, before any message
		// about it can leave.
		panic(broken(r.id, "log changes not handed to the WAL", "unstable", l.unstable,
			"last index", l.lastIndex()))
	}
	if l.lastTerm() > r.term {
		panic(broken(r.id, "log ends in a term after the current one", "last term",
			l.lastTerm(), "term", r.term))
	}
	if (r.role == Leader) != (r.lead == r.id) {
		panic(broken(r.id, "leader field out of step with the role", "role", r.role,
			"leader", r.lead))
	}
}
