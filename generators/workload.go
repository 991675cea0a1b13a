package generators

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"pgregory.net/rapid"
)

// drawClients draws 1..MaxClients closed-loop clients over a small key space. Written values
// are unique (client and position), which keeps porcupine fast and reports readable; cas
// expectations are drawn from values written earlier so that some cas operations succeed.
func drawClients(t *rapid.T, o Options) []harness.ClientScript {
	nc := rapid.IntRange(1, o.MaxClients).Draw(t, "clients")
	keys := rapid.IntRange(1, o.MaxKeys).Draw(t, "keys")
	var written []string
	clients := make([]harness.ClientScript, nc)
	for i := range clients {
		id := harness.NodeID(fmt.Sprintf("c%d", i+1))
		nops := rapid.IntRange(1, o.MaxOps).Draw(t, fmt.Sprintf("%s.ops", id))
		ops := make([]harness.ClientOp, nops)
		for j := range ops {
			ops[j] = drawOp(t, keys, fmt.Sprintf("%s.%d", id, j), &written)
		}
		clients[i] = harness.ClientScript{ID: id, Ops: ops}
	}
	return clients
}

// opKinds maps a draw in [0, 100) to a kind: half reads, like the standard benchmark.
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

func drawOp(t *rapid.T, keys int, value string, written *[]string) harness.ClientOp {
	op := harness.ClientOp{
		Think: drawDuration(t, "think", 0, 90*time.Millisecond, time.Millisecond),
		Kind:  opKind(rapid.IntRange(0, 99).Draw(t, "kind")),
		Key:   fmt.Sprintf("k%d", rapid.IntRange(0, keys-1).Draw(t, "key")),
	}
	switch op.Kind {
	case "put", "append":
		op.Value = value
		*written = append(*written, value)
	case "cas":
		op.Value = value
		if n := len(*written); n > 0 {
			// Index 0 is "" (a missing key); shrinking heads there.
			i := rapid.IntRange(0, n).Draw(t, "expect")
			if i > 0 {
				op.Expect = (*written)[n-i]
			}
		}
		*written = append(*written, value)
	}
	return op
}
