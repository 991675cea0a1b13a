package register

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// ghost is what the invariant checks remember across crashes: a simulator's view of the
// whole cluster that no server could have.
type ghost struct {
	primaries map[uint64]nodeapi.NodeID // the primary of each view
	// commits holds, for each committed version whose state a primary knew, the
	// digest of that state and the view in which it was committed.
	commits map[uint64]commitRecord
	err     error
}

type commitRecord struct {
	digest uint32
	view   uint64
}

func newGhost() *ghost {
	return &ghost{primaries: map[uint64]nodeapi.NodeID{}, commits: map[uint64]commitRecord{}}
}

func (g *ghost) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf(format, args...)
	}
}

// becamePrimary checks Election Safety (one primary per view) and Primary Completeness: a
// new primary holds every version committed in an earlier view. (A version committed in a
// later view may be missing: a server can win a view late, after the others moved on, and
// it can commit nothing there.)
func (g *ghost) becamePrimary(n *Node) {
	if p, ok := g.primaries[n.view]; ok {
		g.fail("register invariant ElectionSafety violated: %s became primary of view %d, "+
			"which %s already led", n.id, n.view, p)
	}
	g.primaries[n.view] = n.id
	var missing uint64
	for v, c := range g.commits {
		if c.view < n.view && v > n.version {
			missing = max(missing, v)
		}
	}
	if missing > 0 {
		g.fail("register invariant PrimaryCompleteness violated: %s became primary of view "+
			"%d with version %d, but version %d was committed in view %d", n.id, n.view,
			n.version, missing, g.commits[missing].view)
	}
	g.holds(n)
}

// committed records that the primary n committed version v, whose state had digest d: no
// other state may ever be committed at v.
func (g *ghost) committed(n *Node, v uint64, d uint32) {
	if c, ok := g.commits[v]; ok && c.digest != d {
		g.fail("register invariant StateSafety violated: %s committed another state at "+
			"version %d in view %d than was committed in view %d", n.id, v, n.view, c.view)
	}
	if _, ok := g.commits[v]; !ok {
		g.commits[v] = commitRecord{digest: d, view: n.view}
	}
}

// holds checks a server's new state: a state made by a primary of a view at or after the
// one that committed its version must be the committed state. (A state of an earlier view
// may differ: its last operations were never committed.)
func (g *ghost) holds(n *Node) {
	c, ok := g.commits[n.version]
	if !ok || n.label < c.view {
		return
	}
	if d := n.st.digest(); d != c.digest {
		g.fail("register invariant StateSafety violated: %s holds another state at "+
			"version %d (view %d) than was committed in view %d", n.id, n.version, n.label,
			c.view)
	}
}
