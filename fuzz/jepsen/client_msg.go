package jepsen

import (
	"fmt"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// NoAnswer is what a command-line client says when its operation (named what) got no
// answer within timeout. When the servers named a server the client has no address for
// (unrouted: typically the leader, outside --peers), it says so and how to fix it, instead
// of asking whether the servers run.
func NoAnswer(timeout time.Duration, peers Peers, unrouted []nodeapi.NodeID,
	what string) string {
	if len(unrouted) > 0 {
		names := make([]string, len(unrouted))
		for i, id := range unrouted {
			names[i] = string(id)
		}
		return fmt.Sprintf("no answer within %v: the servers sent the client to %s, which "+
			"--peers (%s) does not list, so it cannot reach it (probably the leader). Add "+
			"it to --peers as %s=HOST:PORT. The %s may or may not have taken effect.",
			timeout, strings.Join(names, ", "), peers, names[0], what)
	}
	return fmt.Sprintf("no answer from the cluster within %v (servers %s); the %s may or "+
		"may not have taken effect. Are the servers running and able to elect a leader?",
		timeout, peers, what)
}
