package harness_test

import (
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

// behavedForShrink has every client behaviour: an open-loop sticky client with quiet gaps
// and routes, and a second client with a route of its own.
func behavedForShrink() harness.Scenario {
	s := validScenario()
	gap := harness.Duration(3 * time.Second)
	s.Clients = []harness.ClientScript{
		{ID: "c1", OpenLoop: 3, Sticky: true, Ops: []harness.ClientOp{
			{Kind: "put", Key: "k1", Value: "a", To: "n1"},
			{Think: gap, Kind: "get", Key: "k1", To: harness.PreviousLeaderTarget},
			{Think: gap, Kind: "get", Key: "k2"}}},
		{ID: "c2", Ops: []harness.ClientOp{{Kind: "get", Key: "k1", To: harness.LeaderTarget}}},
	}
	return s
}

// A failure that needs none of the behaviours shrinks to plain closed-loop clients.
func TestShrinkHeadsToPlainClosedLoopClients(t *testing.T) {
	s := behavedForShrink()
	before := encode(t, s)
	fails := func(c harness.Scenario) bool {
		ops, _ := c.Size()
		return ops >= 3
	}
	got, _ := harness.Shrink(s, fails, 1000)
	for _, c := range got.Clients {
		require.True(t, c.Plain(), "client %s is not plain: %+v", c.ID, c)
		for _, op := range c.Ops {
			require.Less(t, time.Duration(op.Think), harness.QuietGap)
		}
	}
	require.Equal(t, before, encode(t, s), "Shrink must not modify its input")
}

// A failure that needs a route to the previous leader, a sticky client and a quiet gap
// keeps exactly those and loses the rest.
func TestShrinkKeepsTheBehavioursAFailureNeeds(t *testing.T) {
	fails := func(c harness.Scenario) bool {
		for _, cl := range c.Clients {
			for _, op := range cl.Ops {
				if cl.Sticky && op.To == harness.PreviousLeaderTarget &&
					time.Duration(op.Think) >= harness.QuietGap {
					return true
				}
			}
		}
		return false
	}
	got, _ := harness.Shrink(behavedForShrink(), fails, 1000)
	require.True(t, fails(got))
	require.Len(t, got.Clients, 1)
	c := got.Clients[0]
	require.Zero(t, c.OpenLoop)
	require.Len(t, c.Ops, 1)
	require.Equal(t, harness.PreviousLeaderTarget, c.Ops[0].To)
}
