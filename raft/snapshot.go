package raft

import (
	"errors"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// snapshotRef is a durable snapshot: the last entry it covers, the configuration in force
// there, and its encoded form (state machine included), ready to send.
type snapshotRef struct {
	index, term uint64
	voters      []nodeapi.NodeID
	data        []byte
}

// installRequest asks the adapter to persist and restore a snapshot sent by a leader.
type installRequest struct {
	from nodeapi.NodeID
	data []byte
}

const snapshotVersion = 1

// encodeSnapshot renders a snapshot: version, last index and term, voters, state machine.
func encodeSnapshot(index, term uint64, voters []nodeapi.NodeID, kv *kvStore) []byte {
	e := wire.Encoder{}
	e.U8(snapshotVersion)
	e.Uvarint(index)
	e.Uvarint(term)
	encodeVoters(&e, voters)
	kv.encode(&e)
	return e.Buf
}

// decodeSnapshot parses a snapshot; the state machine is rebuilt from a copy of data.
func decodeSnapshot(data []byte) (*snapshotRef, *kvStore, error) {
	d := newDecoder(data)
	if v := d.U8(); d.Err() == nil && v != snapshotVersion {
		return nil, nil, errors.New("snapshot: unknown version " + strconv.Itoa(int(v)))
	}
	ref := &snapshotRef{index: d.Uvarint(), term: d.Uvarint(), data: data}
	ref.voters = decodeVoters(&d)
	kv := decodeKVStore(&d)
	if err := d.Done(); err != nil {
		return nil, nil, wrap("snapshot", err)
	}
	return ref, kv, nil
}

// sendSnapshot sends pr the latest snapshot because the entries it needs are compacted.
func (r *raft) sendSnapshot(pr *progress) {
	s := r.snapshot
	if s == nil {
		panic("raft " + string(r.id) + ": log compacted to " + dec(r.log.snapIndex) +
			" but no snapshot to send")
	}
	if s.index < r.log.snapIndex || s.index <= pr.match {
		// The snapshot must cover what the log compacted, and more than the follower holds,
		// or the follower asks for entries we cannot send, again and again.
		panic(broken(r.id, "snapshot to send behind the log's base or the follower's match",
			"snapshot", s.index, "base", r.log.snapIndex, "follower", pr.id, "match",
			pr.match))
	}
	pr.becomeSnapshot(s.index, r.now+r.cfg.ElectionTimeout)
	r.reached(EventSnapshotSend)
	r.send(pr.id, &message{Type: msgSnap, Term: r.term, PrevIndex: s.index, PrevTerm: s.term,
		Snap: s.data})
}

// handleSnapshot is the InstallSnapshot receiver. A snapshot the log already covers is
// answered at once; one whose last entry the log holds with the same term only advances
// commit and keeps the entries after it; otherwise the adapter persists it and the log is
// discarded (InstallSnapshotDone).
func (r *raft) handleSnapshot(from nodeapi.NodeID, m *message) {
	if r.role == Leader {
		return
	}
	r.hearFromLeader(from)
	if r.installing {
		return
	}
	resp := &message{Type: msgAppResp, Term: r.term}
	switch {
	case m.PrevIndex <= r.commit:
		resp.Index = r.commit
	case r.log.matchTerm(m.PrevIndex, m.PrevTerm):
		r.commitTo(m.PrevIndex)
		resp.Index = m.PrevIndex
	default:
		if r.install != nil {
			// The adapter takes each request in the input that made it (flush).
			panic(broken(r.id, "snapshot install requested while one is pending",
				"from", from))
		}
		r.installing = true
		r.install = &installRequest{from: from, data: m.Snap}
		r.reached(EventSnapshotInstall)
		return
	}
	r.send(from, resp)
}

// InstallSnapshotDone is the input after the adapter made an installed snapshot durable and
// is about to restore the state machine from it: the log restarts after the snapshot. It
// reports false (restore nothing) when the log already committed past the snapshot.
func (r *raft) InstallSnapshotDone(ref *snapshotRef, from nodeapi.NodeID) bool {
	if !r.installing {
		panic(broken(r.id, "snapshot install completed without one in progress",
			"snapshot", ref.index))
	}
	r.installing = false
	if ref.index <= r.commit {
		return false
	}
	if ref.term > r.term {
		// It came from a leader of our term or an earlier one, whose log holds no later term.
		panic(broken(r.id, "snapshot ends in a term after the current one", "snapshot term",
			ref.term, "term", r.term))
	}
	r.log.reset(ref.index, ref.term, ref.voters)
	r.snapshot = ref
	r.commit, r.stable = ref.index, ref.index
	r.syncConfig()
	to := r.lead
	if to == "" {
		to = from
	}
	r.send(to, &message{Type: msgAppResp, Term: r.term, Index: ref.index})
	return true
}

// InstallSnapshotFailed is the input when the adapter could not use a received snapshot.
func (r *raft) InstallSnapshotFailed() { r.installing = false }

// SnapshotSaved is the input after the adapter made its own snapshot durable: the log drops
// the entries the snapshot covers.
func (r *raft) SnapshotSaved(ref *snapshotRef) {
	if ref.index <= r.log.snapIndex {
		return
	}
	if ref.index > r.commit {
		// Compacting uncommitted entries would make a truncation of them impossible.
		panic(broken(r.id, "snapshot of uncommitted entries", "snapshot", ref.index,
			"commit", r.commit))
	}
	r.snapshot = ref
	r.log.compact(ref.index)
	r.stable = max(r.stable, ref.index)
}
