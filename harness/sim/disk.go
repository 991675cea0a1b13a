package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Limits of the simulated disk.
const (
	// MaxFileName bounds a file name's length.
	MaxFileName = 255
	// MaxFileSize bounds one file.
	MaxFileSize = 1 << 30
	// MaxSyncLatency bounds DiskFaults latencies.
	MaxSyncLatency = time.Hour
)

// ErrSyncFailed is what Disk.Sync reports when the SyncFailRate fault fires: the writes
// stay pending, not known to be durable (or, with SyncFailLosesWrites, are lost).
var ErrSyncFailed = errors.New("disk: sync failed (injected fault)")

// DiskFaults is how a node's disk misbehaves.
type DiskFaults struct {
	// SyncLatencyMin and SyncLatencyMax bound the time a Sync takes, drawn uniformly.
	SyncLatencyMin, SyncLatencyMax time.Duration
	// SyncFailRate is the chance that a Sync reports ErrSyncFailed.
	SyncFailRate float64
	// SyncFailLosesWrites makes a failed Sync lose the writes it covered, as Linux may
	// after a failed fsync (PostgreSQL's "fsyncgate"): the kernel drops the dirty pages,
	// so reads show the file as it was before them and a later Sync that succeeds does
	// not bring them back. Without it a failed Sync keeps them pending, to be made
	// durable by the next one. A system must treat a failed sync as fatal to the writes
	// it covered (rewrite them, or crash and recover) to survive it.
	SyncFailLosesWrites bool
	// ReadCorruptRate is the chance that ReadFile returns a copy with one bit flipped.
	ReadCorruptRate float64
}

// Validate names the first field of f that is out of range, or returns nil.
func (f DiskFaults) Validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"SyncLatencyMin", f.SyncLatencyMin}, {"SyncLatencyMax", f.SyncLatencyMax}} {
		if d.v < 0 || d.v > MaxSyncLatency {
			return fmt.Errorf("DiskFaults.%s = %v, want in [0, %v]", d.name, d.v,
				MaxSyncLatency)
		}
	}
	if f.SyncLatencyMax < f.SyncLatencyMin {
		return fmt.Errorf("DiskFaults.SyncLatencyMax = %v is below SyncLatencyMin = %v",
			f.SyncLatencyMax, f.SyncLatencyMin)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"SyncFailRate", f.SyncFailRate}, {"ReadCorruptRate", f.ReadCorruptRate}} {
		if math.IsNaN(p.v) || p.v < 0 || p.v > 1 {
			return fmt.Errorf("DiskFaults.%s = %v, want a probability in [0, 1]", p.name, p.v)
		}
	}
	return nil
}

// simDisk is a node's disk: two images of named files, durable (what survives a crash) and
// current (durable plus the pending writes, what reads see). Every write applies to current
// and is appended to the pending log; a completed Sync replays the log prefix it covers onto
// durable. current == durable + log is the invariant: the rule of package journal, which
// also holds the ops, the log and the ownership rule that lets the images and the log share
// file slices without copying.
type simDisk struct {
	w       *World
	n       *node
	durable map[string][]byte
	current map[string][]byte
	log     journal.Log
	syncs   []pendingSync
	lastAt  int64 // completion time of the latest Sync, so syncs complete in order
	faults  DiskFaults
	rng     *rand.Rand
	// corruptReads is set once read corruption has been configured for this disk, at any
	// time of the run: from then on a node may have read (and perhaps rewritten) damaged
	// bytes, so refusing to start is a legitimate answer (see World.Restart).
	corruptReads bool
}

var _ nodeapi.Disk = (*simDisk)(nil)

// pendingSync is one Sync waiting for its completion event: it covers the log's ops before
// mark.
type pendingSync struct {
	mark journal.Mark
	done func(error)
}

func newDisk(w *World, n *node) *simDisk {
	return &simDisk{w: w, n: n, durable: map[string][]byte{}, current: map[string][]byte{},
		faults: w.opts.Disk, rng: w.newRand("disk/" + string(n.id)),
		corruptReads: w.opts.Disk.ReadCorruptRate > 0}
}

