// Package clean keeps the node contract: map ranges whose order cannot reach the run,
// and the Env for everything else. The analyzer reports nothing here.
package clean

import (
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

type node struct {
	env   nodeapi.Env
	peers map[nodeapi.NodeID]int
	acked map[nodeapi.NodeID]bool
}

func (n *node) tick() {
	n.env.After(100*time.Millisecond, n.tick)
	for _, id := range slices.Sorted(maps.Keys(n.peers)) {
		n.env.Send(id, nil)
	}
}

func (n *node) sum() (total int) {
	for _, v := range n.peers {
		total += v
	}
	return total
}

func (n *node) forget() {
	for id := range n.acked {
		delete(n.acked, id)
	}
	for id, v := range n.peers {
		n.acked[id] = v > 0
	}
}

func (n *node) all(limit int) bool {
	for _, v := range n.peers {
		if v > limit {
			return false // a constant: the same whichever key comes first
		}
	}
	return true
}

func (n *node) sortedIDs() []nodeapi.NodeID {
	var ids []nodeapi.NodeID
	for id := range n.peers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

type byID []string

func (b byID) Len() int           { return len(b) }
func (b byID) Less(i, j int) bool { return b[i] < b[j] }
func (b byID) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func (n *node) names() []string {
	var names []string
	for id := range n.peers {
		local := []string{}
		local = append(local, string(id)) // a variable of the loop's own
		names = append(names, local...)
	}
	sort.Sort(byID(names))
	return names
}

func (n *node) counts() map[int]int {
	out := map[int]int{}
	for _, v := range n.peers {
		out[v]++
		n.bump() // a function of the package that reaches nothing
	}
	return out
}

func (n *node) bump() { n.peers["x"]++ }
