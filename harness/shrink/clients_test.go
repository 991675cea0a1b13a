package shrink_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/shrink"
)

// behavedForShrink has every client behaviour: an open-loop sticky client with quiet gaps
// and routes, and a second client with a route of its own.
func behavedForShrink() scenario.Scenario {
	s := fixtures.ValidScenario()
	gap := scenario.Duration(3 * time.Second)
	s.Clients = []scenario.ClientScript{
		{ID: "c1", OpenLoop: 3, Sticky: true, Ops: []scenario.ClientOp{
			{Kind: "put", Key: "k1", Value: "a", To: "n1"},
			{Think: gap, Kind: "get", Key: "k1", To: scenario.PreviousLeaderTarget},
			{Think: gap, Kind: "get", Key: "k2"}}},
		{ID: "c2", Ops: []scenario.ClientOp{{Kind: "get", Key: "k1", To: scenario.LeaderTarget}}},
	}
	return s
}

// A failure that needs none of the behaviours shrinks to plain closed-loop clients.
func TestShrinkHeadsToPlainClosedLoopClients(t *testing.T) {
	s := behavedForShrink()
	before := fixtures.JSON(s)
	fails := func(c scenario.Scenario) bool {
		ops, _ := c.Size()
		return ops >= 3
	}
	got, _ := shrink.Shrink(s, fails, 1000)
	for _, c := range got.Clients {
		require.True(t, c.Plain(), "client %s is not plain: %+v", c.ID, c)
		for _, op := range c.Ops {
			require.Less(t, time.Duration(op.Think), shrink.QuietGap)
		}
	}
	require.Equal(t, before, fixtures.JSON(s), "Shrink must not modify its input")
}

// A failure that needs a route to the previous leader, a sticky client and a quiet gap
// keeps exactly those and loses the rest.
func TestShrinkKeepsTheBehavioursAFailureNeeds(t *testing.T) {
	fails := func(c scenario.Scenario) bool {
		for _, cl := range c.Clients {
			for _, op := range cl.Ops {
				if cl.Sticky && op.To == scenario.PreviousLeaderTarget &&
					time.Duration(op.Think) >= shrink.QuietGap {
					return true
				}
			}
		}
		return false
	}
	got, _ := shrink.Shrink(behavedForShrink(), fails, 1000)
	require.True(t, fails(got))
	require.Len(t, got.Clients, 1)
	c := got.Clients[0]
	require.Zero(t, c.OpenLoop)
	require.Len(t, c.Ops, 1)
	require.Equal(t, scenario.PreviousLeaderTarget, c.Ops[0].To)
}
