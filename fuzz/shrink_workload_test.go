package fuzz_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// bumpWorkload is a workload that is not key-value: "bump" must answer OK, "peek" (a write
// that changes nothing) may answer anything. The echo toy answers every bump with OK false,
// so any history with a bump is illegal: a failure whose minimal form is one bump.
var bumpWorkload = &model.Workload{
	Name:  "bump",
	Kinds: []model.KindSpec{{Name: "bump", Write: true}, {Name: "peek", Write: true}},
	Spec: model.Spec{
		Init: func() any { return 0 },
		Step: func(st any, op model.Op, out model.Outcome) (bool, any) {
			return op.Kind != 1 || out.Unknown || out.Result.OK, st
		},
		Equal: func(a, b any) bool { return a == b },
		Hash:  func(any) uint64 { return 0 },
	},
	Format:   func(op model.Op) string { return fmt.Sprintf("op%d(%s)", op.Kind, op.Key) },
	Describe: func(op model.Op, _ model.Outcome) string { return fmt.Sprint(op.Kind) },
	Probe:    model.Op{Kind: 2, Key: "__probe"},
}

func bumpClients(t *rapid.T, o generators.Options) []scenario.ClientScript {
	kinds := rapid.SliceOfN(rapid.SampledFrom([]string{"peek", "bump"}), 1, o.MaxOps)
	lists := rapid.SliceOfN(kinds, 1, o.MaxClients).Draw(t, "clients")
	scripts := make([]scenario.ClientScript, len(lists))
	for i, ks := range lists {
		scripts[i].ID = nodeapi.NodeID(fmt.Sprintf("c%d", i+1))
		for _, k := range ks {
			scripts[i].Ops = append(scripts[i].Ops, scenario.ClientOp{Kind: k, Key: "x"})
		}
	}
	return scripts
}

func TestShrinkingFollowsTheTargetsWorkload(t *testing.T) {
	tg := echoTarget("echo-bump", false)
	tg.Workload, tg.Clients = bumpWorkload, bumpClients
	tg.Tune = func(o *generators.Options) { o.Nodes, o.MaxClients = []int{1}, 3 }
	for seed := uint64(1); seed < 200; seed++ {
		s := tg.ScenarioForSeed(seed, tg.Options())
		res, err := tg.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		if ops, _ := s.Size(); res.Failure == nil || ops < 3 {
			continue
		}
		require.Equal(t, harness.ClassLinearizability, res.Failure.Class)
		min, err := tg.Shrink(s, res.Failure.Class, 300)
		require.NoError(t, err)
		ops, faults := min.Scenario.Size()
		require.Equal(t, 1, ops, "one bump is the minimal failure:\n%s",
			report.FormatScenario(min.Scenario, bumpWorkload))
		require.Zero(t, faults)
		require.Equal(t, "bump", min.Scenario.Clients[0].Ops[0].Kind)
		return
	}
	t.Fatal("no seed drew a failing scenario of three or more operations")
}
