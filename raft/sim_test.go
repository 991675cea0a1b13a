package raft

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// simWorld is a small deterministic simulator for this package's own tests: one event queue on
// virtual time, a lossy network with partitions, disks that lose unsynced writes on a crash,
// and an invariant check after every event. The integration tests use sim.World.
type simWorld struct {
	t       testing.TB
	now     int64
	seq     uint64
	q       eventQueue
	rng     *rand.Rand
	sys     *System
	eps     map[nodeapi.NodeID]*simEndpoint
	latMin  time.Duration
	latMax  time.Duration
	loss    float64
	dup     float64
	groups  map[nodeapi.NodeID]int
	check   bool
	err     error
	events  uint64
	notes   []string
	syncLat time.Duration
	// onSend, if set, sees every message as it is handed to the network.
	onSend func(from, to nodeapi.NodeID, msg []byte)
}

type event struct {
	at  int64
	seq uint64
	fn  func()
}

type eventQueue []event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	return q[i].at < q[j].at || (q[i].at == q[j].at && q[i].seq < q[j].seq)
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(event)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// simEndpoint is a server or client slot; incarnation changes on every crash or restart so
// that the old incarnation's timers and sync callbacks never run.
type simEndpoint struct {
	id          nodeapi.NodeID
	node        nodeapi.Node
	disk        *memDisk
	boot        nodeapi.Boot
	up          bool
	incarnation int
	rng         *rand.Rand
	server      bool
}

func newSimWorld(t testing.TB, seed uint64, cfg Config) *simWorld {
	sys, err := NewSystem(cfg)
	if err != nil {
		t.Fatalf("NewSystem: %v", err)
	}
	return &simWorld{t: t, rng: rand.New(rand.NewPCG(seed, 1)), sys: sys,
		eps: map[nodeapi.NodeID]*simEndpoint{}, latMin: time.Millisecond,
		latMax: 3 * time.Millisecond, groups: map[nodeapi.NodeID]int{}, check: true,
		syncLat: time.Millisecond}
}

func (w *simWorld) at(d time.Duration, fn func()) {
	w.seq++
	heap.Push(&w.q, event{at: w.now + int64(d), seq: w.seq, fn: fn})
}

func (w *simWorld) startCluster(ids ...nodeapi.NodeID) {
	for _, id := range ids {
		w.addNode(id, nodeapi.Boot{Peers: ids})
	}
}

func (w *simWorld) addNode(id nodeapi.NodeID, boot nodeapi.Boot) {
	ep := &simEndpoint{id: id, disk: newMemDisk(), boot: boot, server: true,
		rng: rand.New(rand.NewPCG(w.rng.Uint64(), 2))}
	w.eps[id] = ep
	w.start(ep)
}

func (w *simWorld) start(ep *simEndpoint) {
	ep.incarnation++
	ep.disk.w, ep.disk.ep, ep.disk.inc = w, ep, ep.incarnation
	n, err := w.sys.NewNode(&simEnv{w: w, ep: ep, inc: ep.incarnation}, ep.boot)
	if err != nil {
		w.t.Fatalf("NewNode(%s): %v", ep.id, err)
	}
	ep.node, ep.up = n, true
}

func (w *simWorld) crash(id nodeapi.NodeID) {
	ep := w.eps[id]
	if !ep.up {
		return
	}
	ep.up = false
	ep.incarnation++
	ep.disk.crash()
	w.sys.NodeDown(id)
}

func (w *simWorld) restart(id nodeapi.NodeID) {
	if ep := w.eps[id]; !ep.up {
		w.start(ep)
	}
}

func (w *simWorld) addClient(id nodeapi.NodeID, servers ...nodeapi.NodeID) *Client {
	ep := &simEndpoint{id: id, up: true, rng: rand.New(rand.NewPCG(w.rng.Uint64(), 3))}
	w.eps[id] = ep
	c, err := w.sys.NewClient(&simEnv{w: w, ep: ep, inc: ep.incarnation}, servers)
	if err != nil {
		w.t.Fatalf("NewClient: %v", err)
	}
	ep.node = c
	return c.(*Client)
}

