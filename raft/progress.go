package raft

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// progressState is how a leader currently feeds one follower.
type progressState uint8

const (
	// stateProbe: the follower's log position is unknown; send one AppendEntries at a time
	// (per heartbeat) and back off on rejection.
	stateProbe progressState = iota
	// stateReplicate: the follower is known to match up to match; stream entries optimistically,
	// at most MaxInflightAppends messages ahead.
	stateReplicate
	// stateSnapshot: the follower needs entries the leader has compacted; a snapshot is on its
	// way and nothing else is sent until it is acknowledged or the resend time passes.
	stateSnapshot
)

// progress is the leader's view of one voter.
type progress struct {
	id    nodeapi.NodeID
	match uint64
	next  uint64
	state progressState
	// probeSent pauses a probing follower until a response or the next heartbeat.
	probeSent bool
	// inflight holds the last index of each outstanding AppendEntries (replicate state).
	inflight []uint64
	// recentActive is set by any response; CheckQuorum clears it every election timeout.
	recentActive bool
	// readAck is the highest ReadIndex round the follower acknowledged in this term.
	readAck uint64
	// snapIndex is the index of the snapshot in flight; snapResendAt when to send it again.
	snapIndex    uint64
	snapResendAt time.Duration
}

func newProgress(id nodeapi.NodeID, next uint64) *progress {
	return &progress{id: id, next: next}
}

// paused reports whether the leader must not send more entries now.
func (pr *progress) paused(maxInflight int) bool {
	switch pr.state {
	case stateProbe:
		return pr.probeSent
	case stateReplicate:
		return len(pr.inflight) >= maxInflight
	}
	return true
}

func (pr *progress) becomeProbe() {
	pr.state, pr.probeSent, pr.inflight = stateProbe, false, pr.inflight[:0]
	pr.next = max(pr.next, pr.match+1)
}

func (pr *progress) becomeReplicate() {
	pr.state, pr.probeSent, pr.inflight = stateReplicate, false, pr.inflight[:0]
	pr.next = pr.match + 1
}

func (pr *progress) becomeSnapshot(index uint64, resendAt time.Duration) {
	pr.state, pr.probeSent, pr.inflight = stateSnapshot, false, pr.inflight[:0]
	pr.snapIndex, pr.snapResendAt = index, resendAt
}

// sent records an AppendEntries carrying entries up to last.
func (pr *progress) sent(last uint64) {
	switch pr.state {
	case stateReplicate:
		pr.next = last + 1
		pr.inflight = append(pr.inflight, last)
	case stateProbe:
		pr.probeSent = true
	}
}

// acked records a successful response matching up to index; it reports whether match grew.
func (pr *progress) acked(index uint64) bool {
	pr.probeSent = false
	if index <= pr.match {
		return false
	}
	pr.match = index
	pr.next = max(pr.next, index+1)
	n := 0
	for n < len(pr.inflight) && pr.inflight[n] <= index {
		n++
	}
	pr.inflight = append(pr.inflight[:0], pr.inflight[n:]...)
	return true
}
