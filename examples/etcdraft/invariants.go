package etcdraft

import (
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"go.etcd.io/raft/v3"
)

// Invariant names, as reported in Violation.Invariant.
const (
	// ElectionSafety: at most one leader per term.
	ElectionSafety = "ElectionSafety"
	// StateMachineSafety: no two nodes apply different entries at one index.
	StateMachineSafety = "StateMachineSafety"
	// LeaderCompleteness: a leader's log holds every entry committed in an earlier term.
	// Checked when a node is first seen leading, over the part of its log it has written
	// (entries etcd has not handed out yet are not visible).
	LeaderCompleteness = "LeaderCompleteness"
	// Durability: a restarted node recovers the last entry and the hard state (term, vote)
	// that its previous incarnation had synced: the promise behind every vote and every
	// append acknowledgement.
	Durability = "Durability"
)

// Violation is a broken safety invariant. Its text is deterministic (names, terms and
// indexes only), so that a shrinker can recognise the same failure.
type Violation struct {
	Invariant, Detail string
}

// Error renders the violation for the harness's failure report.
func (v *Violation) Error() string {
	return "etcd raft invariant " + v.Invariant + " violated: " + v.Detail
}

func violation(inv, format string, args ...any) *Violation {
	return &Violation{Invariant: inv, Detail: fmt.Sprintf(format, args...)}
}

// ghost is the history of the whole run, across node incarnations, that the invariants are
// checked against: who led each term, what was applied at each index (and the term of the
// node that applied it first, an upper bound on the term it was committed in), and what
// each node's disk had promised when its last incarnation ended.
type ghost struct {
	leaders map[uint64]nodeapi.NodeID
	applied []ghostEntry
	durable map[nodeapi.NodeID]durableMark
	// leading is the term in which each node was last seen leading.
	leading map[nodeapi.NodeID]uint64
}

type ghostEntry struct {
	entryID
	committedBy uint64
}

func newGhost() *ghost {
	return &ghost{leaders: map[uint64]nodeapi.NodeID{},
		durable: map[nodeapi.NodeID]durableMark{}, leading: map[nodeapi.NodeID]uint64{}}
}

// check runs the incremental checks for node n after an event that ran its code.
func (g *ghost) check(id nodeapi.NodeID, n *Node) error {
	if st := n.chk.recoveredState; st != nil {
		n.chk.recoveredState = nil
		if err := g.checkRecovered(id, st); err != nil {
			return err
		}
	}
	if err := g.checkApplied(id, n); err != nil {
		return err
	}
	return g.checkLeader(id, n)
}

// checkRecovered compares what a new incarnation found on disk with what the previous one
// had synced.
func (g *ghost) checkRecovered(id nodeapi.NodeID, st *durableState) error {
	d, ok := g.durable[id]
	if !ok {
		return nil
	}
	switch hs := st.hs; {
	case hs.GetTerm() < d.hsTerm:
		return violation(Durability, "%s restarted in term %d after syncing term %d",
			id, hs.GetTerm(), d.hsTerm)
	case hs.GetTerm() == d.hsTerm && d.hsVote != raft.None && hs.GetVote() != d.hsVote:
		return violation(Durability, "%s restarted with vote %x in term %d after syncing "+
			"a vote for %x", id, hs.GetVote(), d.hsTerm, d.hsVote)
	}
	if d.index <= st.snapIndex() || d.term == 0 {
		return nil
	}
	if t, ok := st.term(d.index); !ok || t != d.term {
		return violation(Durability, "%s restarted without entry %d@%d that it had synced "+
			"(its log ends at %d)", id, d.index, d.term, st.lastIndex())
	}
	return nil
}

// checkApplied records newly applied entries: every node applies the same entry at an
// index.
func (g *ghost) checkApplied(id nodeapi.NodeID, n *Node) error {
	for _, e := range n.chk.appliedLog {
		for uint64(len(g.applied)) <= e.index {
			g.applied = append(g.applied, ghostEntry{})
		}
		seen := &g.applied[e.index]
		if seen.index == 0 {
			*seen = ghostEntry{entryID: e, committedBy: n.term}
			continue
		}
		if seen.entryID != e {
			return violation(StateMachineSafety, "%s applied %d@%d (hash %x), but %d@%d "+
				"(hash %x) was applied", id, e.index, e.term, e.hash, seen.index, seen.term,
				seen.hash)
		}
	}
	clear(n.chk.appliedLog)
	n.chk.appliedLog = n.chk.appliedLog[:0]
	return nil
}

// checkLeader: one leader per term; a new leader holds what was committed before.
func (g *ghost) checkLeader(id nodeapi.NodeID, n *Node) error {
	if n.state != raft.StateLeader || g.leading[id] == n.term {
		return nil
	}
	if other, ok := g.leaders[n.term]; ok && other != id {
		return violation(ElectionSafety, "%s and %s both leader in term %d", other, id,
			n.term)
	}
	g.leaders[n.term] = id
	g.leading[id] = n.term
	first, _ := n.storage.FirstIndex()
	last, _ := n.storage.LastIndex()
	for i := first; i <= last && i < uint64(len(g.applied)); i++ {
		e := g.applied[i]
		if e.index == 0 || e.committedBy >= n.term {
			continue
		}
		if t, _ := n.storage.Term(i); t != e.term {
			return violation(LeaderCompleteness, "%s leads term %d with entry %d@%d, but "+
				"%d@%d was committed by term %d", id, n.term, i, t, i, e.term, e.committedBy)
		}
	}
	return nil
}

// down keeps what node n's disk promised when its incarnation ended.
func (g *ghost) down(id nodeapi.NodeID, n *Node) {
	g.durable[id] = n.chk.durable
	delete(g.leading, id)
}

// sortedIDs returns the keys of nodes in ascending order.
func sortedIDs(nodes map[nodeapi.NodeID]*Node) []nodeapi.NodeID {
	ids := make([]nodeapi.NodeID, 0, len(nodes))
	for id := range nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
