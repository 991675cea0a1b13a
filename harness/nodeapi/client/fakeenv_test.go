package client

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// fakeEnv is a client's Env with a virtual clock and timers the test fires by advancing
// time, and a log of the datagrams sent. Only what a client uses is implemented.
type fakeEnv struct {
	now    time.Duration
	timers []*fakeTimer
	nextID uint64
	sent   []sent
	rand   *rand.Rand
	logs   []string
}

type sent struct {
	to    nodeapi.NodeID
	frame []byte
}

type fakeTimer struct {
	id      uint64
	at      time.Duration
	f       func()
	stopped bool
}

func newFakeEnv(seed uint64) *fakeEnv {
	return &fakeEnv{rand: rand.New(rand.NewPCG(seed, 0))}
}

func (e *fakeEnv) ID() nodeapi.NodeID { return "c1" }
func (e *fakeEnv) Now() time.Time     { return time.Unix(0, int64(e.now)) }
func (e *fakeEnv) Rand() nodeapi.Rand { return e.rand }
func (e *fakeEnv) Disk() nodeapi.Disk { panic("fakeEnv: no disk") }
func (e *fakeEnv) Logf(format string, args ...any) {
	e.logs = append(e.logs, fmt.Sprintf(format, args...))
}
func (e *fakeEnv) Dial(nodeapi.NodeID, nodeapi.StreamHandler) nodeapi.Stream {
	panic("fakeEnv: no streams")
}
func (e *fakeEnv) Send(to nodeapi.NodeID, frame []byte) {
	e.sent = append(e.sent, sent{to, slices.Clone(frame)})
}

func (e *fakeEnv) After(d time.Duration, f func()) nodeapi.Timer {
	e.nextID++
	e.timers = append(e.timers, &fakeTimer{id: e.nextID, at: e.now + d, f: f})
	return nodeapi.NewTimer(e, e.nextID)
}

func (e *fakeEnv) StopTimer(id uint64) bool {
	for _, t := range e.timers {
		if t.id == id && !t.stopped {
			t.stopped = true
			return true
		}
	}
	return false
}

// advance runs every timer due within d, in time order (then creation order).
func (e *fakeEnv) advance(d time.Duration) {
	end := e.now + d
	for {
		var next *fakeTimer
		for _, t := range e.timers {
			if !t.stopped && t.at <= end && (next == nil || t.at < next.at) {
				next = t
			}
		}
		if next == nil {
			e.now = end
			return
		}
		e.now = next.at
		next.stopped = true
		next.f()
	}
}

// targets lists the servers the datagrams went to, in order, and forgets them.
func (e *fakeEnv) targets() []nodeapi.NodeID {
	var out []nodeapi.NodeID
	for _, s := range e.sent {
		out = append(out, s.to)
	}
	e.sent = nil
	return out
}

// lastRequest decodes the latest datagram sent.
func (e *fakeEnv) lastRequest() Request {
	return decodeTestRequest(e.sent[len(e.sent)-1].frame)
}
