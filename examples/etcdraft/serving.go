package etcdraft

import (
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The glue reports its ReadIndex reads to the runtime's serving oracle (see
// nodeapi.Serving): a read's arrival at the leader, and the applied index its answer was
// read at. The rule it is held to: never older than what the cluster had committed when
// the read first arrived.

// readRequest names a client's read for the oracle: the client and its sequence number.
func readRequest(client nodeapi.NodeID, seq uint64) string {
	return string(client) + "/" + strconv.FormatUint(seq, 10)
}

// CommittedIndex implements nodeapi.CommitReporter: the highest index any node has applied
// so far in the run (so committed; the ghost of the invariant checks).
func (s *System) CommittedIndex() uint64 {
	if n := len(s.ghost.applied); n > 0 {
		return uint64(n - 1)
	}
	return 0
}
