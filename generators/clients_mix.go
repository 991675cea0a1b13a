package generators

import (
	"strconv"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// ClientMix describes a workload's clients by their parts, for MixClients: the operation
// kinds with their weights and how to give one operation its arguments. Most workloads need
// nothing more; a queue or a single register needs no keys at all.
type ClientMix struct {
	// Kinds are the kinds clients draw, each with its share (names of the workload's
	// vocabulary). Options.OpKinds restricts them, shares kept (DrawKind).
	Kinds []KindShare
	// Keys draws the size of the key space once per scenario, 1 to Options.MaxKeys (few
	// keys mean contention), and hands it to Args; a workload without keys leaves it off.
	Keys bool
	// Args draws the arguments of one operation of the given kind (Key, Value, Expect of
	// the returned op; its other fields are ignored); keys is the scenario's key space
	// (0 without Keys). Nil draws none: every operation acts on the workload's one object
	// with no arguments.
	Args func(t *rapid.T, kind string, keys int) scenario.ClientOp
	// Fill, run after the draw, completes what depends on who runs the operation and where
	// in its script: a value unique to the client and position, the client's own ID as an
	// owner. Nil changes nothing. It must not draw: it runs once the shrinker's choices
	// are made.
	Fill func(op *scenario.ClientOp, client nodeapi.NodeID, index int)
	// MaxThink bounds the pause before each operation, drawn in whole milliseconds from 0
	// (default 90ms, the standard workload's).
	MaxThink time.Duration
}

// MixClients is a ClientsGen built from m: the key space when m.Keys, then 1..MaxClients
// closed-loop clients c1, c2, ..., each with 1..MaxOps operations whose think times are
// drawn up to MaxThink, kinds by weight and arguments by m.Args, in that order. Clients and
// operations are rapid slices, so the shrinker can delete any one of them; each operation
// shrinks towards the first kind of the mix, no think time and the smallest arguments m.Args
// draws.
func MixClients(m ClientMix) ClientsGen {
	think := m.MaxThink
	if think <= 0 {
		think = 90 * time.Millisecond
	}
	return func(t *rapid.T, o Options) []scenario.ClientScript {
		keys := 0
		if m.Keys {
			keys = intRange(1, o.MaxKeys).Draw(t, "keys")
		}
		op := rapid.Custom(func(t *rapid.T) scenario.ClientOp {
			d := drawDuration(t, "think", 0, think, time.Millisecond)
			kind := DrawKind(t, "kind", m.Kinds, o.OpKinds)
			var args scenario.ClientOp
			if m.Args != nil {
				args = m.Args(t, kind, keys)
			}
			return scenario.ClientOp{Think: d, Kind: kind, Key: args.Key, Value: args.Value,
				Expect: args.Expect}
		})
		clients := rapid.SliceOfN(rapid.SliceOfN(op, 1, o.MaxOps), 1, o.MaxClients).
			Draw(t, "clients")
		scripts := make([]scenario.ClientScript, len(clients))
		for i, list := range clients {
			id := nodeapi.NodeID("c" + strconv.Itoa(i+1))
			if m.Fill != nil {
				for j := range list {
					m.Fill(&list[j], id, j)
				}
			}
			scripts[i] = scenario.ClientScript{ID: id, Ops: list}
		}
		return scripts
	}
}

// MixKinds lists the kinds of a mix, in order: a Target's OpKinds, or what a test
// restricts a mix to.
func MixKinds(mix []KindShare) []string {
	out := make([]string, len(mix))
	for i, k := range mix {
		out[i] = k.Kind
	}
	return out
}

// UniqueValue is a Fill for workloads whose writes carry a value: every operation of the
// given kinds gets a value unique in the scenario ("c2.5": client c2's sixth operation),
// which keeps the checker fast and reports readable.
func UniqueValue(kinds ...string) func(op *scenario.ClientOp, client nodeapi.NodeID, i int) {
	return func(op *scenario.ClientOp, client nodeapi.NodeID, i int) {
		for _, k := range kinds {
			if op.Kind == k {
				op.Value = string(client) + "." + strconv.Itoa(i)
			}
		}
	}
}
