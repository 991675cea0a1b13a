package raft

import (
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

var simEpoch = time.Unix(1_700_000_000, 0)

// simEnv is one incarnation's Env; once the incarnation ends, everything it does is void.
type simEnv struct {
	w   *simWorld
	ep  *simEndpoint
	inc int
}

func (e *simEnv) alive() bool { return e.ep.incarnation == e.inc && e.ep.up }

func (e *simEnv) ID() nodeapi.NodeID  { return e.ep.id }
func (e *simEnv) Now() time.Time      { return simEpoch.Add(time.Duration(e.w.now)) }
func (e *simEnv) Rand() nodeapi.Rand  { return e.ep.rng }
func (e *simEnv) Disk() nodeapi.Disk  { return e.ep.disk }
func (e *simEnv) Annotate(s string)   { e.w.notes = append(e.w.notes, s) }
func (e *simEnv) Logf(string, ...any) {}

func (e *simEnv) Dial(nodeapi.NodeID, nodeapi.StreamHandler) nodeapi.Stream { return nil }

func (e *simEnv) Send(to nodeapi.NodeID, msg []byte) {
	if e.alive() {
		e.w.send(e.ep.id, to, msg)
	}
}

func (e *simEnv) After(d time.Duration, f func()) nodeapi.Timer {
	t := &simTimer{}
	e.w.at(d, func() {
		if t.stopped || !e.alive() {
			return
		}
		t.fired = true
		f()
		e.w.afterEvent(e.ep.id)
	})
	return nodeapi.NewTimer(t, 0)
}

type simTimer struct{ stopped, fired bool }

func (t *simTimer) StopTimer(uint64) bool {
	pending := !t.stopped && !t.fired
	t.stopped = true
	return pending
}

// memDisk keeps current file contents and the durable image as of the last completed sync.
// Appends never modify bytes another slice can see, so images share memory.
type memDisk struct {
	w         *simWorld
	ep        *simEndpoint
	inc       int
	files     map[string][]byte
	durable   map[string][]byte
	failSyncs int
	corrupt   string
}

func newMemDisk() *memDisk {
	return &memDisk{files: map[string][]byte{}, durable: map[string][]byte{}}
}

func (d *memDisk) ReadFile(name string) ([]byte, error) {
	b, ok := d.files[name]
	if !ok {
		return nil, nodeapi.ErrNotExist
	}
	b = slices.Clone(b)
	if d.corrupt == name && len(b) > 0 {
		d.corrupt = ""
		b[len(b)/2] ^= 0x40
	}
	return b, nil
}

func (d *memDisk) WriteFile(name string, data []byte) error {
	d.files[name] = slices.Clip(slices.Clone(data))
	return nil
}

func (d *memDisk) Append(name string, data []byte) error {
	d.files[name] = append(d.files[name], data...)
	return nil
}

func (d *memDisk) Truncate(name string, size int) error {
	b, ok := d.files[name]
	if !ok {
		return nodeapi.ErrNotExist
	}
	d.files[name] = slices.Clip(slices.Clone(b[:min(size, len(b))]))
	return nil
}

func (d *memDisk) Rename(oldName, newName string) error {
	b, ok := d.files[oldName]
	if !ok {
		return nodeapi.ErrNotExist
	}
	d.files[newName] = b
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

var errSyncFailed = errors.New("simulated sync failure")

func (d *memDisk) Sync(done func(error)) {
	image := make(map[string][]byte, len(d.files))
	for k, v := range d.files {
		image[k] = slices.Clip(v)
	}
	inc := d.inc
	d.w.at(d.w.syncLat, func() {
		if d.ep.incarnation != inc || !d.ep.up {
			return
		}
		if d.failSyncs > 0 {
			d.failSyncs--
			done(errSyncFailed)
		} else {
			d.durable = image
			done(nil)
		}
		d.w.afterEvent(d.ep.id)
	})
}

// crash drops every write not covered by a completed sync.
func (d *memDisk) crash() {
	d.files = make(map[string][]byte, len(d.durable))
	for k, v := range d.durable {
		d.files[k] = slices.Clip(v)
	}
}
