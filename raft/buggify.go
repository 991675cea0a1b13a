package raft

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The buggify sites of the Raft KV (see nodeapi.Buggify): rare but legal paths a real
// deployment takes under load, taken on purpose in simulation. Each is off in production.
const (
	// SiteDelayedApply: the state machine falls behind the commit index for a while (a slow
	// apply loop), so reads and write acknowledgements wait on it.
	SiteDelayedApply = "raft.delayed-apply"
	// SiteTinyBatch: an AppendEntries that would carry several entries carries one only, as
	// under a byte limit.
	SiteTinyBatch = "raft.tiny-batch"
	// SiteEarlySnapshot: a snapshot is taken long before the threshold, so the log is
	// compacted early and lagging followers need InstallSnapshot.
	SiteEarlySnapshot = "raft.early-snapshot"
	// SiteEarlyElection: an election deadline is drawn far shorter than the election
	// timeout (a spurious early timeout, as after a long GC pause on a follower).
	SiteEarlyElection = "raft.early-election"
	// SiteLateReply: a write's success reply leaves later than the client's attempt
	// timeout, so the client retries a write that has already been applied.
	SiteLateReply = "raft.late-reply"
)

// BuggifySites lists every buggify site of the Raft KV, for its target.
func BuggifySites() []string {
	return []string{SiteDelayedApply, SiteTinyBatch, SiteEarlySnapshot, SiteEarlyElection,
		SiteLateReply}
}

// Delays of the buggified paths.
const (
	delayedApplyFor = 40 * time.Millisecond
	lateReplyAfter  = 700 * time.Millisecond // past the default 500 ms attempt timeout
	// earlySnapshotProb is low: a snapshot copies the whole state machine.
	earlySnapshotProb = 0.02
)

// bug reports whether the core's buggify site fires (never without a runtime that has them).
func (r *raft) bug(site string) bool { return r.buggify != nil && r.buggify(site) }

// buggify is nodeapi.BuggifyProb with the Env's Buggifier found once, at the start, rather
// than by a type assertion at every call (some sites are asked after every input).
func (n *Node) buggify(site string, p float64) bool {
	return n.bugs != nil && n.bugs.Buggify(site, p)
}

// delayApply reports whether applying is put off this time; it then arms one timer that
// applies later. Only one such timer is pending at a time.
func (n *Node) delayApply() bool {
	if n.applyLater || n.applied >= n.r.commit ||
		!n.buggify(SiteDelayedApply, nodeapi.DefaultBuggifyProb) {
		return false
	}
	n.applyLater = true
	n.env.After(delayedApplyFor, func() {
		n.applyLater = false
		if !n.stopped {
			n.tick()
			n.flush()
		}
	})
	return true
}

// lateReply sends an encoded success reply after lateReplyAfter instead of now, when the
// site fires; it reports whether it did.
func (n *Node) lateReply(to nodeapi.NodeID, m *message) bool {
	if m.Status != statusOK || !n.buggify(SiteLateReply, nodeapi.DefaultBuggifyProb) {
		return false
	}
	frame := encodeMessage(m)
	n.env.After(lateReplyAfter, func() {
		if !n.stopped {
			n.env.Send(to, frame)
		}
	})
	return true
}
