package fuzz_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The built-in target lists exactly the message kinds its system labels, and hands them to
// its generators, so holds and replays may aim at them; a target that lists none gets
// holds and replays aimed at links and fractions only.
func TestTargetOptionsListMessageKinds(t *testing.T) {
	sys, err := fuzz.RaftKV.New(nil)
	require.NoError(t, err)
	lab, ok := sys.(nodeapi.MessageLabeler)
	require.True(t, ok, "the Raft KV labels its messages")
	require.Equal(t, lab.MessageKinds(), fuzz.RaftKV.MessageKinds)
	kinds := fuzz.RaftKV.Options().MessageKinds
	require.Equal(t, lab.MessageKinds(), kinds)
	kinds[0] = "changed"
	require.NotEqual(t, "changed", fuzz.RaftKV.MessageKinds[0], "options hold a copy")

	echo := fuzz.Target{Name: "echo",
		New: func(map[string]int64) (nodeapi.System, error) { return &echoSystem{}, nil }}
	require.Empty(t, echo.Options().MessageKinds)
	require.Contains(t, echo.Options().Kinds, scenario.FaultHold)
	require.Contains(t, echo.Options().Kinds, scenario.FaultReplay)
}

// Campaign scenarios of the Raft KV with holds and replays aimed at one kind of message
// pass, and run twice give the same trace hash, events and history.
func TestMessageAgeScenariosAreDeterministic(t *testing.T) {
	o := fuzz.RaftKV.Options()
	checked := 0
	for seed := uint64(1); checked < 8; seed++ {
		require.Less(t, seed, uint64(2000), "too few scenarios with a kind-aimed hold")
		s := fuzz.RaftKV.ScenarioForSeed(seed, o)
		if !agesOneKind(s) {
			continue
		}
		checked++
		res, err := fuzz.RaftKV.Run(s, harness.RunOptions{})
		require.NoError(t, err)
		require.Nil(t, res.Failure, "seed %d", seed)
		require.Nil(t, fuzz.RaftKV.Deterministic(s, res), "seed %d", seed)
	}
}

func agesOneKind(s scenario.Scenario) bool {
	for _, f := range s.Faults {
		if (f.Kind == scenario.FaultHold || f.Kind == scenario.FaultReplay) && f.MsgKind != "" {
			return true
		}
	}
	return false
}
