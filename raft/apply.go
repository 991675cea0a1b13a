package raft

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// applyCommitted applies every committed entry not yet applied, in order, and answers the
// clients waiting for them.
func (n *Node) applyCommitted() {
	if n.r.commit > n.r.log.lastIndex() {
		panic(broken(n.r.id, "commit index past the last log index", "commit", n.r.commit,
			"last index", n.r.log.lastIndex()))
	}
	if n.delayApply() {
		return
	}
	for n.applied < n.r.commit && !n.stopped {
		i := n.applied + 1
		n.applyEntry(n.r.log.entry(i))
		n.applied = i
	}
}

func (n *Node) applyEntry(ent *Entry) {
	if ent.Type != entryCommand {
		n.server.settle(n, ent, nil, nil)
		return
	}
	cmd, err := decodeCommand(ent.Data, &n.names, &n.sessions)
	if err != nil {
		n.fail(wrap("committed entry "+dec(ent.Index), err))
		return
	}
	res := n.kv.applyCommand(&cmd)
	n.server.settle(n, ent, &cmd, &res)
}

// maybeSnapshot starts a snapshot of the applied state once SnapshotThreshold entries have
// been applied since the last one.
func (n *Node) maybeSnapshot() {
	r := n.r
	if n.snapBusy || r.installing || n.applied <= r.log.snapIndex {
		return
	}
	if n.applied < r.log.snapIndex+n.cfg.SnapshotThreshold &&
		!n.buggify(SiteEarlySnapshot, earlySnapshotProb) {
		return
	}
	index := n.applied
	term, ok := r.log.term(index)
	if !ok {
		panic("raft " + string(r.id) + ": applied index " + dec(index) + " not in the log")
	}
	voters := slices.Clone(r.log.votersAt(index))
	ref := &snapshotRef{index: index, term: term, voters: voters,
		data: encodeSnapshot(index, term, voters, n.kv)}
	n.stats.SnapshotsTaken++
	n.saveSnapshot(ref, func() {
		n.r.SnapshotSaved(ref)
		if err := n.rotateWAL(); err != nil {
			n.fail(err)
		}
	})
}

// saveSnapshot makes ref the durable snapshot crash-safely: write a temporary file, sync,
// rename it over the old snapshot, sync; then run done.
func (n *Node) saveSnapshot(ref *snapshotRef, done func()) {
	if n.snapBusy {
		// Both writes would go through snap.tmp; the later rename could install a mix.
		panic(broken(n.r.id, "second snapshot write while one is in progress", "snapshot",
			ref.index))
	}
	n.snapBusy = true
	frame := wire.AppendRecord(nil, func(e *wire.Encoder) {
		e.Buf = append(e.Buf, ref.data...)
	})
	if err := n.disk.WriteFile(snapTmpFile, frame); err != nil {
		n.fail(wrap("writing "+snapTmpFile, err))
		return
	}
	n.dur.wroteOther()
	n.dur.afterSync(func() {
		if err := n.disk.Rename(snapTmpFile, snapFile); err != nil {
			n.fail(wrap("renaming "+snapTmpFile, err))
			return
		}
		n.dur.wroteOther()
		n.dur.afterSync(func() {
			n.snapBusy = false
			done()
		})
		n.requestSync()
	})
	n.requestSync()
}

// startInstall persists a snapshot received from the leader, then restores it.
func (n *Node) startInstall() {
	req := n.r.install
	n.r.install = nil
	if n.snapBusy {
		n.r.InstallSnapshotFailed() // our own snapshot is being written; the leader resends
		return
	}
	ref, kv, err := decodeSnapshot(req.data)
	if err != nil {
		n.stats.DroppedMessages++
		n.r.InstallSnapshotFailed()
		return
	}
	n.saveSnapshot(ref, func() {
		n.tick()
		if !n.r.InstallSnapshotDone(ref, req.from) {
			return
		}
		if ref.index <= n.applied {
			// The core refuses snapshots its commit index covers, and applied <= commit.
			panic(broken(n.r.id, "installed snapshot not ahead of the applied state",
				"snapshot", ref.index, "applied", n.applied))
		}
		n.kv, n.applied = kv, ref.index
		n.stats.SnapshotsInstalled++
		n.server.dropBelow(n, ref.index)
		if err := n.rotateWAL(); err != nil {
			n.fail(err)
		}
	})
}

// rotateWAL starts a new WAL segment holding the whole state outside the snapshot and
// removes the older segments once it is durable.
func (n *Node) rotateWAL() error {
	r := n.r
	old, err := n.wal.rotate(r.term, r.vote, r.log)
	if err != nil {
		return err
	}
	r.hsDirty = false
	r.log.unstable = r.log.lastIndex() + 1
	n.dur.wrote(r.log.lastIndex(), r.log.lastTerm())
	if len(old) > 0 {
		n.dur.afterSync(func() { n.wal.remove(old) })
	}
	n.requestSync()
	return nil
}
