package harness

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// commitSys is a system whose cluster commit index the test sets.
type commitSys struct {
	nodeapi.System
	index uint64
}

func (s *commitSys) CommittedIndex() uint64 { return s.index }

func TestServingRuleRefusesAReadOlderThanItsArrival(t *testing.T) {
	sys := &commitSys{}
	c := newServingCheck(sys, 0)
	now := time.Unix(100, 0)
	sys.index = 7
	c.Arrived("n1", "c1/3")
	sys.index = 9
	c.Arrived("n1", "c1/3") // the same read retried: its first arrival counts
	require.NoError(t, c.Served("n1", now, nodeapi.Serving{Request: "c1/3", Index: 7}))

	c.Arrived("n1", "c1/4")
	err := c.Served("n1", now, nodeapi.Serving{Request: "c1/4", Index: 8})
	require.EqualError(t, err, `serving rule: n1 answered "c1/4" from index 8, but index 9 `+
		`was committed when it arrived`)
	// A request retried elsewhere keeps its first arrival; an unreported one is not checked.
	sys.index = 5
	c.Arrived("n1", "c2/1")
	sys.index = 12
	c.Arrived("n2", "c2/1")
	require.NoError(t, c.Served("n2", now, nodeapi.Serving{Request: "c2/1", Index: 5}))
	require.NoError(t, c.Served("n1", now, nodeapi.Serving{Request: "c9/1", Index: 0}))
}

func TestServingRuleRefusesAnExpiredLease(t *testing.T) {
	c := newServingCheck(&fixtures.ToyKV{}, 0) // no commit index: leases only
	now := time.Unix(100, 0)
	ok := nodeapi.Serving{LeaseExpiry: now.Add(time.Millisecond)}
	require.NoError(t, c.Served("n1", now, ok))
	expired := nodeapi.Serving{Request: "lease", LeaseExpiry: now.Add(-time.Second)}
	require.ErrorContains(t, c.Served("n1", now, expired), "a lease that expired 1s earlier")
	c.Arrived("n1", "c1/1") // no commit reporter: nothing recorded
	require.Empty(t, c.arrivals)
}
