package realrt

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
)

// syncBatch is what one Sync fsyncs: the handles written since the previous Sync (each
// holding a reference, so a rename or remove meanwhile cannot close it) and whether the
// directory changed.
type syncBatch struct {
	handles []*handle
	dir     bool
}

// takeDirty hands the dirty set to a sync and starts a new one.
func (s *fileStore) takeDirty() syncBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := syncBatch{dir: s.dirDirty}
	for h := range s.dirty {
		b.handles = append(b.handles, h)
	}
	s.dirty = map[*handle]struct{}{}
	s.dirDirty = false
	return b
}

// fsync makes the batch durable: every file, then the directory (a new or renamed name is
// only durable once its directory entry is). On failure the batch goes back into the dirty
// set, so the next Sync tries again instead of reporting writes durable that are not.
func (s *fileStore) fsync(b syncBatch) error {
	var first error
	for _, h := range b.handles {
		if err := h.f.Sync(); err != nil && first == nil {
			first = fmt.Errorf("disk: fsync %s: %w", h.f.Name(), err)
		}
	}
	if b.dir && first == nil {
		first = syncDir(s.dir)
	}
	return s.settle(b, first)
}

// settle ends a sync of batch b that returned first: its references are released, or on
// failure handed back to the dirty set. It returns first.
func (s *fileStore) settle(b syncBatch, first error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range b.handles {
		if first != nil && !h.detached {
			if _, again := s.dirty[h]; !again {
				s.dirty[h] = struct{}{}
				continue // the reference passes back to the dirty set
			}
		}
		h.refs--
		if h.detached && h.refs == 0 {
			_ = h.f.Close()
		}
	}
	if first != nil && b.dir {
		s.dirDirty = true
	}
	return first
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("disk: open directory %s for fsync: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("disk: fsync directory %s: %w", dir, err)
	}
	return nil
}

// syncQueue bounds the syncs waiting for the syncer; a node that issues more waits in
// Sync, which is back-pressure, not loss.
const syncQueue = 256

// syncer runs a disk's syncs one at a time, in order, on its own goroutine, and posts each
// completion to the endpoint's loop: fsync blocks for milliseconds and the node must keep
// handling messages meanwhile (it batches the writes made during one sync into the next).
type syncer struct {
	jobs   chan syncJob
	done   chan struct{}
	closed chan struct{}
	once   sync.Once
	// finish says whether the goroutine runs the queued jobs before it exits.
	finish atomic.Bool
}

type syncJob struct {
	run  func() error
	done func(error)
}

func newSyncer() *syncer {
	s := &syncer{jobs: make(chan syncJob, syncQueue), done: make(chan struct{}),
		closed: make(chan struct{})}
	go s.loop()
	return s
}

func (s *syncer) loop() {
	defer close(s.done)
	for {
		select {
		case j := <-s.jobs:
			j.done(j.run())
		case <-s.closed:
			for s.finish.Load() && len(s.jobs) > 0 {
				j := <-s.jobs
				j.done(j.run())
			}
			return
		}
	}
}

// enqueue queues a job; it reports false once the syncer is closed (the job never runs).
func (s *syncer) enqueue(j syncJob) bool {
	select {
	case <-s.closed:
		return false
	default:
	}
	select {
	case s.jobs <- j:
		return true
	case <-s.closed:
		return false
	}
}

// drain runs the jobs already queued, then stops the syncer: a graceful stop keeps what
// the node asked to be made durable.
func (s *syncer) drain() {
	s.finish.Store(true)
	s.close()
}

// close stops the syncer without running queued jobs (a crash) and waits for the running
// one to finish.
func (s *syncer) close() {
	s.once.Do(func() { close(s.closed) })
	<-s.done
}
