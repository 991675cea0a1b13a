package shrink

import (
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// QuietGap is the think time from which an operation counts as coming after a quiet gap:
// long enough for leaders to change and leases to expire since the client's last operation.
// Generators draw short thinks below it and quiet gaps of 1 to 10 s.
const QuietGap = time.Second

// plainClients heads the clients towards the plain closed-loop form: no open loop, no
// stickiness, no routes, no quiet gaps. It tries every client plain at once, then each
// behaviour of each client, then each route alone, keeping every edit that still fails;
// an edit that changes nothing costs no run.
func (sh *shrinker) plainClients(s scenario.Scenario) scenario.Scenario {
	all := func(c *scenario.Scenario) {
		for i := range c.Clients {
			plainScript(&c.Clients[i])
		}
	}
	s = sh.tryClientEdit(s, all)
	for i := range s.Clients {
		for _, edit := range []func(*scenario.ClientScript){
			func(c *scenario.ClientScript) { c.OpenLoop = 0 },
			func(c *scenario.ClientScript) { c.Sticky = false },
			func(c *scenario.ClientScript) { clearRoutes(c.Ops) },
			func(c *scenario.ClientScript) { closeGaps(c.Ops) },
		} {
			s = sh.tryClientEdit(s, func(c *scenario.Scenario) { edit(&c.Clients[i]) })
		}
		for j := range s.Clients[i].Ops {
			s = sh.tryClientEdit(s, func(c *scenario.Scenario) { c.Clients[i].Ops[j].To = "" })
		}
	}
	return s
}

// tryClientEdit applies edit to a copy of s whose clients it may change, and keeps the copy
// if it differs from s and still fails.
func (sh *shrinker) tryClientEdit(s scenario.Scenario,
	edit func(*scenario.Scenario)) scenario.Scenario {
	c := cloneClients(s)
	for i := range c.Clients {
		c.Clients[i].Ops = slices.Clone(c.Clients[i].Ops)
	}
	edit(&c)
	if sameClients(c.Clients, s.Clients) || !sh.try(c) {
		return s
	}
	return c
}

func plainScript(c *scenario.ClientScript) {
	c.OpenLoop, c.Sticky = 0, false
	clearRoutes(c.Ops)
	closeGaps(c.Ops)
}

func clearRoutes(ops []scenario.ClientOp) {
	for i := range ops {
		ops[i].To = ""
	}
}

// closeGaps turns every quiet gap into no think time at all.
func closeGaps(ops []scenario.ClientOp) {
	for i := range ops {
		if time.Duration(ops[i].Think) >= QuietGap {
			ops[i].Think = 0
		}
	}
}

func sameClients(a, b []scenario.ClientScript) bool {
	return slices.EqualFunc(a, b, func(x, y scenario.ClientScript) bool {
		return x.ID == y.ID && x.Sticky == y.Sticky && x.OpenLoop == y.OpenLoop &&
			slices.Equal(x.Ops, y.Ops)
	})
}
