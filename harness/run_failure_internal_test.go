package harness

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/sim"
	"github.com/simfuzz/simfuzz/model"
)

// Each world error has its class; a harness panic (or any other error) stays an error.
func TestClassify(t *testing.T) {
	cases := []struct {
		err   error
		class FailureClass
	}{
		{&sim.BudgetError{Events: 5}, ClassLiveness},
		{&sim.QueueLimitError{Limit: 5}, ClassLiveness},
		{&sim.InvariantError{Node: "n1", Err: errors.New("x")}, ClassInvariant},
		{&sim.NodePanicError{Node: "n1", Value: "x"}, ClassPanic},
		{&sim.RecoveryError{Node: "n1", Err: errors.New("x")}, ClassRecovery},
	}
	for _, c := range cases {
		f, err := classify(c.err)
		require.NoError(t, err)
		require.Equal(t, c.class, f.Class, "%T", c.err)
	}
	hp := &sim.HarnessPanicError{At: time.Second, Value: "x"}
	f, err := classify(hp)
	require.Nil(t, f)
	require.Same(t, hp, err)
}

// An undecided check is its own failure class, never a pass and never a proof of a
// violation, and the report says so.
func TestUndecidedVerdictIsReportedAsSuch(t *testing.T) {
	v := model.Verdict{Ok: porcupine.Unknown, UndecidedKeys: []string{"k1"}, Ops: 3, Keys: 1}
	f := verdictFailure(v)
	require.NotNil(t, f)
	require.Equal(t, ClassUndecided, f.Class)
	require.True(t, strings.HasPrefix(f.Message, "undecided:"), f.Message)
	require.Nil(t, verdictFailure(model.Verdict{Ok: porcupine.Ok}))
	require.Equal(t, ClassLinearizability,
		verdictFailure(model.Verdict{Ok: porcupine.Illegal}).Class)
}
