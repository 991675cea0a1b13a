package lockd

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// memDisk is a Disk in memory whose writes are durable at once. badReads makes the next
// reads return a copy with one bit flipped at flipAt, as the simulator's read corruption
// does; stored bytes stay intact.
type memDisk struct {
	files    map[string][]byte
	badReads int
	flipAt   int
}

func newMemDisk() *memDisk { return &memDisk{files: map[string][]byte{}} }

func (d *memDisk) ReadFile(name string) ([]byte, error) {
	f, ok := d.files[name]
	if !ok {
		return nil, nodeapi.ErrNotExist
	}
	f = slices.Clone(f)
	if d.badReads > 0 {
		d.badReads--
		f[d.flipAt] ^= 1
	}
	return f, nil
}

func (d *memDisk) WriteFile(name string, data []byte) error {
	d.files[name] = slices.Clone(data)
	return nil
}

func (d *memDisk) Append(name string, data []byte) error {
	d.files[name] = append(d.files[name], data...)
	return nil
}

func (d *memDisk) Truncate(name string, size int) error {
	d.files[name] = d.files[name][:size]
	return nil
}

func (d *memDisk) Rename(oldName, newName string) error {
	d.files[newName] = d.files[oldName]
	delete(d.files, oldName)
	return nil
}

func (d *memDisk) Remove(name string) error {
	delete(d.files, name)
	return nil
}

func (d *memDisk) List() []string {
	var names []string
	for n := range d.files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (d *memDisk) Sync(done func(error)) { done(nil) }

// fakeEnv is just enough of an Env to create a node: timers never fire and sends vanish.
type fakeEnv struct {
	id   nodeapi.NodeID
	disk *memDisk
	sent []nodeapi.NodeID
}

func (e *fakeEnv) ID() nodeapi.NodeID { return e.id }
func (e *fakeEnv) Now() time.Time     { return time.Time{} }

func (e *fakeEnv) After(time.Duration, func()) nodeapi.Timer { return nodeapi.Timer{} }

func (e *fakeEnv) Send(to nodeapi.NodeID, _ []byte) { e.sent = append(e.sent, to) }
func (e *fakeEnv) Rand() nodeapi.Rand               { return rand.New(rand.NewPCG(1, 2)) }
func (e *fakeEnv) Disk() nodeapi.Disk               { return e.disk }
func (e *fakeEnv) Logf(string, ...any)              {}

func (e *fakeEnv) Dial(nodeapi.NodeID, nodeapi.StreamHandler) nodeapi.Stream { return nil }
