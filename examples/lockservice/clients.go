package lockservice

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// kinds is lockd's vocabulary of operation kinds, the one list its code, its scenario files
// and its model share.
var kinds = nodeapi.Kinds(lockd.KindNames)

// Mix is the lock service's clients, built from generators.MixClients: 1..MaxClients
// closed-loop clients c1, c2, ... over 1..MaxKeys locks l0, l1, ..., mostly acquiring and
// releasing, a fifth reads. Each client acquires and releases as itself (the owner is its
// ID), so a release by a client that does not hold the lock, and an acquire of a lock
// another client holds, happen naturally. Each draw shrinks towards an immediate acquire
// of l0.
var Mix = generators.ClientMix{
	Kinds: []generators.KindShare{{Kind: kinds.Name(lockd.Acquire), Share: 45},
		{Kind: kinds.Name(lockd.Release), Share: 35},
		{Kind: kinds.Name(lockd.Holder), Share: 20}},
	Keys: true,
	Args: func(t *rapid.T, _ string, locks int) scenario.ClientOp {
		lock := rapid.IntRange(0, locks-1).Draw(t, "lock")
		return scenario.ClientOp{Key: fmt.Sprintf("l%d", lock)}
	},
	Fill: func(op *scenario.ClientOp, client nodeapi.NodeID, _ int) {
		if op.Kind != kinds.Name(lockd.Holder) {
			op.Value = string(client)
		}
	},
}

// Clients draws the lock service's clients (Mix): a generators.ClientsGen. Operations are
// of the kinds o.OpKinds lists (all three when it is empty).
var Clients = generators.MixClients(Mix)
