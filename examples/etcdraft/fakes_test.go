package etcdraft

import (
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// memDisk is a nodeapi.Disk for unit tests: every write is durable at once (Sync only
// reports), and a read hook can damage what ReadFile returns.
type memDisk struct {
	files map[string][]byte
	// onRead, if set, may change the copy ReadFile returns (a corrupted read).
	onRead func(name string, data []byte)
	reads  int
}

func newMemDisk() *memDisk { return &memDisk{files: map[string][]byte{}} }

func (d *memDisk) ReadFile(name string) ([]byte, error) {
	f, ok := d.files[name]
	if !ok {
		return nil, nodeapi.ErrNotExist
	}
	d.reads++
	out := slices.Clone(f)
	if d.onRead != nil {
		d.onRead(name, out)
	}
	return out, nil
}

func (d *memDisk) WriteFile(name string, data []byte) error {
	d.files[name] = slices.Clone(data)
	return nil
}

func (d *memDisk) Append(name string, data []byte) error {
	d.files[name] = append(slices.Clone(d.files[name]), data...)
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
	if _, ok := d.files[name]; !ok {
		return nodeapi.ErrNotExist
	}
	delete(d.files, name)
	return nil
}

func (d *memDisk) List() []string { return slices.Sorted(maps.Keys(d.files)) }

func (d *memDisk) Sync(done func(error)) { done(nil) }

// clone copies the disk's files (the state a crash after the last write would leave).
func (d *memDisk) clone() *memDisk {
	c := newMemDisk()
	for name, f := range d.files {
		c.files[name] = slices.Clone(f)
	}
	return c
}

// fakeEnv is a nodeapi.Env whose timers fire only when a test says so (in the order they
// were armed) and whose sends are kept.
type fakeEnv struct {
	id     nodeapi.NodeID
	disk   *memDisk
	rng    *rand.Rand
	sent   []sent
	timers map[uint64]fakeTimer
	nextID uint64
}

type fakeTimer struct {
	d time.Duration
	f func()
}

type sent struct {
	to  nodeapi.NodeID
	msg []byte
}

func newFakeEnv(id nodeapi.NodeID, disk *memDisk) *fakeEnv {
	return &fakeEnv{id: id, disk: disk, rng: rand.New(rand.NewPCG(1, 2)),
		timers: map[uint64]fakeTimer{}}
}

func (e *fakeEnv) ID() nodeapi.NodeID { return e.id }
func (e *fakeEnv) Now() time.Time     { return time.Unix(0, 0) }

func (e *fakeEnv) After(d time.Duration, f func()) nodeapi.Timer {
	e.nextID++
	e.timers[e.nextID] = fakeTimer{d: d, f: f}
	return nodeapi.NewTimer(e, e.nextID)
}

func (e *fakeEnv) StopTimer(id uint64) bool {
	_, ok := e.timers[id]
	delete(e.timers, id)
	return ok
}

// fire runs the oldest pending timer and returns its duration; false if none is pending.
func (e *fakeEnv) fire() (time.Duration, bool) {
	if len(e.timers) == 0 {
		return 0, false
	}
	id := slices.Min(slices.Collect(maps.Keys(e.timers)))
	t := e.timers[id]
	delete(e.timers, id)
	t.f()
	return t.d, true
}

// pending returns the durations of the pending timers, oldest first.
func (e *fakeEnv) pending() []time.Duration {
	var out []time.Duration
	for _, id := range slices.Sorted(maps.Keys(e.timers)) {
		out = append(out, e.timers[id].d)
	}
	return out
}

func (e *fakeEnv) Send(to nodeapi.NodeID, msg []byte) {
	e.sent = append(e.sent, sent{to: to, msg: slices.Clone(msg)})
}

func (e *fakeEnv) Rand() nodeapi.Rand                                        { return e.rng }
func (e *fakeEnv) Disk() nodeapi.Disk                                        { return e.disk }
func (e *fakeEnv) Logf(string, ...any)                                       {}
func (e *fakeEnv) Dial(nodeapi.NodeID, nodeapi.StreamHandler) nodeapi.Stream { return nil }
