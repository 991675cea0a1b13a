package register

import (
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// fakeEnv is just enough of a runtime for unit tests: timers are recorded and never fire,
// sends are recorded, and Sync completes when the test says so.
type fakeEnv struct {
	id    nodeapi.NodeID
	rng   *rand.Rand
	disk  *fakeDisk
	sent  []sent
	timer int
}

type sent struct {
	to nodeapi.NodeID
	m  message
}

func newFakeEnv(id nodeapi.NodeID) *fakeEnv {
	return &fakeEnv{id: id, rng: rand.New(rand.NewPCG(1, 2)),
		disk: &fakeDisk{files: map[string][]byte{}}}
}

func (e *fakeEnv) ID() nodeapi.NodeID    { return e.id }
func (e *fakeEnv) Now() time.Time        { return time.Unix(0, 0) }
func (e *fakeEnv) Rand() nodeapi.Rand    { return e.rng }
func (e *fakeEnv) Disk() nodeapi.Disk    { return e.disk }
func (e *fakeEnv) Logf(string, ...any)   {}
func (e *fakeEnv) StopTimer(uint64) bool { return true }

func (e *fakeEnv) After(time.Duration, func()) nodeapi.Timer {
	e.timer++
	return nodeapi.NewTimer(e, uint64(e.timer))
}

func (e *fakeEnv) Send(to nodeapi.NodeID, frame []byte) {
	m, err := decode(frame)
	if err != nil {
		panic(err)
	}
	e.sent = append(e.sent, sent{to: to, m: m})
}

func (e *fakeEnv) Dial(nodeapi.NodeID, nodeapi.StreamHandler) nodeapi.Stream { return nil }

// fakeDisk keeps files in memory; every write is durable at once, and Sync callbacks wait
// in syncs until the test runs them. damage, when set, changes what a read returns.
type fakeDisk struct {
	files  map[string][]byte
	syncs  []func(error)
	damage func(name string, data []byte) []byte
	reads  int
}

func (d *fakeDisk) ReadFile(name string) ([]byte, error) {
	f, ok := d.files[name]
	if !ok {
		return nil, nodeapi.ErrNotExist
	}
	d.reads++
	out := slices.Clone(f)
	if d.damage != nil {
		out = d.damage(name, out)
	}
	return out, nil
}

func (d *fakeDisk) WriteFile(name string, data []byte) error {
	d.files[name] = slices.Clone(data)
	return nil
}

func (d *fakeDisk) Append(string, []byte) error { return errors.New("unused") }
func (d *fakeDisk) Truncate(string, int) error  { return errors.New("unused") }
func (d *fakeDisk) Rename(string, string) error { return errors.New("unused") }
func (d *fakeDisk) Remove(string) error         { return errors.New("unused") }
func (d *fakeDisk) List() []string              { return nil }
func (d *fakeDisk) Sync(done func(err error))   { d.syncs = append(d.syncs, done) }
func (d *fakeDisk) completeSyncs(err error) {
	for len(d.syncs) > 0 {
		done := d.syncs[0]
		d.syncs = d.syncs[1:]
		done(err)
	}
}

// testNode starts server id of a three-server cluster on env.
func testNode(env *fakeEnv) (*Node, error) {
	cfg := DefaultConfig()
	sys, err := NewSystem(cfg)
	if err != nil {
		return nil, err
	}
	n, err := sys.NewNode(env, nodeapi.Boot{Peers: []nodeapi.NodeID{"n1", "n2", "n3"}})
	if err != nil {
		return nil, err
	}
	return n.(*Node), nil
}
