package raft

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// readCtx is what the adapter needs to answer a read once it is confirmed: who asked, for
// which operation, and which key.
type readCtx struct {
	client nodeapi.NodeID
	seq    uint64
	key    string
}

// readRequest is a ReadIndex read: confirmed once a quorum acknowledged a heartbeat round
// numbered id or later, then served once the state machine applied index.
type readRequest struct {
	id    uint64
	index uint64
	ctx   readCtx
}

// ReadIndex is the input for a linearizable read (§6.4). A leader that has not yet committed
// an entry of its term holds the read until it has; otherwise it records the commit index as
// the read index and starts a heartbeat round numbered with a fresh read id. No lease reads:
// every read is confirmed by a quorum.
func (r *raft) ReadIndex(ctx readCtx) status {
	if r.role != Leader {
		return statusNotLeader
	}
	if len(r.reads)+len(r.waitingReads) >= r.cfg.MaxPendingReads {
		return statusRetry
	}
	if !r.readIndexReady() {
		r.waitingReads = append(r.waitingReads, ctx)
		return statusOK
	}
	r.registerRead(ctx)
	r.broadcastHeartbeat()
	return statusOK
}

// readIndexReady is the ReadIndex precondition: until the leader commits an entry of its own
// term it may not know the latest commit index, so it must not serve reads.
func (r *raft) readIndexReady() bool { return r.committedInCurrentTerm() }

func (r *raft) registerRead(ctx readCtx) {
	if n := len(r.reads); n > 0 && r.reads[n-1].index > r.commit {
		// The commit index only grows; a read index behind an earlier one is a stale read.
		panic(broken(r.id, "read index went backwards", "previous", r.reads[n-1].index,
			"commit", r.commit))
	}
	r.readSeq++
	r.reads = append(r.reads, readRequest{id: r.readSeq, index: r.commit, ctx: ctx})
	r.reached(EventReadIndex)
}

// checkReads moves every read confirmed by a quorum to readyReads. Read ids grow and so do
// acknowledgements, so the confirmed reads are always a prefix of the queue.
func (r *raft) checkReads() {
	n := 0
	for n < len(r.reads) && r.readConfirmed(r.reads[n].id) {
		n++
	}
	if n == 0 {
		return
	}
	r.readyReads = append(r.readyReads, r.reads[:n]...)
	r.reads = append(r.reads[:0], r.reads[n:]...)
}

// readConfirmed reports whether a quorum of voters acknowledged round id (or a later one) in
// this term: then no other leader could have committed anything when the read was registered.
func (r *raft) readConfirmed(id uint64) bool {
	acks := 0
	for _, v := range r.voters {
		if v == r.id {
			acks++
		} else if pr := r.progress(v); pr != nil && pr.readAck >= id {
			acks++
		}
	}
	return acks >= quorumSize(len(r.voters))
}
