package raft

// The log keeps a short history of its rewrites (truncations and resets) so that an observer
// can ask "what is the lowest index that changed since I last looked?" without writing into
// the log: the invariant checker must be read-only, and a watermark it reset itself would
// make the checked system depend on its checker. Appends need no record: they only ever add
// entries after the last index an observer saw.
//
// An observer remembers the rewrite count (raftLog.rewrites) and the first index it has not
// seen yet; rewrittenSince then gives the lowest index rewritten after that count. Only
// rewrites that can still be the answer are kept: a newer rewrite at an index at or below an
// older one's hides it from every observer old enough to see both, so the history holds
// rewrites in increasing order of both count and index, at most one per in-memory index.

// rewrite records that the log's entries from index on were replaced or dropped, as the
// seq-th rewrite of this log.
type rewrite struct{ seq, index uint64 }

// noteRewrite records a rewrite from index i on.
func (l *raftLog) noteRewrite(i uint64) {
	l.rewrites++
	n := len(l.history)
	for n > 0 && l.history[n-1].index >= i {
		n--
	}
	l.history = append(l.history[:n], rewrite{seq: l.rewrites, index: i})
}

// pruneHistory forgets rewrites that compaction made indistinguishable: every index at or
// below the first in-memory one reads as "from the first index on", so only the newest such
// rewrite matters.
func (l *raftLog) pruneHistory() {
	k := 0
	for k+1 < len(l.history) && l.history[k+1].index <= l.firstIndex() {
		k++
	}
	if k > 0 {
		l.history = append(l.history[:0], l.history[k:]...)
	}
}

// rewrittenSince returns the lowest index rewritten by a rewrite later than the seq-th, and
// whether there was one. The newest rewrites are at the end, so an observer that checks
// after every event visits one record at most.
func (l *raftLog) rewrittenSince(seq uint64) (index uint64, ok bool) {
	for k := len(l.history) - 1; k >= 0 && l.history[k].seq > seq; k-- {
		index, ok = l.history[k].index, true
	}
	return index, ok
}
