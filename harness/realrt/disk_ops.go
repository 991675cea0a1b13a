package realrt

import (
	"fmt"
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// inMemory reports whether reads and writes go to the image (lazy and memory disks).
func (d *Disk) inMemory() bool { return d.img != nil }

// do performs op, checked against the image, on the image, and for a lazy disk queues it
// for the next sync to write to the files (a memory disk keeps nothing more). op's data
// is an exact copy (journal.Exact) that the image and the queue may share.
func (d *Disk) do(op journal.Op) {
	journal.Apply(d.img, &op, journal.Whole)
	if d.store == nil {
		return
	}
	d.mu.Lock()
	d.pending.Append(op)
	d.mu.Unlock()
}

func (d *Disk) missing(op, name string) error {
	return fmt.Errorf("disk: %s %q: %w", op, name, nodeapi.ErrNotExist)
}

// ReadFile implements nodeapi.Disk: a copy of the file's current contents.
func (d *Disk) ReadFile(name string) ([]byte, error) {
	if err := checkName("ReadFile", name); err != nil {
		return nil, err
	}
	if !d.inMemory() {
		return d.store.read(name)
	}
	b, ok := d.img[name]
	if !ok {
		return nil, d.missing("ReadFile", name)
	}
	return append([]byte{}, b...), nil
}

// WriteFile implements nodeapi.Disk.
func (d *Disk) WriteFile(name string, data []byte) error {
	if err := checkName("WriteFile", name); err != nil {
		return err
	}
	if len(data) > maxFileSize {
		return fmt.Errorf("disk: WriteFile %q: %d bytes exceed the %d-byte file limit", name,
			len(data), maxFileSize)
	}
	if !d.inMemory() {
		return d.store.write(name, data)
	}
	d.do(journal.Op{Kind: journal.Write, Name: name, Data: journal.Exact(data)})
	return nil
}

// Append implements nodeapi.Disk.
func (d *Disk) Append(name string, data []byte) error {
	if err := checkName("Append", name); err != nil {
		return err
	}
	if !d.inMemory() {
		return d.store.append(name, data)
	}
	if size := len(d.img[name]) + len(data); size > maxFileSize {
		return fmt.Errorf("disk: Append %q: the file would grow to %d bytes, over the "+
			"%d-byte limit", name, size, maxFileSize)
	}
	d.do(journal.Op{Kind: journal.Append, Name: name, Data: journal.Exact(data)})
	return nil
}

// Truncate implements nodeapi.Disk; it cannot grow a file.
func (d *Disk) Truncate(name string, size int) error {
	if err := checkName("Truncate", name); err != nil {
		return err
	}
	if !d.inMemory() {
		return d.store.truncate(name, size)
	}
	f, ok := d.img[name]
	if !ok {
		return d.missing("Truncate", name)
	}
	if size < 0 || size > len(f) {
		return fmt.Errorf("disk: Truncate %q to %d bytes: want a size in [0, %d]", name, size,
			len(f))
	}
	d.do(journal.Op{Kind: journal.Truncate, Name: name, Size: size})
	return nil
}

// Rename implements nodeapi.Disk: newName atomically becomes oldName's contents.
func (d *Disk) Rename(oldName, newName string) error {
	if err := checkName("Rename", oldName); err != nil {
		return err
	}
	if err := checkName("Rename", newName); err != nil {
		return err
	}
	if !d.inMemory() {
		return d.store.rename(oldName, newName)
	}
	if _, ok := d.img[oldName]; !ok {
		return d.missing("Rename", oldName)
	}
	if oldName != newName {
		d.do(journal.Op{Kind: journal.Rename, Name: oldName, To: newName})
	}
	return nil
}

// Remove implements nodeapi.Disk.
func (d *Disk) Remove(name string) error {
	if err := checkName("Remove", name); err != nil {
		return err
	}
	if !d.inMemory() {
		return d.store.remove(name)
	}
	if _, ok := d.img[name]; !ok {
		return d.missing("Remove", name)
	}
	d.do(journal.Op{Kind: journal.Remove, Name: name})
	return nil
}

// List implements nodeapi.Disk: the file names in sorted order. A directory that cannot be
// read lists as empty; the node's next read or write reports the error.
func (d *Disk) List() []string {
	if d.inMemory() {
		return slices.Sorted(maps.Keys(d.img))
	}
	names, err := d.store.list()
	if err != nil {
		return nil
	}
	return names
}
