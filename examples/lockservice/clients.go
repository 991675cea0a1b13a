package lockservice

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Clients draws 1..MaxClients closed-loop clients c1, c2, ... over 1..MaxKeys locks l0,
// l1, ...: a generators.ClientsGen. Each client acquires and releases as itself (the owner
// is its ID), so a release by a client that does not hold the lock, and an acquire of a
// lock another client holds, happen naturally. Clients and operations are rapid slices, so
// the shrinker can delete any one of them; each draw shrinks towards an immediate acquire
// of l0.
func Clients(t *rapid.T, o generators.Options) []scenario.ClientScript {
	locks := rapid.IntRange(1, o.MaxKeys).Draw(t, "locks")
	ops := rapid.SliceOfN(opGen(locks), 1, o.MaxOps)
	clients := rapid.SliceOfN(ops, 1, o.MaxClients).Draw(t, "clients")
	scripts := make([]scenario.ClientScript, len(clients))
	for i, list := range clients {
		id := nodeapi.NodeID(fmt.Sprintf("c%d", i+1))
		for j := range list {
			if list[j].Kind != lockd.KindNames[lockd.Holder-1] {
				list[j].Value = string(id)
			}
		}
		scripts[i] = scenario.ClientScript{ID: id, Ops: list}
	}
	return scripts
}

// opKind maps a draw in [0, 100) to a kind: mostly acquire and release, a fifth reads.
func opKind(p int) string {
	switch {
	case p < 45:
		return lockd.KindNames[lockd.Acquire-1]
	case p < 80:
		return lockd.KindNames[lockd.Release-1]
	}
	return lockd.KindNames[lockd.Holder-1]
}

func opGen(locks int) *rapid.Generator[scenario.ClientOp] {
	return rapid.Custom(func(t *rapid.T) scenario.ClientOp {
		return scenario.ClientOp{
			Think: scenario.Duration(time.Duration(rapid.IntRange(0, 90).Draw(t, "think")) *
				time.Millisecond),
			Kind: opKind(rapid.IntRange(0, 99).Draw(t, "kind")),
			Key:  fmt.Sprintf("l%d", rapid.IntRange(0, locks-1).Draw(t, "lock")),
		}
	})
}