// partition puts each group in its own side; endpoints in no group share side 0.
func (w *simWorld) partition(groups ...[]nodeapi.NodeID) {
	clear(w.groups)
	for g, ids := range groups {
		for _, id := range ids {
			w.groups[id] = g + 1
		}
	}
}

func (w *simWorld) heal() { clear(w.groups) }

func (w *simWorld) reachable(a, b nodeapi.NodeID) bool { return w.groups[a] == w.groups[b] }

func (w *simWorld) send(from, to nodeapi.NodeID, msg []byte) {
	if w.onSend != nil {
		w.onSend(from, to, msg)
	}
	if !w.reachable(from, to) || w.rng.Float64() < w.loss {
		return
	}
	copies := 1
	if w.rng.Float64() < w.dup {
		copies = 2
	}
	for range copies {
		lat := w.latMin + time.Duration(w.rng.Int64N(int64(w.latMax-w.latMin)+1))
		w.at(lat, func() {
			ep := w.eps[to]
			if ep == nil || !ep.up || !w.reachable(from, to) {
				return
			}
			ep.node.HandleMessage(from, msg)
			w.afterEvent(to)
		})
	}
}

func (w *simWorld) afterEvent(id nodeapi.NodeID) {
	if ep := w.eps[id]; !w.check || ep == nil || !ep.server || w.err != nil {
		return
	}
	if err := w.sys.CheckAfterEvent(id); err != nil {
		w.err = fmt.Errorf("at %v: %w", time.Duration(w.now), err)
	}
}

// step runs the next event; it reports false when the queue is empty.
func (w *simWorld) step() bool {
	if w.q.Len() == 0 {
		return false
	}
	e := heap.Pop(&w.q).(event)
	w.now = e.at
	w.events++
	e.fn()
	return true
}

func (w *simWorld) runFor(d time.Duration) {
	end := w.now + int64(d)
	for w.q.Len() > 0 && w.q[0].at <= end && w.err == nil {
		w.step()
	}
	w.now = max(w.now, end)
	if w.err != nil {
		w.t.Fatalf("invariant: %v", w.err)
	}
}

// runUntil runs until cond holds (checked after every event) or limit passes.
func (w *simWorld) runUntil(cond func() bool, limit time.Duration) bool {
	end := w.now + int64(limit)
	for !cond() {
		if w.q.Len() == 0 || w.q[0].at > end || w.err != nil {
			if w.err != nil {
				w.t.Fatalf("invariant: %v", w.err)
			}
			return cond()
		}
		w.step()
	}
	return true
}

// do runs op on c to completion (or 10 s) and returns the outcome.
func (w *simWorld) do(c *Client, op nodeapi.Op) nodeapi.Outcome {
	var out *nodeapi.Outcome
	c.Invoke(op, func(o nodeapi.Outcome) { out = &o })
	if !w.runUntil(func() bool { return out != nil }, 10*time.Second) {
		w.t.Fatalf("operation %v never completed", op)
	}
	return *out
}

func (w *simWorld) leader() nodeapi.NodeID { return w.sys.Leader() }

func (w *simWorld) waitLeader(limit time.Duration) nodeapi.NodeID {
	w.runUntil(func() bool { return w.leader() != "" }, limit)
	return w.leader()
}

func (w *simWorld) serverIDs() []nodeapi.NodeID {
	var ids []nodeapi.NodeID
	for id, ep := range w.eps {
		if ep.server {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (w *simWorld) liveIDs() []nodeapi.NodeID {
	var ids []nodeapi.NodeID
	for _, id := range w.serverIDs() {
		if w.eps[id].up {
			ids = append(ids, id)
		}
	}
	return ids
}
