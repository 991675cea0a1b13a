package harness

import (
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The serving oracle (see nodeapi.Serving): a node reports when a request arrives and what
// state it answered it from, and the runner checks the serving rules at that moment. A
// broken rule fails the run as an invariant violation, naming the node, the request and
// both indexes.

// maxOpenArrivals bounds the arrivals a run keeps (one per request, never dropped: a run
// has at most scenario.MaxScenarioOps operations and their retries reuse the name). Past the
// bound new arrivals are not recorded, and their answers are checked by the lease rule only.
const maxOpenArrivals = 1 << 16

// servingCheck implements sim.ServeHook for one run.
type servingCheck struct {
	commits nodeapi.CommitReporter // nil: the system cannot say; only leases are checked
	// arrivals is the cluster's commit index when each request first arrived anywhere.
	arrivals map[string]uint64
}

// newServingCheck makes the check for a run of about requests requests.
func newServingCheck(sys nodeapi.System, requests int) *servingCheck {
	c := &servingCheck{}
	c.commits, _ = sys.(nodeapi.CommitReporter)
	if c.commits != nil { // else no arrival is recorded
		c.arrivals = make(map[string]uint64, min(requests, maxOpenArrivals))
	}
	return c
}

// Arrived records the cluster's commit index as the request arrives. A request retried to
// the same or another node keeps its first arrival: its client invoked it before then.
func (c *servingCheck) Arrived(id nodeapi.NodeID, request string) {
	if c.commits == nil || request == "" || len(c.arrivals) >= maxOpenArrivals {
		return
	}
	if _, again := c.arrivals[request]; !again {
		c.arrivals[request] = c.commits.CommittedIndex()
	}
}

// Served checks an answer: not from state older than what was committed when its request
// arrived, and not on a lease that has expired on the node's own clock.
func (c *servingCheck) Served(id nodeapi.NodeID, now time.Time, s nodeapi.Serving) error {
	if !s.LeaseExpiry.IsZero() && !now.Before(s.LeaseExpiry) {
		return fmt.Errorf("serving rule: %s answered %q on a lease that expired %v earlier "+
			"on its own clock", id, s.Request, now.Sub(s.LeaseExpiry))
	}
	if s.Request == "" {
		return nil
	}
	// The arrival is kept: a retry answered again later (its first answer lost) must be
	// held to the same first arrival, not to a later one.
	committed, ok := c.arrivals[s.Request]
	if !ok {
		return nil
	}
	if s.Index < committed {
		return fmt.Errorf("serving rule: %s answered %q from index %d, but index %d was "+
			"committed when it arrived", id, s.Request, s.Index, committed)
	}
	return nil
}
