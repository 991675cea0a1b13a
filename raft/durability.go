package raft

import (
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// durability orders disk syncs and what waits for them. Every disk write bumps written; one
// Sync is in flight at a time and covers every write before it; messages that promise durable
// state (vote grants, append acks) and follow-up steps (snapshot rename, segment removal) are
// held until a sync covering the writes made before them completes.
type durability struct {
	written uint64
	synced  uint64
	// inflight is set while a Sync is outstanding; it covers writes up to inflightSeq, and the
	// log as it stood then (inflightIndex/Term), which Persisted reports to the core.
	inflight      bool
	inflightSeq   uint64
	inflightIndex uint64
	inflightTerm  uint64
	// logIndex/logTerm is the last log entry as of the latest write.
	logIndex, logTerm uint64

	held    []heldMsg
	waiters []waiter
}

type heldMsg struct {
	seq   uint64
	to    nodeapi.NodeID
	frame []byte
}

type waiter struct {
	seq uint64
	fn  func()
}

// wrote records a disk write made when the log ended at (index, term).
func (d *durability) wrote(index, term uint64) {
	d.written++
	d.logIndex, d.logTerm = index, term
}

// wroteOther records a disk write that does not change the log (a snapshot file, a rename).
func (d *durability) wroteOther() { d.written++ }

// pending reports whether some write is not yet known durable.
func (d *durability) pending() bool { return d.written > d.synced }

// hold queues a frame until everything written so far is durable.
func (d *durability) hold(to nodeapi.NodeID, frame []byte) {
	d.held = append(d.held, heldMsg{seq: d.written, to: to, frame: frame})
}

// afterSync queues fn until everything written so far is durable.
func (d *durability) afterSync(fn func()) {
	d.waiters = append(d.waiters, waiter{seq: d.written, fn: fn})
}

// startSync marks a sync in flight if one is needed and none is, and returns what it covers.
func (d *durability) startSync() (seq uint64, ok bool) {
	if d.inflight || !d.pending() {
		return 0, false
	}
	d.inflight = true
	d.inflightSeq, d.inflightIndex, d.inflightTerm = d.written, d.logIndex, d.logTerm
	return d.written, true
}

// completed records a completed sync and returns the messages and steps it released.
func (d *durability) completed(seq uint64) ([]heldMsg, []waiter) {
	if !d.inflight || seq != d.inflightSeq {
		// A completion for another sync would release messages for writes not yet durable.
		panic("raft durability: invariant broken: completed sync " + dec(seq) +
			" is not the one in flight (" + dec(d.inflightSeq) + ", in flight " +
			strconv.FormatBool(d.inflight) + ")")
	}
	d.inflight = false
	d.synced = max(d.synced, seq)
	n := 0
	for n < len(d.held) && d.held[n].seq <= d.synced {
		n++
	}
	msgs := d.held[:n:n]
	if n == len(d.held) {
		// Keep the array for the next holds: a held message is only added while the
		// adapter sends its outputs, after it has sent these (Node.onSynced).
		d.held = d.held[:0]
	} else {
		d.held = d.held[n:]
	}
	k := 0
	for k < len(d.waiters) && d.waiters[k].seq <= d.synced {
		k++
	}
	ws := d.waiters[:k:k]
	d.waiters = d.waiters[k:]
	return msgs, ws
}
