package realrt

import (
	"errors"
	"fmt"
	"time"
)

// errDiskClosed is what a Sync reports when the disk is already closed: not durable.
var errDiskClosed = errors.New("disk: closed")

// Sync implements nodeapi.Disk: every earlier write becomes durable (fsync of the files and
// the directory), then done runs on the node's loop with nil, or with an error when the
// writes are not known to be durable. Syncs complete in the order they were asked for. done
// is not called if the endpoint stops or is killed first.
func (d *Disk) Sync(done func(err error)) {
	if done == nil {
		done = func(error) {}
	}
	complete := func(err error) { d.post(func() { done(err) }) }
	run := func(f func() error) func() error {
		return func() error {
			if delay := time.Duration(d.syncDelay.Load()); delay > 0 {
				time.Sleep(delay)
			}
			return f()
		}
	}
	switch {
	case d.store == nil: // memory only: nothing to make durable
		complete(nil)
		return
	case d.lazy:
		d.mu.Lock()
		mark := d.nextSeq
		d.mu.Unlock()
		flush := func() error {
			if d.takeSyncFault() {
				return errSyncFault // nothing flushed: the writes stay pending
			}
			return d.flush(mark)
		}
		if !d.syncs.enqueue(syncJob{run: run(flush), done: complete}) {
			complete(errDiskClosed)
		}
	default:
		b := d.store.takeDirty()
		fsync := func() error {
			if d.takeSyncFault() {
				return d.store.settle(b, errSyncFault) // the files stay dirty
			}
			return d.store.fsync(b)
		}
		if !d.syncs.enqueue(syncJob{run: run(fsync), done: complete}) {
			complete(errDiskClosed)
		}
	}
}

// flush writes the lazy writes up to sequence number mark to the files, in order, then
// fsyncs them. Each write leaves the pending list only once it reached the files, so after
// a failure the next sync resumes where this one stopped (appends are not idempotent), and
// a crash in the middle leaves a prefix of the writes on disk, as a real disk can.
func (d *Disk) flush(mark uint64) error {
	for {
		if d.killed.Load() {
			return errDiskClosed
		}
		d.mu.Lock()
		if len(d.pending) == 0 || d.pending[0].seq > mark {
			d.mu.Unlock()
			break
		}
		op := d.pending[0]
		d.mu.Unlock()
		if err := d.apply(op); err != nil {
			return err
		}
		d.mu.Lock()
		d.pending[0] = diskOp{}
		d.pending = d.pending[1:]
		d.mu.Unlock()
	}
	return d.store.fsync(d.store.takeDirty())
}

// apply performs one lazy write on the files.
func (d *Disk) apply(op diskOp) error {
	s := d.store
	switch op.kind {
	case opWrite:
		return s.write(op.name, op.data)
	case opAppend:
		return s.append(op.name, op.data)
	case opTruncate:
		return s.truncate(op.name, op.size)
	case opRename:
		return s.rename(op.name, op.to)
	case opRemove:
		return s.remove(op.name)
	}
	panic(fmt.Sprintf("realrt: invariant broken: lazy disk op of kind %d", op.kind))
}

// Pending counts the lazy writes not yet flushed (tests check what a kill would lose).
func (d *Disk) Pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pending)
}
