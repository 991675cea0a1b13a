package generators

import (
	"fmt"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// KVClients draws 1..MaxClients closed-loop key-value clients over a small key space: the
// default ClientsGen. Clients and their operations are drawn as rapid slices, so the
// shrinker can delete any one of them, not only the last. Written values are unique (client
// and position) and assigned after the draw, which keeps porcupine fast and reports readable.
func KVClients(t *rapid.T, o Options) []scenario.ClientScript {
	keys := rapid.IntRange(1, o.MaxKeys).Draw(t, "keys")
	ops := rapid.SliceOfN(opGen(keys), 1, o.MaxOps)
	clients := rapid.SliceOfN(ops, 1, o.MaxClients).Draw(t, "clients")
	scripts := make([]scenario.ClientScript, len(clients))
	var written []string
	for i, list := range clients {
		id := nodeapi.NodeID(fmt.Sprintf("c%d", i+1))
		for j := range list {
			fillValues(&list[j], fmt.Sprintf("%s.%d", id, j), &written)
		}
		scripts[i] = scenario.ClientScript{ID: id, Ops: list}
	}
	return scripts
}

// opKind maps a draw in [0, 100) to a kind: half reads, like the standard benchmark.
func opKind(p int) string {
	switch {
	case p < 50:
		return "get"
	case p < 70:
		return "put"
	case p < 85:
		return "append"
	case p < 95:
		return "cas"
	}
	return "delete"
}

// opGen draws one operation. For a cas, Expect temporarily holds how far back in the
// written values to look ("0": a missing key), resolved by fillValues.
func opGen(keys int) *rapid.Generator[scenario.ClientOp] {
	return rapid.Custom(func(t *rapid.T) scenario.ClientOp {
		op := scenario.ClientOp{
			Think: drawDuration(t, "think", 0, 90*time.Millisecond, time.Millisecond),
			Kind:  opKind(rapid.IntRange(0, 99).Draw(t, "kind")),
			Key:   fmt.Sprintf("k%d", rapid.IntRange(0, keys-1).Draw(t, "key")),
		}
		if op.Kind == "cas" {
			op.Expect = fmt.Sprint(rapid.IntRange(0, 8).Draw(t, "expect_back"))
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
