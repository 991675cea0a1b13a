package lockd

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// auditor hears of the state changes the invariants are about, where they happen; the
// ghost is the only implementation.
type auditor interface {
	becameLeader(n *Node)
	applied(n *Node, index uint64, g *Grant)
}

// ghost is what the whole run has seen, kept outside the nodes so that it survives their
// crashes. Its checks (each against every node, every incarnation):
//
//   - Election Safety: at most one leader per term, and never the same node in two
//     incarnations (a term forgotten in a crash).
//   - Leader Completeness: a new leader holds every entry committed in an earlier term.
//   - State Machine Safety: every replica applies the same entry at each index, and has the
//     same locks, holders and tokens afterwards (compared by digest).
//   - Fencing: each token of a lock is granted once, to one owner, and tokens follow the
//     log order 1, 2, 3, ...
type ghost struct {
	incarnations map[nodeapi.NodeID]int
	inc          map[*Node]int
	leaders      map[uint64]leadership
	committed    []committedEntry
	digests      []uint64
	grants       map[string][]Grant // per lock, indexed by token-1
	err          error
}

type leadership struct {
	id  nodeapi.NodeID
	inc int
}

// committedEntry identifies the entry applied at an index and the term it was committed in.
type committedEntry struct {
	e  Entry
	in uint64
}

func newGhost() *ghost {
	return &ghost{incarnations: map[nodeapi.NodeID]int{}, inc: map[*Node]int{},
		leaders: map[uint64]leadership{}, grants: map[string][]Grant{}}
}

func (g *ghost) started(n *Node) {
	g.incarnations[n.id]++
	g.inc[n] = g.incarnations[n.id]
}

func (g *ghost) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf(format, args...)
	}
}

func (g *ghost) becameLeader(n *Node) {
	me := leadership{n.id, g.inc[n]}
	if prev, ok := g.leaders[n.term]; ok && prev != me {
		g.fail("Election Safety: term %d has two leaders: %s (incarnation %d) and %s "+
			"(incarnation %d)", n.term, prev.id, prev.inc, me.id, me.inc)
		return
	}
	g.leaders[n.term] = me
	for i, c := range g.committed {
		if c.in >= n.term {
			continue
		}
		if i >= len(n.log) || n.log[i] != c.e {
			g.fail("Leader Completeness: %s leads term %d without entry %d, committed in "+
				"term %d", n.id, n.term, i+1, c.in)
			return
		}
	}
}

func (g *ghost) applied(n *Node, index uint64, grant *Grant) {
	e := n.log[index-1]
	switch i := int(index - 1); {
	case i == len(g.committed):
		g.committed = append(g.committed, committedEntry{e: e, in: n.term})
		g.digests = append(g.digests, n.sm.digest)
	case i > len(g.committed):
		g.fail("%s applied entry %d before any replica applied entry %d", n.id, index,
			len(g.committed)+1)
		return
	case g.committed[i].e != e:
		g.fail("State Machine Safety: %s applied %s at index %d, another replica %s", n.id,
			describeEntry(e), index, describeEntry(g.committed[i].e))
		return
	case g.digests[i] != n.sm.digest:
		g.fail("State Machine Safety: after entry %d (%s) %s holds other locks or tokens "+
			"than the replica that applied it first", index, describeEntry(e), n.id)
		return
	}
	if grant != nil {
		g.granted(n, grant)
	}
}

// granted checks a new fencing token against every grant the run has seen.
func (g *ghost) granted(n *Node, gr *Grant) {
	list := g.grants[gr.Lock]
	switch t := int(gr.Token); {
	case t == len(list)+1:
		if t > 1 && list[t-2].Index >= gr.Index {
			g.fail("Fencing: %s granted token %d of %s at index %d, not after token %d "+
				"(index %d)", n.id, t, gr.Lock, gr.Index, t-1, list[t-2].Index)
			return
		}
		g.grants[gr.Lock] = append(list, *gr)
	case t > len(list)+1 || t < 1:
		g.fail("Fencing: %s granted token %d of %s at index %d, but only %d tokens were "+
			"granted before", n.id, t, gr.Lock, gr.Index, len(list))
	case list[t-1] != *gr:
		prev := list[t-1]
		g.fail("Fencing: token %d of %s granted twice: to %s at index %d and, by %s, to %s "+
			"at index %d", t, gr.Lock, prev.Owner, prev.Index, n.id, gr.Owner, gr.Index)
	}
}

func describeEntry(e Entry) string {
	if e.Op.Kind == 0 {
		return fmt.Sprintf("no-op of term %d", e.Term)
	}
	return fmt.Sprintf("%s(%s, %s) of term %d (session %x seq %d)", KindName(e.Op.Kind),
		e.Op.Key, e.Op.Value, e.Term, e.Session, e.Seq)
}
