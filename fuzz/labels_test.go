package fuzz_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

// The built-in target lists exactly the message kinds its system labels, and hands them to
// its generators, so holds and replays may aim at them; a target that lists none gets
// holds and replays aimed at links and fractions only.
func TestTargetOptionsListMessageKinds(t *testing.T) {
	sys, err := fuzz.RaftKV.New(nil)
	require.NoError(t, err)
	lab, ok := sys.(harness.MessageLabeler)
	require.True(t, ok, "the Raft KV labels its messages")
	require.Equal(t, lab.MessageKinds(), fuzz.RaftKV.MessageKinds)
	kinds := fuzz.RaftKV.Options().MessageKinds
	require.Equal(t, lab.MessageKinds(), kinds)
	kinds[0] = "changed"
	require.NotEqual(t, "changed", fuzz.RaftKV.MessageKinds[0], "options hold a copy")

	echo := fuzz.Target{Name: "echo",
		New: func(map[string]int64) (harness.System, error) { return &echoSystem{}, nil }}
	require.Empty(t, echo.Options().MessageKinds)
	require.Contains(t, echo.Options().Kinds, harness.FaultHold)
	require.Contains(t, echo.Options().Kinds, harness.FaultReplay)
}
