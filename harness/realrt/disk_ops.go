package realrt

import (
	"fmt"
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// diskOp is one lazy write waiting for a sync to flush it to the files.
type diskOp struct {
	seq  uint64
	kind diskOpKind
	name string
	to   string
	data []byte
	size int
}

type diskOpKind uint8

const (
	opWrite diskOpKind = iota + 1
	opAppend
	opTruncate
	opRename
	opRemove
)

// inMemory reports whether reads and writes go to the image (lazy and memory disks).
func (d *Disk) inMemory() bool { return d.img != nil }

// record queues op for the next sync of a lazy disk (a memory disk keeps nothing).
func (d *Disk) record(op diskOp) {
	if d.store == nil {
		return
	}
	d.mu.Lock()
	d.nextSeq++
	op.seq = d.nextSeq
	d.pending = append(d.pending, op)
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
	d.img[name] = append([]byte{}, data...)
	d.record(diskOp{kind: opWrite, name: name, data: d.img[name]})
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
	// The image's slice may grow in place later; the op keeps its own copy.
	d.img[name] = append(d.img[name], data...)
	d.record(diskOp{kind: opAppend, name: name, data: append([]byte{}, data...)})
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
	d.img[name] = f[:size:size]
	d.record(diskOp{kind: opTruncate, name: name, size: size})
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
	f, ok := d.img[oldName]
	if !ok {
		return d.missing("Rename", oldName)
	}
	if oldName != newName {
		delete(d.img, oldName)
		d.img[newName] = f
		d.record(diskOp{kind: opRename, name: oldName, to: newName})
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
	delete(d.img, name)
	d.record(diskOp{kind: opRemove, name: name})
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
