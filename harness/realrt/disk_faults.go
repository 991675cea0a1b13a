package realrt

import (
	"errors"
	"fmt"
	"time"
)

// The disk faults a test of real processes can inject, at run time: slow syncs and failing
// syncs. Neither costs anything while it is off (one atomic load per sync).

// maxSyncDelay bounds SetSyncDelay, like the simulated disk's latency bound.
const maxSyncDelay = time.Hour

// SetSyncDelay makes every later Sync take at least d longer (0 ends the stall): the
// slow-disk fault, for tests of real processes. A stalled sync holds up the syncs after it,
// as a slow device does. A memory disk ignores it.
func (d *Disk) SetSyncDelay(delay time.Duration) error {
	if delay < 0 || delay > maxSyncDelay {
		return fmt.Errorf("disk: sync delay %v out of range [0, %v]", delay, maxSyncDelay)
	}
	d.syncDelay.Store(int64(delay))
	return nil
}

// SyncDelay is the stall set by SetSyncDelay.
func (d *Disk) SyncDelay() time.Duration { return time.Duration(d.syncDelay.Load()) }

// errSyncFault is what a sync that FailSyncs made fail reports.
var errSyncFault = errors.New("disk: fsync failed (injected by Disk.FailSyncs)")

// maxSyncFaults bounds FailSyncs.
const maxSyncFaults = 1 << 20

// FailSyncs makes the next n syncs fail (0 ends the fault): the failing-disk fault, for
// tests of what a node does when fsync fails. A failed sync makes nothing durable and leaves
// the disk as a real fsync error does here: an eager disk keeps the files dirty for the next
// sync, a lazy disk keeps the writes pending. Its done gets an error, after any SetSyncDelay
// stall. A memory disk ignores it (its syncs always succeed).
func (d *Disk) FailSyncs(n int) error {
	if n < 0 || n > maxSyncFaults {
		return fmt.Errorf("disk: FailSyncs(%d): want a count in [0, %d]", n, maxSyncFaults)
	}
	d.syncFaults.Store(int64(n))
	return nil
}

// takeSyncFault reports whether this sync must fail, using up one FailSyncs count.
func (d *Disk) takeSyncFault() bool {
	for {
		n := d.syncFaults.Load()
		if n <= 0 {
			return false
		}
		if d.syncFaults.CompareAndSwap(n, n-1) {
			return true
		}
	}
}
