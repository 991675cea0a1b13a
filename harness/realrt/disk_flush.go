package realrt

import (
	"errors"
	"fmt"
	"time"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
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
		mark := d.pending.Mark()
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

// flush writes the lazy writes a sync that took mark covers to the files, in order, then
// fsyncs them. Each write leaves the pending log only once it reached the files, so after
// a failure the next sync resumes where this one stopped (appends are not idempotent), and
// a crash in the middle leaves a prefix of the writes on disk, as a real disk can: the
// files are then the durable image plus a prefix of the pending, what a torn crash of the
// simulated disk keeps (journal.Tear).
func (d *Disk) flush(mark journal.Mark) error {
	for {
		if d.killed.Load() {
			return errDiskClosed
		}
		op, ok := d.next(mark)
		if !ok {
			break
		}
		if err := d.apply(op); err != nil {
			return err
		}
		d.mu.Lock()
		d.pending.Trim(1)
		d.mu.Unlock()
	}
	return d.store.fsync(d.store.takeDirty())
}

// next returns the oldest pending write if the sync that took mark covers it. The op is a
// copy; its data is never changed, so the syncer may read it without the lock.
func (d *Disk) next(mark journal.Mark) (journal.Op, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	covered, _ := d.pending.Split(mark)
	if len(covered) == 0 {
		return journal.Op{}, false
	}
	return covered[0], true
}

// apply performs one lazy write on the files.
func (d *Disk) apply(op journal.Op) error {
	s := d.store
	switch op.Kind {
	case journal.Write:
		return s.write(op.Name, op.Data)
	case journal.Append:
		return s.append(op.Name, op.Data)
	case journal.Truncate:
		return s.truncate(op.Name, op.Size)
	case journal.Rename:
		return s.rename(op.Name, op.To)
	case journal.Remove:
		return s.remove(op.Name)
	}
	panic(fmt.Sprintf("realrt: invariant broken: lazy disk op of kind %d", op.Kind))
}

// Pending counts the lazy writes not yet flushed (tests check what a kill would lose).
func (d *Disk) Pending() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pending.Len()
}
