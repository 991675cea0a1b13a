package fuzz_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// plainTarget is the echo toy with every fault kind on: its client has no nodeapi.Admin.
func plainTarget() fuzz.Target {
	return fuzz.Target{Name: "echo-plain",
		New: func(map[string]int64) (nodeapi.System, error) { return &echoSystem{}, nil }}
}

// A target says which cluster sizes to draw; the default stays 3, 5, 1 or 4 nodes.
func TestTargetNodesAreTheSizesDrawn(t *testing.T) {
	tg := plainTarget()
	require.Equal(t, []int{3, 5, 1, 4}, tg.Options().Nodes)
	tg.Nodes = []int{3}
	for seed := uint64(1); seed <= 50; seed++ {
		s := tg.ScenarioForSeed(seed, tg.Options())
		require.Len(t, s.Cluster.Nodes, 3, "seed %d", seed)
	}
	tg.Nodes = []int{0}
	require.ErrorContains(t, tg.Validate(), "cluster size 0")
}

// Membership changes are drawn only for a system whose client implements nodeapi.Admin;
// the target need not say so, and every other fault kind stays on.
func TestMembershipFollowsTheClientsAdmin(t *testing.T) {
	tg := plainTarget()
	o := tg.Options()
	require.False(t, o.Membership, "the echo client has no Admin")
	require.Equal(t, generators.Default().Kinds, o.Kinds)
	for seed := uint64(1); seed <= 300; seed++ {
		s := tg.ScenarioForSeed(seed, o)
		require.False(t, scenario.ChangesMembership(s.Faults), "seed %d: %v", seed, s.Faults)
	}
	require.True(t, fuzz.RaftKV.Options().Membership, "the Raft KV's client has Admin")

	tg.New = func(map[string]int64) (nodeapi.System, error) { return nil, errors.New("no") }
	require.False(t, tg.Options().Membership, "a client that cannot be built has no Admin")
}

// A target that speaks some kinds of its workload draws only those, refuses scenarios with
// others (naming the operation), and is no longer a whole key-value target.
func TestTargetOpKinds(t *testing.T) {
	tg := plainTarget()
	tg.OpKinds = []string{"get", "put"}
	require.NoError(t, tg.Validate())
	require.False(t, tg.KeyValue())
	require.True(t, plainTarget().KeyValue())
	s := tg.ScenarioForSeed(4, tg.Options())
	for _, c := range s.Clients {
		for _, op := range c.Ops {
			require.Contains(t, tg.OpKinds, op.Kind)
		}
	}
	s.Clients[0].Ops[0].Kind, s.Clients[0].Ops[0].Value = "append", "x"
	_, err := tg.Run(s, harness.RunOptions{})
	require.ErrorContains(t, err, "operation c1[0] is append, which target echo-plain does "+
		"not speak (OpKinds: get, put)")
	path := filepath.Join(t.TempDir(), "s.json")
	require.NoError(t, scenario.SaveScenario(path, s))
	_, err = tg.Load(path)
	require.ErrorContains(t, err, "is append, which target echo-plain does not speak")

	tg.OpKinds = []string{"get", "scan"}
	require.ErrorContains(t, tg.Validate(), `OpKinds`)
	require.ErrorContains(t, tg.Validate(), `scan`)
}

// The library refuses a knob the target does not list, in a run and in a scenario file,
// naming it and the known ones, before New sees it; New may then skip the check.
func TestLibraryChecksKnobs(t *testing.T) {
	var seen []map[string]int64
	tg := plainTarget()
	tg.Knobs = []generators.Knob{{Name: "batch", Values: []int64{1, 8}},
		{Name: "flush", Values: []int64{0}}}
	tg.New = func(k map[string]int64) (nodeapi.System, error) {
		seen = append(seen, k)
		return &echoSystem{}, nil
	}
	_, err := tg.NewSystem(map[string]int64{"batch": 8, "bacth": 1})
	require.EqualError(t, err, `target echo-plain: unknown knob "bacth" (known: batch, flush)`)
	require.Empty(t, seen)
	_, err = tg.NewSystem(map[string]int64{"batch": 8, "flush": 1})
	require.NoError(t, err)

	s := tg.ScenarioForSeed(2, tg.Options())
	s.System = map[string]int64{"bacth": 1}
	_, err = tg.Run(s, harness.RunOptions{})
	require.ErrorContains(t, err, `unknown knob "bacth" (known: batch, flush)`)
	path := filepath.Join(t.TempDir(), "s.json")
	require.NoError(t, scenario.SaveScenario(path, s))
	_, err = tg.Load(path)
	require.ErrorContains(t, err, path)
	require.ErrorContains(t, err, `unknown knob "bacth"`)

	_, err = plainTarget().NewSystem(map[string]int64{"x": 1})
	require.ErrorContains(t, err, `unknown knob "x" (the target has no knobs)`)
	// A target's own check still runs: the Raft KV refuses a value its config cannot take.
	_, err = fuzz.RaftKV.NewSystem(map[string]int64{"max_entries_per_append": 0})
	require.ErrorContains(t, err, "MaxEntriesPerAppend")
}

// A variant replaces New for every run and is never written into a scenario; an unknown
// variant is refused, naming the known ones.
func TestVariantsRunButAreNeverRecorded(t *testing.T) {
	built := ""
	tg := plainTarget()
	tg.New = func(map[string]int64) (nodeapi.System, error) {
		built = "plain"
		return &echoSystem{}, nil
	}
	tg.Variants = map[string]func(map[string]int64) (nodeapi.System, error){
		"bug-17": func(map[string]int64) (nodeapi.System, error) {
			built = "bug-17"
			return &echoSystem{}, nil
		},
	}
	bug := tg.With("bug-17")
	require.NoError(t, bug.Validate())
	s := bug.ScenarioForSeed(3, bug.Options())
	_, err := bug.Run(s, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, "bug-17", built)
	path := filepath.Join(t.TempDir(), "s.json")
	require.NoError(t, fuzz.SaveRegression(path, s))
	back, err := tg.Load(path)
	require.NoError(t, err, "the plain build loads the variant's scenario")
	require.Equal(t, s, back, "nothing of the variant is in the file")
	_, err = tg.Run(back, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, "plain", built)

	require.EqualError(t, tg.With("bug-18").Validate(),
		`target echo-plain: unknown variant "bug-18" (known: bug-17)`)
	_, err = tg.With("bug-18").Run(s, harness.RunOptions{})
	require.ErrorContains(t, err, `unknown variant "bug-18"`)
	require.Equal(t, "plain", built, "an unknown variant builds nothing")
}
