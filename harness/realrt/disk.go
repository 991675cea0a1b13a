package realrt

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Names the runtime keeps in a data directory; checkName keeps nodes away from them.
const (
	lockName  = ".lock"
	probeName = ".probe"
)

// maxFileSize bounds one file, as the simulated disk does.
const maxFileSize = 1 << 30

// DiskOptions tune OpenDisk.
type DiskOptions struct {
	// Lazy keeps writes in process memory until Sync writes them to the files and fsyncs
	// them, so that kill -9 of the process loses exactly the unsynced writes (what LazyFS
	// does for Jepsen). Without it writes reach the operating system at once and a killed
	// process loses nothing; only a machine crash would.
	Lazy bool
}

// Disk is a node's nodeapi.Disk: the files of a data directory, or of memory only
// (MemoryDisk). Its nodeapi methods are called on the node's loop; Sync's fsyncs run on a
// helper goroutine and the done callback is posted back to the loop. A data directory is
// locked (flock) while a Disk has it open, so two servers cannot share one by mistake.
type Disk struct {
	dir   string
	lazy  bool
	lockf *os.File
	// store does the file operations: at once (eager) or when a sync flushes (lazy). It is
	// nil for a memory disk.
	store *fileStore
	// img is the current image for lazy and memory disks: what reads see. For a lazy disk
	// it is the files (the durable image) plus pending, the rule of package journal.
	img map[string][]byte
	// pending are the lazy writes not yet flushed, in order; the loop appends, the syncer
	// trims from the front as it writes them to the files, both holding mu.
	mu      sync.Mutex
	pending journal.Log
	syncs   *syncer
	post    func(func()) bool
	killed  atomic.Bool
	// syncDelay stalls every sync by that long (nanoseconds): the slow-disk fault.
	syncDelay atomic.Int64
	// syncFaults is how many of the next syncs fail: the failing-disk fault.
	syncFaults atomic.Int64
}

var _ nodeapi.Disk = (*Disk)(nil)

// OpenDisk opens (creating if needed) the data directory dir and locks it. The errors say
// plainly what is wrong with dir: it cannot be created, is not a directory, is not
// writable, or is in use by another process.
func OpenDisk(dir string, o DiskOptions) (*Disk, error) {
	if dir == "" {
		return nil, fmt.Errorf("data directory: empty path")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("data directory %s cannot be created: %w", dir, err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("data directory %s is not a directory", dir)
	}
	lockf, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	d := &Disk{dir: dir, lazy: o.Lazy, lockf: lockf, store: newFileStore(dir),
		syncs: newSyncer(), post: runInline}
	if o.Lazy {
		if err := d.load(); err != nil {
			d.release()
			return nil, err
		}
	}
	return d, nil
}

// lockDir takes the directory's lock and proves the directory writable.
func lockDir(dir string) (*os.File, error) {
	lockf, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	err = syscall.Flock(int(lockf.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err != nil {
		lockf.Close()
		return nil, fmt.Errorf("data directory %s is in use by another process (%s is "+
			"locked): %w", dir, filepath.Join(dir, lockName), err)
	}
	probe := filepath.Join(dir, probeName)
	if err := os.WriteFile(probe, []byte("probe"), 0o644); err != nil {
		lockf.Close()
		return nil, fmt.Errorf("data directory %s is not writable: %w", dir, err)
	}
	_ = os.Remove(probe)
	return lockf, nil
}

// MemoryDisk returns a disk whose files live in process memory only: Sync succeeds at once
// and nothing survives the process. It suits clients, which keep no durable state.
func MemoryDisk() *Disk {
	return &Disk{img: map[string][]byte{}, post: runInline}
}

func runInline(f func()) bool { f(); return true }

// Dir is the data directory ("" for a memory disk).
func (d *Disk) Dir() string { return d.dir }

// Path is the path of the node's file name in the data directory, for messages that must
// name a data file (a corrupted record, say).
func (d *Disk) Path(name string) string {
	if d.dir == "" {
		return name
	}
	return filepath.Join(d.dir, name)
}

// attach makes sync completions run on the endpoint's loop.
func (d *Disk) attach(post func(func()) bool) { d.post = post }

// load reads every file of the directory into the lazy image.
func (d *Disk) load() error {
	names, err := d.store.list()
	if err != nil {
		return err
	}
	d.img = make(map[string][]byte, len(names))
	for _, name := range names {
		b, err := d.store.read(name)
		if err != nil {
			return err
		}
		d.img[name] = b
	}
	return nil
}

// Close ends a graceful stop: the syncs already asked for complete (their callbacks are
// dropped if the loop has stopped), lazy writes never synced are discarded, the directory
// is unlocked. The Disk must not be used afterwards.
func (d *Disk) Close() {
	if d.syncs != nil {
		d.syncs.drain()
	}
	d.release()
}

// Kill ends the disk as a crash of the process would: queued syncs do not run, a running
// lazy flush stops between writes, and unsynced lazy writes are lost.
func (d *Disk) Kill() {
	d.killed.Store(true)
	if d.syncs != nil {
		d.syncs.close()
	}
	d.release()
}

// crash makes the disk lose what a kill -9 of the process loses, while it stays open and
// locked for the node's next incarnation (a fail-stop; it runs on the loop). A lazy disk
// does what Kill does, its queued syncs dropped, a running flush stopped between two
// writes (waiting for that write), its unsynced writes discarded, then reads its image back
// from the files and takes new syncs. An eager disk loses nothing, as at kill -9: the
// operating system has every write, and the syncs already asked for still run (their
// callbacks are the ended incarnation's, and are dropped). A memory disk keeps its files,
// which live as long as the process.
func (d *Disk) crash() error {
	if !d.lazy {
		return nil
	}
	d.killed.Store(true)
	d.syncs.close()
	d.mu.Lock()
	d.pending.Reset()
	d.mu.Unlock()
	d.killed.Store(false)
	d.syncs = newSyncer()
	return d.load()
}

func (d *Disk) release() {
	if d.store != nil {
		d.store.closeAll()
	}
	if d.lockf != nil {
		_ = syscall.Flock(int(d.lockf.Fd()), syscall.LOCK_UN)
		_ = d.lockf.Close()
		d.lockf = nil
	}
}
