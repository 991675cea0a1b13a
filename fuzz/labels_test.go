package fuzz_test

import (
	"errors"
	"testing"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

// The generator options of a target list the message kinds its system labels, so holds and
// replays may aim at them; a target whose system labels nothing, or cannot be built, gets
// none, and its holds and replays aim at links and fractions only.
func TestTargetOptionsListMessageKinds(t *testing.T) {
	kinds := fuzz.RaftKV.Options().MessageKinds
	require.Contains(t, kinds, "append")
	require.Contains(t, kinds, "heartbeat")
	require.Contains(t, kinds, "client")

	echo := fuzz.Target{Name: "echo",
		New: func(map[string]int64) (harness.System, error) { return &echoSystem{}, nil }}
	require.Nil(t, echo.Options().MessageKinds)
	require.Contains(t, echo.Options().Kinds, harness.FaultHold)
	broken := fuzz.Target{Name: "broken",
		New: func(map[string]int64) (harness.System, error) { return nil, errors.New("no") }}
	require.Nil(t, broken.MessageKinds())
}
