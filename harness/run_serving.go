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

// maxOpenArrivals bounds the arrivals kept at once: requests a crashed node never answered
// would otherwise pile up. Past the bound new arrivals are not recorded, and their answers
// are checked by the lease rule only.
const maxOpenArrivals = 1 << 16

type arrivalKey struct {
	node    nodeapi.NodeID
	request string
}

// servingCheck implements sim.ServeHook for one run.
type servingCheck struct {
	commits  nodeapi.CommitReporter // nil: the system cannot say; only leases are checked
	arrivals map[arrivalKey]uint64  // the cluster's commit index when each request arrived
}

func newServingCheck(sys nodeapi.System) *servingCheck {
	c := &servingCheck{arrivals: map[arrivalKey]uint64{}}
	c.commits, _ = sys.(nodeapi.CommitReporter)
	return c
}

// Arrived records the cluster's commit index as the request arrives.
func (c *servingCheck) Arrived(id nodeapi.NodeID, request string) {
	if c.commits == nil || request == "" || len(c.arrivals) >= maxOpenArrivals {
		return
	}
	k := arrivalKey{id, request}
	if _, again := c.arrivals[k]; !again { // a retry arriving again: the first one counts
		c.arrivals[k] = c.commits.CommittedIndex()
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
	k := arrivalKey{id, s.Request}
	committed, ok := c.arrivals[k]
	if !ok {
		return nil
	}
	delete(c.arrivals, k)
	if s.Index < committed {
		return fmt.Errorf("serving rule: %s answered %q from index %d, but index %d was "+
			"committed when it arrived", id, s.Request, s.Index, committed)
	}
	return nil
}
