package generators

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// ClientBehaviour names a way clients may depart from the closed loop with short think
// times that every ClientsGen draws. Stale-read bugs need operations that arrive after
// leadership moved, at servers a well-behaved client soon stops asking, and while other
// operations are in flight (see harness/scenario_client.go).
type ClientBehaviour string

const (
	// BehaviourQuietGap gives some operations a think time of 1 to 10 s: leaders change
	// and leases expire between two operations of a client.
	BehaviourQuietGap ClientBehaviour = "quiet-gap"
	// BehaviourRouted sends some operations first to a chosen server (ClientOp.To): the
	// previous leader, the leader of the moment, or a named server.
	BehaviourRouted ClientBehaviour = "routed"
	// BehaviourSticky makes some clients sticky (ClientScript.Sticky).
	BehaviourSticky ClientBehaviour = "sticky"
	// BehaviourOpenLoop makes some clients open loop over 2 to 4 endpoints
	// (ClientScript.OpenLoop).
	BehaviourOpenLoop ClientBehaviour = "open-loop"
)

// ClientBehaviours lists every client behaviour; Default enables them all.
func ClientBehaviours() []ClientBehaviour {
	return []ClientBehaviour{BehaviourQuietGap, BehaviourRouted, BehaviourSticky,
		BehaviourOpenLoop}
}

// Odds of a behaviour, once swarm testing enabled it for a scenario: one draw in
// 1+gapOdds gives an operation a quiet gap, one in 1+routeOdds a route, one in 2 makes a
// client sticky, and one in 4 keeps a client closed loop.
const (
	gapOdds   = 5
	routeOdds = 3
)

// behaviours are the ones swarm testing turned on for one scenario.
type behaviours []ClientBehaviour

func (b behaviours) on(x ClientBehaviour) bool { return slices.Contains(b, x) }

// drawBehaviours turns each enabled behaviour on with an independent coin (shrinking to
// off, as fault kinds do), then draws the behaviours of each client and operation of s in
// a fixed order. Every draw shrinks to today's closed loop: no gap, no route, not sticky,
// closed loop. It works on the scripts of any ClientsGen.
//
// Open-loop clients share the endpoints of maxClients (Options.MaxClients) with the others:
// operations in flight at once are what the checker's search grows with, above all writes
// whose outcome is unknown (a client that gave up during an outage), and maxClients
// closed-loop clients are what it is known to decide.
func drawBehaviours(t *rapid.T, enabled []ClientBehaviour, maxClients int,
	s *scenario.Scenario) behaviours {
	var on behaviours
	for _, b := range enabled {
		if rapid.Bool().Draw(t, "behaviour."+string(b)) {
			on = append(on, b)
		}
	}
	if len(on) == 0 {
		return nil
	}
	targets := append([]nodeapi.NodeID{scenario.PreviousLeaderTarget, scenario.LeaderTarget},
		s.Cluster.Nodes...)
	spare := maxClients - len(s.Clients)
	for i := range s.Clients {
		spare -= drawScriptBehaviours(t, on, &s.Clients[i], targets, spare)
	}
	return on
}

// drawScriptBehaviours draws the behaviours of one client; an open-loop client gets at most
// spare extra endpoints. It returns how many it took.
func drawScriptBehaviours(t *rapid.T, on behaviours, c *scenario.ClientScript,
	targets []nodeapi.NodeID, spare int) int {
	extra := 0
	if on.on(BehaviourOpenLoop) {
		extra = min(intRange(0, 3).Draw(t, "open_loop"), spare)
		if extra > 0 {
			c.OpenLoop = extra + 1
		}
	}
	if on.on(BehaviourSticky) {
		c.Sticky = rapid.Bool().Draw(t, "sticky")
	}
	for j := range c.Ops {
		op := &c.Ops[j]
		if on.on(BehaviourQuietGap) && intRange(0, gapOdds).Draw(t, "gap") == gapOdds {
			op.Think = drawDuration(t, "gap.think", time.Second, 10*time.Second,
				100*time.Millisecond)
		}
		if on.on(BehaviourRouted) &&
			intRange(0, routeOdds).Draw(t, "route") == routeOdds {
			op.To = rapid.SampledFrom(targets).Draw(t, "route.to")
		}
	}
	return extra
}

func (b behaviours) String() string {
	if len(b) == 0 {
		return "closed loop"
	}
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = string(x)
	}
	return strings.Join(parts, ", ")
}

// validateBehaviours refuses a behaviour generators do not know.
func validateBehaviours(bs []ClientBehaviour) error {
	for _, b := range bs {
		if !slices.Contains(ClientBehaviours(), b) {
			return fmt.Errorf("generators: unknown client behaviour %q (known: %v)", b,
				ClientBehaviours())
		}
	}
	return nil
}
