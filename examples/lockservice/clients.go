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
// of l0. Operations are of the kinds o.OpKinds lists (all three when it is empty).
func Clients(t *rapid.T, o generators.Options) []scenario.ClientScript {
	locks := rapid.IntRange(1, o.MaxKeys).Draw(t, "locks")
	ops := rapid.SliceOfN(opGen(locks, o.OpKinds), 1, o.MaxOps)
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

// mix is the kinds' shares: mostly acquire and release, a fifth reads.
var mix = []generators.KindShare{{Kind: lockd.KindNames[lockd.Acquire-1], Share: 45},
	{Kind: lockd.KindNames[lockd.Release-1], Share: 35},
	{Kind: lockd.KindNames[lockd.Holder-1], Share: 20}}

// opGen draws one operation on one of locks, of a kind in kinds (all when empty).
func opGen(locks int, kinds []string) *rapid.Generator[scenario.ClientOp] {
	return rapid.Custom(func(t *rapid.T) scenario.ClientOp {
		return scenario.ClientOp{
			Think: scenario.Duration(time.Duration(rapid.IntRange(0, 90).Draw(t, "think")) *
				time.Millisecond),
			Kind: generators.DrawKind(t, "kind", mix, kinds),
			Key:  fmt.Sprintf("l%d", rapid.IntRange(0, locks-1).Draw(t, "lock")),
		}
	})
}
