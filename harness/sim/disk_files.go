package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// checkName rejects names a real file system would refuse.
func checkName(op, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("disk: %s: empty file name", op)
	case len(name) > MaxFileName:
		return fmt.Errorf("disk: %s: file name %.20q... is longer than %d bytes",
			op, name, MaxFileName)
	case strings.IndexByte(name, 0) >= 0:
		return fmt.Errorf("disk: %s: file name %q contains a NUL byte", op, name)
	}
	return nil
}

func (d *simDisk) missing(op, name string) error {
	return fmt.Errorf("%s %q: %w", op, name, nodeapi.ErrNotExist)
}

// ReadFile implements Disk. With the ReadCorruptRate fault one bit of the copy flips.
func (d *simDisk) ReadFile(name string) ([]byte, error) {
	if err := checkName("ReadFile", name); err != nil {
		return nil, err
	}
	f, ok := d.current[name]
	if !ok {
		return nil, d.missing("ReadFile", name)
	}
	out := slices.Clone(f)
	if out == nil {
		out = []byte{}
	}
	if len(out) > 0 && d.faults.ReadCorruptRate > 0 &&
		d.rng.Float64() < d.faults.ReadCorruptRate {
		bit := d.rng.IntN(len(out) * 8)
		out[bit/8] ^= 1 << (bit % 8)
		d.w.stats.ReadCorruption++
	}
	return out, nil
}

// WriteFile implements Disk.
func (d *simDisk) WriteFile(name string, data []byte) error {
	if err := checkName("WriteFile", name); err != nil {
		return err
	}
	if len(data) > MaxFileSize {
		return fmt.Errorf("disk: WriteFile %q: %d bytes exceed the %d-byte file limit",
			name, len(data), MaxFileSize)
	}
	d.do(journal.Op{Kind: journal.Write, Name: name, Data: d.w.exact(data)})
	return nil
}

// Append implements Disk.
func (d *simDisk) Append(name string, data []byte) error {
	if err := checkName("Append", name); err != nil {
		return err
	}
	f := d.current[name]
	if size := len(f) + len(data); size > MaxFileSize {
		return fmt.Errorf("disk: Append %q: the file would grow to %d bytes, over the "+
			"%d-byte limit", name, size, MaxFileSize)
	}
	if len(f) > 0 && len(data) > 0 {
		d.appendInPlace(name, f, data)
		return nil
	}
	d.do(journal.Op{Kind: journal.Append, Name: name, Data: d.w.exact(data)})
	return nil
}

// appendInPlace is Append to a file that has bytes: the data is copied once, onto the end
// of current's file (in its array when there is room), and the op holds those bytes,
// clipped, instead of a copy of its own. Package journal's ownership rule allows it: the
// bytes below a slice's length never change, and only current's entry, past its length,
// may be written in place. Current is then what Apply would have made of it.
func (d *simDisk) appendInPlace(name string, f, data []byte) {
	d.w.inWorld++
	grown := append(f, data...)
	d.current[name] = grown
	d.log.Append(journal.Op{Kind: journal.Append, Name: name,
		Data: grown[len(f):len(grown):len(grown)]})
	d.w.inWorld--
}

// Truncate implements Disk; it cannot grow a file.
func (d *simDisk) Truncate(name string, size int) error {
	if err := checkName("Truncate", name); err != nil {
		return err
	}
	f, ok := d.current[name]
	if !ok {
		return d.missing("Truncate", name)
	}
	if size < 0 || size > len(f) {
		return fmt.Errorf("disk: Truncate %q to %d bytes: want a size in [0, %d]",
			name, size, len(f))
	}
	d.do(journal.Op{Kind: journal.Truncate, Name: name, Size: size})
	return nil
}

// Rename implements Disk.
func (d *simDisk) Rename(oldName, newName string) error {
	if err := checkName("Rename", oldName); err != nil {
		return err
	}
	if err := checkName("Rename", newName); err != nil {
		return err
	}
	if _, ok := d.current[oldName]; !ok {
		return d.missing("Rename", oldName)
	}
	if oldName != newName {
		d.do(journal.Op{Kind: journal.Rename, Name: oldName, To: newName})
	}
	return nil
}

// Remove implements Disk.
func (d *simDisk) Remove(name string) error {
	if err := checkName("Remove", name); err != nil {
		return err
	}
	if _, ok := d.current[name]; !ok {
		return d.missing("Remove", name)
	}
	d.do(journal.Op{Kind: journal.Remove, Name: name})
	return nil
}

// List implements Disk.
func (d *simDisk) List() []string {
	names := make([]string, 0, len(d.current))
	for name := range d.current {
		names = append(names, name)
	}
	slices.Sort(names) // map order must not leak out
	return names
}

// do applies op to the current image and logs it as pending.
func (d *simDisk) do(op journal.Op) {
	d.w.inWorld++ // world code called by a node: a panic here is the harness's
	journal.Apply(d.current, &op, journal.Whole)
	d.log.Append(op)
	d.w.inWorld--
}

// exact returns a copy of p whose capacity equals its length (journal.Exact): what the
// disk's ops and the streams' segments (stream.go) hold, so that the caller may reuse p.
// Copies come from the world's chunks, as datagrams' do (payloadSlab).
func (w *World) exact(p []byte) []byte {
	if len(p) == 0 {
		return journal.Exact(p)
	}
	return w.payloads.copyOf(p)
}