// SetDiskFaults changes how id's disk misbehaves from now on.
func (w *World) SetDiskFaults(id nodeapi.NodeID, f DiskFaults) error {
	n, err := w.lookup(id)
	if err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return fmt.Errorf("harness: SetDiskFaults %q: %w", id, err)
	}
	n.disk.faults = f
	n.disk.corruptReads = n.disk.corruptReads || f.ReadCorruptRate > 0
	note := fmt.Sprintf("disk sync %v-%v fail %g corrupt-read %g", f.SyncLatencyMin,
		f.SyncLatencyMax, f.SyncFailRate, f.ReadCorruptRate)
	if f.SyncFailLosesWrites {
		note += " fsyncgate"
	}
	w.annotate(id, note)
	return nil
}

// Sync implements Disk. Completions come in Sync order, after the node's sync latency.
// On a down node (harness code holding a stale Disk) it does nothing.
func (d *simDisk) Sync(done func(err error)) {
	w := d.w
	if !d.n.up {
		return
	}
	w.inWorld++ // world code called by a node: a panic here is the harness's
	lat := d.faults.SyncLatencyMin
	if span := d.faults.SyncLatencyMax - lat; span > 0 {
		lat += time.Duration(d.rng.Int64N(int64(span) + 1))
	}
	at := max(addSat(w.now, lat), d.lastAt)
	d.lastAt = at
	d.syncs = append(d.syncs, pendingSync{mark: d.log.Mark(), done: done})
	if e := w.q.add(at); e != nil {
		e.kind, e.node, e.inc = evSync, d.n.idx, d.n.inc
	}
	w.inWorld--
}

// completeSync finishes the oldest pending Sync and reports its outcome.
func (d *simDisk) completeSync() (done func(error), err error) {
	if len(d.syncs) == 0 {
		panic(fmt.Sprintf("harness: sync completion for %s with no pending sync", d.n.id))
	}
	s := d.syncs[0]
	// Shift rather than reslice, so the queue keeps its array and a node that syncs over
	// and over does not allocate a new one each time the old runs out at the front.
	n := copy(d.syncs, d.syncs[1:])
	d.syncs[n] = pendingSync{}
	d.syncs = d.syncs[:n]
	synced, pending := d.log.Split(s.mark)
	if d.faults.SyncFailRate > 0 && d.rng.Float64() < d.faults.SyncFailRate {
		if d.faults.SyncFailLosesWrites {
			d.drop(len(synced))
			d.checkAll("a failed sync lost its writes")
		}
		return s.done, ErrSyncFailed
	}
	d.replaySynced(synced, pending)
	d.checkSynced(synced, pending)
	d.log.Trim(len(synced))
	return s.done, nil
}

// drop loses the n oldest ops of the log (fsyncgate): what reads show becomes the durable
// image plus the ops that remain pending.
func (d *simDisk) drop(n int) {
	d.log.Trim(n)
	d.current = journal.Image(d.durable, d.log.Ops())
	d.w.stats.LostWrites += uint64(n)
}

// endIncarnation forgets the pending Syncs: their callbacks belong to a dead incarnation.
func (d *simDisk) endIncarnation() {
	clear(d.syncs)
	d.syncs = d.syncs[:0]
	d.lastAt = 0
}

// crash keeps only the durable image, or with torn, the pending writes up to a random
// point, the write at that point cut to a random prefix.
func (d *simDisk) crash(torn bool) {
	d.checkAll("crash")
	if torn {
		journal.Tear(d.durable, d.log.Ops(), d.rng.IntN)
	}
	d.reset()
}

// stop makes every pending write durable: a graceful stop syncs.
func (d *simDisk) stop() {
	d.checkAll("stop")
	journal.Replay(d.durable, d.log.Ops())
	d.reset()
}

func (d *simDisk) reset() {
	d.log.Reset()
	d.current = journal.Clip(d.durable)
	d.endIncarnation()
}
