package shrink_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/shrink"
)

// A synthetic failure that needs exactly one fault (the crash of n2) and one op (a put of
// k1) must shrink to exactly those, leaving the caller's scenario untouched.
func TestShrinkFindsTheMinimalCore(t *testing.T) {
	s := fixtures.ValidScenario()
	s.Clients = append(s.Clients, scenario.ClientScript{ID: "c2", Ops: []scenario.ClientOp{
		{Kind: "get", Key: "k2"}, {Kind: "put", Key: "k1", Value: "x"},
		{Kind: "append", Key: "k3", Value: "y"}}})
	s.Faults = append(s.Faults,
		scenario.Fault{Kind: scenario.FaultIsolate, Node: "n1"},
		scenario.Fault{Kind: scenario.FaultPause, Node: "n3"})
	s.Network.Loss = 0.01
	before := fixtures.JSON(s)
	fails := func(c scenario.Scenario) bool {
		crash, put := false, false
		for _, f := range c.Faults {
			crash = crash || (f.Kind == scenario.FaultCrash && f.Node == "n2")
		}
		for _, cl := range c.Clients {
			for _, op := range cl.Ops {
				put = put || (op.Kind == "put" && op.Key == "k1")
			}
		}
		return crash && put
	}
	got, runs := shrink.Shrink(s, fails, 1000)
	require.True(t, fails(got))
	ops, faults := got.Size()
	require.Equal(t, 1, ops)
	require.Equal(t, 1, faults)
	require.Zero(t, got.Network.Loss)
	require.Less(t, runs, 200)
	require.Equal(t, before, fixtures.JSON(s), "Shrink must not modify its input")
}

func TestShrinkRespectsBudget(t *testing.T) {
	calls := 0
	_, runs := shrink.Shrink(fixtures.ValidScenario(), func(scenario.Scenario) bool {
		calls++
		return true
	}, 3)
	require.Equal(t, 3, runs)
	require.Equal(t, 3, calls)
}

// A failure that needs one buggify site keeps that site, and only it.
func TestShrinkKeepsOnlyTheBuggifySiteTheFailureNeeds(t *testing.T) {
	s := fixtures.ValidScenario()
	s.Buggify = []string{"a.one", "a.two", "a.three"}
	got, _ := shrink.Shrink(s, func(c scenario.Scenario) bool {
		for _, site := range c.Buggify {
			if site == "a.two" {
				return true
			}
		}
		return false
	}, 1000)
	require.Equal(t, []string{"a.two"}, got.Buggify)
	require.Len(t, s.Buggify, 3, "Shrink must not modify its input")
	none, _ := shrink.Shrink(s, func(scenario.Scenario) bool { return true }, 1000)
	require.Empty(t, none.Buggify, "sites a failure does not need are removed")
}
