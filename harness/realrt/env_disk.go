package realrt

import (
	"errors"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// errIncarnationEnded is what a write through the disk of an ended incarnation returns.
var errIncarnationEnded = errors.New("disk: the node's incarnation has ended (fail-stop)")

// envDisk is the endpoint's Disk as one incarnation sees it. Reads pass through. Once the
// incarnation ends, writes fail and change nothing, Sync does nothing, and the done of a Sync
// asked for earlier is never called: the next incarnation recovers from the files alone,
// and no callback of the old one runs after the end (nodeapi.FailStopper).
type envDisk struct {
	d *Disk
	e *env
}

var _ nodeapi.Disk = (*envDisk)(nil)

// ReadFile implements nodeapi.Disk.
func (v *envDisk) ReadFile(name string) ([]byte, error) { return v.d.ReadFile(name) }

// List implements nodeapi.Disk.
func (v *envDisk) List() []string { return v.d.List() }

// WriteFile implements nodeapi.Disk.
func (v *envDisk) WriteFile(name string, data []byte) error {
	if !v.e.live() {
		return errIncarnationEnded
	}
	return v.d.WriteFile(name, data)
}

// Append implements nodeapi.Disk.
func (v *envDisk) Append(name string, data []byte) error {
	if !v.e.live() {
		return errIncarnationEnded
	}
	return v.d.Append(name, data)
}

// Truncate implements nodeapi.Disk.
func (v *envDisk) Truncate(name string, size int) error {
	if !v.e.live() {
		return errIncarnationEnded
	}
	return v.d.Truncate(name, size)
}

// Rename implements nodeapi.Disk.
func (v *envDisk) Rename(oldName, newName string) error {
	if !v.e.live() {
		return errIncarnationEnded
	}
	return v.d.Rename(oldName, newName)
}

// Remove implements nodeapi.Disk.
func (v *envDisk) Remove(name string) error {
	if !v.e.live() {
		return errIncarnationEnded
	}
	return v.d.Remove(name)
}

// Sync implements nodeapi.Disk; done runs only if the incarnation still lives when the
// sync completes.
func (v *envDisk) Sync(done func(err error)) {
	if !v.e.live() {
		return
	}
	v.d.Sync(func(err error) {
		if v.e.live() && done != nil {
			done(err)
		}
	})
}
