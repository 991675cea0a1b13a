package generators

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// KVClients draws 1..MaxClients closed-loop key-value clients over a small key space: the
// default ClientsGen. Clients and their operations are drawn as rapid slices, so the
// shrinker can delete any one of them, not only the last. Written values are unique (client
// and position) and assigned after the draw, which keeps porcupine fast and reports readable.
// Operations are of the kinds o.OpKinds lists (every key-value kind when it is empty).
func KVClients(t *rapid.T, o Options) []scenario.ClientScript {
	keys := intRange(1, o.MaxKeys).Draw(t, "keys")
	ops := rapid.SliceOfN(opGen(keys, o.OpKinds), 1, o.MaxOps)
	clients := rapid.SliceOfN(ops, 1, o.MaxClients).Draw(t, "clients")
	scripts := make([]scenario.ClientScript, len(clients))
	var written []string
	for i, list := range clients {
		id := nodeapi.NodeID("c" + strconv.Itoa(i+1))
		for j := range list {
			fillValues(&list[j], string(id)+"."+strconv.Itoa(j), &written)
		}
		scripts[i] = scenario.ClientScript{ID: id, Ops: list}
	}
	return scripts
}

// KindShare is one operation kind and its share of the operations a client draws.
type KindShare struct {
	Kind  string
	Share int
}

// kvMix is the default mix of the key-value kinds: half reads, like the standard benchmark.
var kvMix = []KindShare{{"get", 50}, {"put", 20}, {"append", 15}, {"cas", 10}, {"delete", 5}}

// KVKinds are the kinds KVClients may draw.
func KVKinds() []string {
	out := make([]string, len(kvMix))
	for i, k := range kvMix {
		out[i] = k.Kind
	}
	return out
}

// DrawKind draws one operation kind from mix, restricted to the kinds only lists (every
// kind of mix when only is empty), each kind kept with its share: a ClientsGen honours
// Options.OpKinds with DrawKind(t, "kind", mix, o.OpKinds). It is one integer draw over the
// kept shares, in mix's order, so an unrestricted mix whose shares add up to N draws as
// intRange(0, N-1) does. It panics when only keeps nothing of mix (Options.Validate
// refuses such kinds for the key-value mix).
func DrawKind(t *rapid.T, label string, mix []KindShare, only []string) string {
	kept := mix
	if len(only) > 0 {
		kept = nil
		for _, k := range mix {
			if slices.Contains(only, k.Kind) {
				kept = append(kept, k)
			}
		}
	}
	if len(kept) == 0 {
		panic(fmt.Sprintf("generators: no kind of %v among %v", mix, only))
	}
	total := 0
	for _, k := range kept {
		total += k.Share
	}
	p := intRange(0, total-1).Draw(t, label)
	for _, k := range kept {
		if p < k.Share {
			return k.Kind
		}
		p -= k.Share
	}
	panic("generators: DrawKind out of range")
}

// opGen draws one operation of a kind in kinds (every key-value kind when empty). For a
// cas, Expect temporarily holds how far back in the written values to look ("0": a missing
// key), resolved by fillValues.
func opGen(keys int, kinds []string) *rapid.Generator[scenario.ClientOp] {
	return rapid.Custom(func(t *rapid.T) scenario.ClientOp {
		op := scenario.ClientOp{
			Think: drawDuration(t, "think", 0, 90*time.Millisecond, time.Millisecond),
			Kind:  DrawKind(t, "kind", kvMix, kinds),
			Key:   "k" + strconv.Itoa(intRange(0, keys-1).Draw(t, "key")),
		}
		if op.Kind == "cas" {
			op.Expect = strconv.Itoa(intRange(0, 8).Draw(t, "expect_back"))
		}
		return op
	})
}

// fillValues gives a write its unique value and resolves a cas expectation to a value
// written earlier (or "" when it looks back past the start).
func fillValues(op *scenario.ClientOp, value string, written *[]string) {
	switch op.Kind {
	case "put", "append":
		op.Value = value
		*written = append(*written, value)
	case "cas":
		back := 0
		fmt.Sscan(op.Expect, &back)
		op.Expect = ""
		if n := len(*written); back > 0 && back <= n {
			op.Expect = (*written)[n-back]
		}
		op.Value = value
		*written = append(*written, value)
	}
}
