package harness_test

import (
	"testing"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

// A synthetic failure that needs exactly one fault (the crash of n2) and one op (a put of
// k1) must shrink to exactly those, leaving the caller's scenario untouched.
func TestShrinkFindsTheMinimalCore(t *testing.T) {
	s := validScenario()
	s.Clients = append(s.Clients, harness.ClientScript{ID: "c2", Ops: []harness.ClientOp{
		{Kind: "get", Key: "k2"}, {Kind: "put", Key: "k1", Value: "x"},
		{Kind: "append", Key: "k3", Value: "y"}}})
	s.Faults = append(s.Faults,
		harness.Fault{Kind: harness.FaultIsolate, Node: "n1"},
		harness.Fault{Kind: harness.FaultPause, Node: "n3"})
	s.Network.Loss = 0.01
	before := encode(t, s)
	fails := func(c harness.Scenario) bool {
		crash, put := false, false
		for _, f := range c.Faults {
			crash = crash || (f.Kind == harness.FaultCrash && f.Node == "n2")
		}
		for _, cl := range c.Clients {
			for _, op := range cl.Ops {
				put = put || (op.Kind == "put" && op.Key == "k1")
			}
		}
		return crash && put
	}
	got, runs := harness.Shrink(s, fails, 1000)
	require.True(t, fails(got))
	ops, faults := got.Size()
	require.Equal(t, 1, ops)
	require.Equal(t, 1, faults)
	require.Zero(t, got.Network.Loss)
	require.Less(t, runs, 200)
	require.Equal(t, before, encode(t, s), "Shrink must not modify its input")
}

func TestShrinkRespectsBudget(t *testing.T) {
	calls := 0
	_, runs := harness.Shrink(validScenario(), func(harness.Scenario) bool {
		calls++
		return true
	}, 3)
	require.Equal(t, 3, runs)
	require.Equal(t, 3, calls)
}
