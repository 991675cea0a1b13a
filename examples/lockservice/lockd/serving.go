package lockd

import (
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// lockd reports what it serves to the runtime's serving oracle (see nodeapi.Serving): a
// command's arrival at the leader, and the index of the state its answer was read from.
// Every answer goes through the log, so the rule (never older than what the cluster had
// committed when the command arrived) holds by construction; a leader that answered a
// read from its own state, say after it lost leadership, would break it. A cached answer
// to a retried command is a replay, not served state, and is not reported.

// commandRequest names a client's command for the oracle: its session and sequence.
func commandRequest(session, seq uint64) string {
	return strconv.FormatUint(session, 16) + "/" + strconv.FormatUint(seq, 10)
}

// commandArrived reports a command's arrival at the leader.
func (n *Node) commandArrived(m *message) {
	if n.serves {
		nodeapi.Arrive(n.env, commandRequest(m.Session, m.Seq))
	}
}

// commandServed reports that a command is answered from the state at index.
func (n *Node) commandServed(session, seq, index uint64) {
	if n.serves {
		nodeapi.Serve(n.env, nodeapi.Serving{Request: commandRequest(session, seq),
			Index: index})
	}
}

// CommittedIndex implements nodeapi.CommitReporter: the highest index any replica has
// applied so far in the run (so committed; the ghost of the invariant checks).
func (s *System) CommittedIndex() uint64 { return uint64(len(s.ghost.committed)) }
