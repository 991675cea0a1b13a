package raft

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// confRecord is a config entry present in the log.
type confRecord struct {
	index  uint64
	voters []nodeapi.NodeID
}

// raftLog is a node's in-memory log: the entries after the last snapshot, the membership
// configurations they carry, the unstable watermark (the first index the disk writer has not
// been handed yet) and the history of rewrites (rewrites.go), from which an observer such as
// the invariant checker learns what changed since it last looked without writing here.
type raftLog struct {
	snapIndex, snapTerm uint64
	// baseVoters is the configuration in force at snapIndex (from the snapshot, or the boot
	// peers when there is none).
	baseVoters []nodeapi.NodeID
	entries    []Entry
	confs      []confRecord
	unstable   uint64
	rewrites   uint64
	history    []rewrite
}

func newRaftLog(voters []nodeapi.NodeID) *raftLog {
	return &raftLog{baseVoters: voters, unstable: 1}
}

func (l *raftLog) firstIndex() uint64 { return l.snapIndex + 1 }

func (l *raftLog) lastIndex() uint64 { return l.snapIndex + uint64(len(l.entries)) }

func (l *raftLog) lastTerm() uint64 {
	if len(l.entries) == 0 {
		return l.snapTerm
	}
	return l.entries[len(l.entries)-1].Term
}

// term returns the term of entry i; ok is false when i is compacted away or beyond the end.
func (l *raftLog) term(i uint64) (t uint64, ok bool) {
	switch {
	case i == l.snapIndex:
		return l.snapTerm, true
	case i < l.snapIndex || i > l.lastIndex():
		return 0, false
	}
	return l.entries[i-l.snapIndex-1].Term, true
}

// matchTerm is the AppendEntries consistency check: the log holds an entry at i with term t.
func (l *raftLog) matchTerm(i, t uint64) bool {
	lt, ok := l.term(i)
	return ok && lt == t
}

// entry returns entry i, which must be in memory.
func (l *raftLog) entry(i uint64) *Entry {
	if i <= l.snapIndex || i > l.lastIndex() {
		panic("raft log: entry " + dec(i) + " outside " + l.bounds())
	}
	e := &l.entries[i-l.snapIndex-1]
	if e.Index != i {
		// Every reader relies on position = index - snapIndex - 1; a slip in compact or
		// truncate would hand out the wrong entry silently.
		panic("raft log: entry " + dec(e.Index) + " stored at the position of " + dec(i))
	}
	return e
}

// bounds renders the in-memory range for messages: "[first, last]".
func (l *raftLog) bounds() string {
	return "[" + dec(l.firstIndex()) + ", " + dec(l.lastIndex()) + "]"
}

// slice returns entries [lo, hi) (sharing memory; callers encode them at once).
func (l *raftLog) slice(lo, hi uint64) []Entry {
	if lo <= l.snapIndex || hi > l.lastIndex()+1 || lo > hi {
		panic("raft log: slice [" + dec(lo) + ", " + dec(hi) + ") outside " + l.bounds())
	}
	return l.entries[lo-l.snapIndex-1 : hi-l.snapIndex-1]
}

// append adds entries that must start right after the last one, with consecutive indexes
// and terms that never decrease (a log's terms only grow: each leader appends after what
// earlier leaders wrote).
func (l *raftLog) append(ents ...Entry) {
	if len(ents) == 0 {
		return
	}
	if ents[0].Index != l.lastIndex()+1 {
		panic("raft log: append at " + dec(ents[0].Index) + " after last " + dec(l.lastIndex()))
	}
	l.markChanged(ents[0].Index)
	for i := range ents {
		e := &ents[i]
		if e.Index != l.lastIndex()+1 {
			panic("raft log: appended entry " + dec(e.Index) + " does not follow " +
				dec(l.lastIndex()))
		}
		if e.Term < l.lastTerm() {
			panic("raft log: entry " + dec(e.Index) + " of term " + dec(e.Term) +
				" after an entry of term " + dec(l.lastTerm()))
		}
		l.entries = append(l.entries, *e)
		if e.Type == entryConfig {
			l.addConf(e)
		}
	}
}

