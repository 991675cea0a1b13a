package etcdraft

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The buggify sites of the etcd/raft glue (see nodeapi.Buggify): rare but legal paths of a
// real deployment, taken on purpose in simulation and never in production.
const (
	// SiteSlowReady: the loop that handles Readies stalls for a while before taking the
	// next one (a slow apply or a busy process), so applying lags behind what the RawNode
	// knows is committed and outgoing messages wait.
	SiteSlowReady = "etcd.slow-ready"
)

// BuggifySites lists every buggify site of the glue, for its target.
func BuggifySites() []string { return []string{SiteSlowReady} }

// slowReadyFor is how long the Ready loop stalls when SiteSlowReady fires.
const slowReadyFor = 30 * time.Millisecond

// stallReady reports whether the Ready loop stalls now; it then holds the loop (busy) and
// resumes it slowReadyFor later.
func (n *Node) stallReady() bool {
	if !n.rn.HasReady() || !nodeapi.Buggify(n.env, SiteSlowReady) {
		return false
	}
	n.busy = true
	n.env.After(slowReadyFor, func() {
		n.busy = false
		if !n.stopped {
			n.pump()
		}
	})
	return true
}
