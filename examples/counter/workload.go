// Package counter plugs the single counter of package counterd into simfuzz: a workload
// with no keys (one object, checked as one partition), built from simfuzz's workload
// building blocks, and its fuzz.Target with a planted-bug variant.
package counter

import (
	"strconv"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/examples/counter/counterd"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// Workload is the counter's sequential specification: the state is the total, an int64
// (a value, so Step cannot mutate it); add(n) adds n and answers the new total, read
// answers the total. It gives no Equal or Hash: both are derived from DescribeState. The
// liveness probe is a read of the counter itself: no reserved key.
var Workload = &model.Workload{
	Name:  "counter",
	Kinds: model.KindsOf(counterd.Kinds, "add"),
	Spec: model.Spec{
		Init:          func() any { return int64(0) },
		Step:          step,
		DescribeState: func(s any) string { return strconv.FormatInt(s.(int64), 10) },
	},
	Format:   format,
	Describe: describe,
	Probe:    model.Op{Kind: counterd.Read},
	Objects:  "counters",
}

// step applies op to the total; a completed operation must answer the total after it.
func step(state any, op model.Op, out model.Outcome) (bool, any) {
	total := state.(int64)
	if op.Kind == counterd.Add {
		n, err := strconv.ParseInt(op.Value, 10, 64)
		if err != nil {
			return out.Unknown, state
		}
		total += n
	}
	if !out.Unknown && out.Result.Value != strconv.FormatInt(total, 10) {
		return false, state
	}
	return true, total
}

func format(op model.Op) string {
	if op.Kind == counterd.Add {
		return "add(" + op.Value + ")"
	}
	return counterd.Kinds.Name(op.Kind) + "()"
}

func describe(op model.Op, out model.Outcome) string {
	if out.Unknown {
		return format(op) + " -> ?"
	}
	return format(op) + " -> " + out.Result.Value
}

// Mix is the counter's clients: adds of 1 to 3 and reads, half each, on the one counter
// (no key is drawn).
var Mix = generators.ClientMix{
	Kinds: []generators.KindShare{{Kind: "add", Share: 50}, {Kind: "read", Share: 50}},
	Args: func(t *rapid.T, kind string, _ int) scenario.ClientOp {
		if kind != "add" {
			return scenario.ClientOp{}
		}
		return scenario.ClientOp{Value: strconv.Itoa(rapid.IntRange(1, 3).Draw(t, "amount"))}
	},
}