func (l *raftLog) addConf(ent *Entry) {
	voters, err := parseConfig(ent.Data)
	if err != nil {
		// Entries are checksummed on the wire and on disk; a leader never writes a bad one.
		panic("raft log: config entry " + dec(ent.Index) + ": " + err.Error())
	}
	l.confs = append(l.confs, confRecord{index: ent.Index, voters: voters})
}

// truncateFrom removes entries i and later (a follower's conflicting suffix).
func (l *raftLog) truncateFrom(i uint64) {
	if i <= l.snapIndex || i > l.lastIndex() {
		panic("raft log: truncate from " + dec(i) + " outside " + l.bounds())
	}
	clear(l.entries[i-l.snapIndex-1:])
	l.entries = l.entries[:i-l.snapIndex-1]
	for len(l.confs) > 0 && l.confs[len(l.confs)-1].index >= i {
		l.confs = l.confs[:len(l.confs)-1]
	}
	l.markChanged(i)
	l.noteRewrite(i)
}

// markChanged lowers the unstable watermark to i, from which the disk writer must write again.
func (l *raftLog) markChanged(i uint64) { l.unstable = min(l.unstable, i) }

// compact drops entries up to and including i, which a durable snapshot now covers.
func (l *raftLog) compact(i uint64) {
	if i <= l.snapIndex {
		return
	}
	t, ok := l.term(i)
	if !ok {
		panic("raft log: compact to " + dec(i) + " beyond last " + dec(l.lastIndex()))
	}
	l.baseVoters = l.votersAt(i)
	l.entries = slices.Clone(l.entries[i-l.snapIndex:])
	n := 0
	for n < len(l.confs) && l.confs[n].index <= i {
		n++
	}
	l.confs = slices.Clone(l.confs[n:])
	l.snapIndex, l.snapTerm = i, t
	l.unstable = max(l.unstable, i+1)
	l.pruneHistory()
}

// reset discards the whole log for an installed snapshot that ends at (i, t), which is never
// behind the current base: a snapshot only ever covers more of the history.
func (l *raftLog) reset(i, t uint64, voters []nodeapi.NodeID) {
	if i < l.snapIndex {
		panic("raft log: reset to a snapshot at " + dec(i) + " behind the base " +
			dec(l.snapIndex))
	}
	l.entries = nil
	l.confs = nil
	l.snapIndex, l.snapTerm, l.baseVoters = i, t, voters
	l.unstable = i + 1
	l.noteRewrite(i + 1)
	l.pruneHistory()
}

// voters is the configuration in force: the latest config entry in the log, else the base.
func (l *raftLog) voters() []nodeapi.NodeID {
	if n := len(l.confs); n > 0 {
		return l.confs[n-1].voters
	}
	return l.baseVoters
}

// votersAt is the configuration in force at index i (the latest config entry at or before i).
func (l *raftLog) votersAt(i uint64) []nodeapi.NodeID {
	for k := len(l.confs) - 1; k >= 0; k-- {
		if l.confs[k].index <= i {
			return l.confs[k].voters
		}
	}
	return l.baseVoters
}

// configIndex is the index of the latest config entry in the log, or 0 if there is none.
func (l *raftLog) configIndex() uint64 {
	if n := len(l.confs); n > 0 {
		return l.confs[n-1].index
	}
	return 0
}

// firstIndexOfTerm returns the first index in [lo, i] whose entry has term t, where entry i
// has term t: the follower's conflict hint.
func (l *raftLog) firstIndexOfTerm(i, t, lo uint64) uint64 {
	lo = max(lo, l.firstIndex())
	for i > lo {
		if pt, ok := l.term(i - 1); !ok || pt != t {
			break
		}
		i--
	}
	return i
}

// lastIndexOfTerm returns the last index whose entry has term t, or 0 if the log holds none:
// the leader's use of the conflict hint.
func (l *raftLog) lastIndexOfTerm(t uint64) uint64 {
	for i := len(l.entries) - 1; i >= 0; i-- {
		switch et := l.entries[i].Term; {
		case et == t:
			return l.entries[i].Index
		case et < t:
			return 0
		}
	}
	if l.snapTerm == t {
		return l.snapIndex
	}
	return 0
}
