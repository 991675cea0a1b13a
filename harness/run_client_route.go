package harness

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// route works out where op i of script sc goes when it starts on ep: To resolved (a named
// server as it is; LeaderTarget and PreviousLeaderTarget to the node they name now) and
// the script's stickiness. A target that names nobody (no leader, no leader change yet)
// leaves the choice to the client, and the timeline says so.
func (r *runner) route(sc scenario.ClientScript, ep *endpoint, i int) nodeapi.Route {
	rt := nodeapi.Route{To: sc.Ops[i].To, Sticky: sc.Sticky}
	if rt.To != scenario.LeaderTarget && rt.To != scenario.PreviousLeaderTarget {
		return rt
	}
	asked := rt.To
	rt.To = r.leaderNamed(asked)
	if rt.To == "" {
		r.w.Note(ep.id, fmt.Sprintf("route %s op %d: %s names no node yet; sent as usual",
			ep.id, i, asked))
	} else {
		r.w.Note(ep.id, fmt.Sprintf("route %s op %d to %s (%s)", ep.id, i, rt.To, asked))
	}
	return rt
}

// leaderNamed resolves LeaderTarget or PreviousLeaderTarget; "" when it names nobody.
func (r *runner) leaderNamed(target nodeapi.NodeID) nodeapi.NodeID {
	if target == scenario.PreviousLeaderTarget {
		if r.leaders == nil {
			return ""
		}
		return r.leaders.previous
	}
	l, _ := r.resolve(scenario.LeaderTarget)
	return l
}

// invoke starts op on ep along route. A client that does not implement Router gets a
// plain Invoke: RunResult.Unrouted counts it, and the timeline says so once per endpoint.
// It runs as the client's code (inside World.Exec).
func (r *runner) invoke(ep *endpoint, op nodeapi.Op, route nodeapi.Route,
	done func(nodeapi.Outcome)) {
	if route == (nodeapi.Route{}) {
		ep.c.Invoke(op, done)
		return
	}
	if rt, ok := ep.c.(nodeapi.Router); ok {
		rt.InvokeRouted(op, route, done)
		return
	}
	r.unrouted++
	if !ep.unroutedNoted {
		ep.unroutedNoted = true
		r.w.Note(ep.id, fmt.Sprintf("route: %s's client does not implement "+
			"nodeapi.Router; routed operations are sent with plain Invoke", ep.id))
	}
	ep.c.Invoke(op, done)
}

// leaderHistory follows the leader the system reports after every server event, for
// PreviousLeaderTarget: latest is the last leader seen, previous the one before it (a
// leaderless spell is no change).
type leaderHistory struct {
	lr               nodeapi.LeaderReporter
	latest, previous nodeapi.NodeID
}

// needsLeaderHistory reports whether an operation of s is sent to the previous leader.
func needsLeaderHistory(s scenario.Scenario) bool {
	for _, c := range s.Clients {
		for _, op := range c.Ops {
			if op.To == scenario.PreviousLeaderTarget {
				return true
			}
		}
	}
	return false
}

// trackLeaders starts the leader history when the scenario needs it and the system reports
// its leader; otherwise PreviousLeaderTarget names nobody. Only such scenarios pay for a
// leader report after every server event.
func (r *runner) trackLeaders() {
	lr, ok := r.sys.(nodeapi.LeaderReporter)
	if !ok || !needsLeaderHistory(r.s) {
		return
	}
	r.leaders = &leaderHistory{lr: lr}
	r.installAfterEvent()
}

func (h *leaderHistory) observe(l nodeapi.NodeID) {
	if l != "" && l != h.latest {
		h.previous, h.latest = h.latest, l
	}
}
