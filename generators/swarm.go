package generators

import (
	"fmt"
	"strings"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// swarm is the per-scenario choice of enabled fault kinds and their weights.
type swarm struct {
	kinds   []scenario.FaultKind
	weights []int
}

// drawSwarm enables each kind with an independent biased coin and gives it a weight in
// 1..4. The bias is drawn first: each kind is on with probability 1/2, 1/4 or 1/8, so that
// some scenarios mix many kinds and others hammer two or three (with some thirty kinds
// and patterns, a fair coin alone gives every scenario a thin mix of fifteen). The coins
// shrink to "off", so a shrunk scenario keeps only the kinds its failure needs.
func drawSwarm(t *rapid.T, kinds []scenario.FaultKind) swarm {
	var sw swarm
	sides := []int{2, 4, 8}[intRange(0, 2).Draw(t, "swarm.density")]
	for _, k := range kinds {
		if intRange(0, sides-1).Draw(t, "swarm."+string(k)) == sides-1 {
			sw.kinds = append(sw.kinds, k)
			sw.weights = append(sw.weights, intRange(1, 4).Draw(t, "weight."+string(k)))
		}
	}
	return sw
}

func (sw swarm) on(k scenario.FaultKind) bool {
	for _, x := range sw.kinds {
		if x == k {
			return true
		}
	}
	return false
}

// pick draws an enabled kind with probability proportional to its weight.
func (sw swarm) pick(t *rapid.T) scenario.FaultKind {
	total := 0
	for _, w := range sw.weights {
		total += w
	}
	p := intRange(0, total-1).Draw(t, "fault.kind")
	for i, w := range sw.weights {
		if p < w {
			return sw.kinds[i]
		}
		p -= w
	}
	panic("generators: swarm weights out of range")
}

func (sw swarm) String() string {
	if len(sw.kinds) == 0 {
		return "no faults"
	}
	parts := make([]string, len(sw.kinds))
	for i, k := range sw.kinds {
		parts[i] = fmt.Sprintf("%s×%d", k, sw.weights[i])
	}
	return strings.Join(parts, " ")
}
