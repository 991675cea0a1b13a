package realrt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// maxFileName bounds a file name, as most file systems do.
const maxFileName = 255

// maxOpenFiles bounds the file handles a disk keeps open between writes; beyond it, clean
// handles are closed and reopened when next written.
const maxOpenFiles = 32

// checkName rejects names that are not a plain file in the data directory. Names starting
// with a dot are reserved for the runtime (its lock and probe files), so that List never
// shows them to the node.
func checkName(op, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("disk: %s: empty file name", op)
	case len(name) > maxFileName:
		return fmt.Errorf("disk: %s: file name %.20q... is longer than %d bytes", op, name,
			maxFileName)
	case strings.ContainsAny(name, "/\x00"):
		return fmt.Errorf("disk: %s: file name %q contains '/' or NUL", op, name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("disk: %s: file name %q starts with '.', reserved for the runtime",
			op, name)
	}
	return nil
}

// handle is an open file of the store. A handle stays valid for its inode when the file is
// renamed or removed (detached), so a Sync already under way still fsyncs what was written.
type handle struct {
	f *os.File
	// refs counts the owners besides the name table: the dirty set and sync batches.
	refs     int
	detached bool
}

// fileStore performs the disk operations on the files of one directory and remembers what
// a Sync must fsync: every handle written since the last sync, and the directory when names
// changed. Its methods are safe for concurrent use; the syncer goroutine fsyncs while the
// node keeps writing.
type fileStore struct {
	dir      string
	mu       sync.Mutex
	open     map[string]*handle
	dirty    map[*handle]struct{}
	dirDirty bool
}

func newFileStore(dir string) *fileStore {
	return &fileStore{dir: dir, open: map[string]*handle{}, dirty: map[*handle]struct{}{}}
}

func (s *fileStore) path(name string) string { return filepath.Join(s.dir, name) }

// fail wraps a file error, turning a missing file into nodeapi.ErrNotExist.
func (s *fileStore) fail(op, name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disk: %s %q: %w", op, name, nodeapi.ErrNotExist)
	}
	return fmt.Errorf("disk: %s %s: %w", op, s.path(name), err)
}

func (s *fileStore) read(name string) ([]byte, error) {
	b, err := os.ReadFile(s.path(name))
	if err != nil {
		return nil, s.fail("ReadFile", name, err)
	}
	return b, nil
}

// handleLocked returns the open handle of name, opening (and with create, creating) it.
func (s *fileStore) handleLocked(op, name string, create bool) (*handle, error) {
	if h, ok := s.open[name]; ok {
		return h, nil
	}
	flags := os.O_RDWR | os.O_APPEND
	if create {
		flags |= os.O_CREATE
	}
	if _, err := os.Lstat(s.path(name)); errors.Is(err, fs.ErrNotExist) && create {
		s.dirDirty = true // a new name: the directory entry must be synced too
	}
	f, err := os.OpenFile(s.path(name), flags, 0o644)
	if err != nil {
		return nil, s.fail(op, name, err)
	}
	s.trimLocked()
	h := &handle{f: f}
	s.open[name] = h
	return h, nil
}

func (s *fileStore) markDirtyLocked(h *handle) {
	if _, ok := s.dirty[h]; !ok {
		s.dirty[h] = struct{}{}
		h.refs++
	}
}

func (s *fileStore) write(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.handleLocked("WriteFile", name, true)
	if err != nil {
		return err
	}
	s.markDirtyLocked(h)
	if err := h.f.Truncate(0); err != nil {
		return s.fail("WriteFile", name, err)
	}
	if _, err := h.f.Write(data); err != nil {
		return s.fail("WriteFile", name, err)
	}
	return nil
}

func (s *fileStore) append(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.handleLocked("Append", name, true)
	if err != nil {
		return err
	}
	s.markDirtyLocked(h)
	if _, err := h.f.Write(data); err != nil {
		return s.fail("Append", name, err)
	}
	return nil
}

// truncate cuts name to size bytes; like the simulated disk it cannot grow a file.
func (s *fileStore) truncate(name string, size int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.handleLocked("Truncate", name, false)
	if err != nil {
		return err
	}
	st, err := h.f.Stat()
	if err != nil {
		return s.fail("Truncate", name, err)
	}
	if size < 0 || int64(size) > st.Size() {
		return fmt.Errorf("disk: Truncate %q to %d bytes: want a size in [0, %d]", name, size,
			st.Size())
	}
	s.markDirtyLocked(h)
	if err := h.f.Truncate(int64(size)); err != nil {
		return s.fail("Truncate", name, err)
	}
	return nil
}

func (s *fileStore) rename(oldName, newName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Lstat(s.path(oldName)); err != nil {
		return s.fail("Rename", oldName, err)
	}
	if oldName == newName {
		return nil
	}
	if err := os.Rename(s.path(oldName), s.path(newName)); err != nil {
		return s.fail("Rename", oldName, err)
	}
	s.dirDirty = true
	s.detachLocked(newName)
	if h, ok := s.open[oldName]; ok {
		delete(s.open, oldName)
		s.open[newName] = h
	}
	return nil
}

func (s *fileStore) remove(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.Remove(s.path(name)); err != nil {
		return s.fail("Remove", name, err)
	}
	s.dirDirty = true
	s.detachLocked(name)
	return nil
}

// list returns the node's file names, sorted (os.ReadDir sorts by name).
func (s *fileStore) list() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("disk: List %s: %w", s.dir, err)
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() && checkName("List", e.Name()) == nil {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// detachLocked takes name's handle out of the table; it closes once no sync needs it.
func (s *fileStore) detachLocked(name string) {
	h, ok := s.open[name]
	if !ok {
		return
	}
	delete(s.open, name)
	h.detached = true
	if h.refs == 0 {
		_ = h.f.Close()
	}
}

// trimLocked closes clean handles once too many are open.
func (s *fileStore) trimLocked() {
	if len(s.open) < maxOpenFiles {
		return
	}
	for name, h := range s.open {
		if h.refs == 0 {
			delete(s.open, name)
			_ = h.f.Close()
		}
	}
}

// closeAll closes every handle (the disk is closing; no sync is running).
func (s *fileStore) closeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, h := range s.open {
		delete(s.open, name)
		_ = h.f.Close()
	}
	for h := range s.dirty {
		if h.detached {
			_ = h.f.Close()
		}
	}
	s.dirty = map[*handle]struct{}{}
}
