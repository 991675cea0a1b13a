package raft

import (
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The Raft KV reports its linearizable reads to the runtime's serving oracle (see
// nodeapi.Serving): a read's arrival, and the applied index its answer was read at. The
// rule it is held to: never older than what the cluster had committed when it arrived.

// servedRequest names a client's read for the oracle: the client and its sequence number.
func servedRequest(client nodeapi.NodeID, seq uint64) string {
	return string(client) + "/" + strconv.FormatUint(seq, 10)
}

// readArrived reports a read's arrival, if the runtime checks serving rules.
func (n *Node) readArrived(client nodeapi.NodeID, seq uint64) {
	if n.serves {
		nodeapi.Arrive(n.env, servedRequest(client, seq))
	}
}

// readServed reports that a read is answered from the state at n.applied.
func (n *Node) readServed(client nodeapi.NodeID, seq uint64) {
	if n.serves {
		nodeapi.Serve(n.env, nodeapi.Serving{Request: servedRequest(client, seq),
			Index: n.applied})
	}
}

// CommittedIndex implements nodeapi.CommitReporter: the highest index any node has
// committed so far in the run (the ghost of the invariant checks).
func (s *System) CommittedIndex() uint64 {
	if n := len(s.ghost.committed); n > 0 {
		return uint64(n - 1)
	}
	return 0
}
