package scenario

import (
	"fmt"
	"strings"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Client behaviours beyond the closed loop with short think times. Stale-read bugs (a
// deposed leader answering reads, a read index taken before a new leader commits, a lease
// outliving a clock's skew) need operations that arrive after leadership moved, at servers
// a well-behaved client soon stops asking, and while other operations of the same client are
// still in flight:
//
//   - a quiet gap is a long Think (seconds): leaders change and leases expire between two
//     operations of a client;
//   - ClientOp.To sends an operation to a chosen server first: a named server, the leader
//     (LeaderTarget), or the node that led before the latest leader change
//     (PreviousLeaderTarget), which the runner tracks through LeaderReporter;
//   - ClientScript.Sticky keeps a client with the server it is using (Route.Sticky);
//   - ClientScript.OpenLoop starts operations on a schedule, several at once, over several
//     endpoints.
//
// To and Sticky need a client that implements Router; another client gets a plain Invoke,
// counted in RunResult.Unrouted and noted on the timeline.

// PreviousLeaderTarget, as ClientOp.To, names the node that led before the latest leader
// change seen when the operation starts: after a partition, the deposed leader.
const PreviousLeaderTarget nodeapi.NodeID = "@previous-leader"

// Limits of client behaviours.
const (
	// MaxOpenLoop bounds ClientScript.OpenLoop, the endpoints of one open-loop client.
	MaxOpenLoop = 8
	// MaxClientEndpoints bounds the client endpoints of a scenario (an open-loop client
	// counts each of its endpoints).
	MaxClientEndpoints = 64
)

// endpointSep joins an open-loop client's ID and the number of its extra endpoints; IDs
// may not contain it, so no endpoint name collides with another ID.
const endpointSep = "#"

// Endpoints names the client endpoints that run the script: its ID for a closed-loop
// client, ID, ID#2, ID#3, ... for an open-loop one. Each runs one operation at a time, so
// the history, whose client rows are endpoints, stays sequential per row.
func (c ClientScript) Endpoints() []nodeapi.NodeID {
	ids := []nodeapi.NodeID{c.ID}
	for i := 2; i <= c.OpenLoop; i++ {
		ids = append(ids, nodeapi.NodeID(fmt.Sprintf("%s%s%d", c.ID, endpointSep, i)))
	}
	return ids
}

// ClientEndpoints lists the client endpoints of every script in order: the client rows of
// the history (model.Operation.ClientID indexes it; the probe comes after them).
func ClientEndpoints(s Scenario) []nodeapi.NodeID {
	var ids []nodeapi.NodeID
	for _, c := range s.Clients {
		ids = append(ids, c.Endpoints()...)
	}
	return ids
}

// Plain reports whether the script is today's default: closed loop, not sticky, no
// operation sent to a chosen server.
func (c ClientScript) Plain() bool {
	if c.Sticky || c.OpenLoop != 0 {
		return false
	}
	for _, op := range c.Ops {
		if op.To != "" {
			return false
		}
	}
	return true
}

// Describe renders the script's behaviours for reports, "" for a plain closed-loop client.
func (c ClientScript) Describe() string {
	var parts []string
	if c.OpenLoop > 0 {
		parts = append(parts, fmt.Sprintf("open loop over %d endpoints %v (think counts "+
			"from the previous start)", c.OpenLoop, c.Endpoints()))
	}
	if c.Sticky {
		parts = append(parts, "sticky (keeps to the server it uses)")
	}
	return strings.Join(parts, "; ")
}

// validate checks the fields of script i beyond its ID and its kinds; servers are the
// cluster's.
func (c ClientScript) validate(i int, servers map[nodeapi.NodeID]bool) error {
	if c.OpenLoop < 0 || c.OpenLoop == 1 || c.OpenLoop > MaxOpenLoop {
		return fmt.Errorf("scenario: clients[%d].open_loop: %d; want 0 (closed loop) or 2 to "+
			"%d endpoints", i, c.OpenLoop, MaxOpenLoop)
	}
	for j, op := range c.Ops {
		if op.Think < 0 {
			return fmt.Errorf("scenario: clients[%d].ops[%d].think is negative", i, j)
		}
		if to := op.To; to != "" && !servers[to] && to != LeaderTarget &&
			to != PreviousLeaderTarget {
			return fmt.Errorf("scenario: clients[%d].ops[%d].to: unknown server %q (want a "+
				"server of the cluster, %q or %q)", i, j, to, LeaderTarget,
				PreviousLeaderTarget)
		}
	}
	return nil
}
