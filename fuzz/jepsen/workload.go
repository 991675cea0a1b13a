package jepsen

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/model"
)

// history records operations with wall-clock times: nanoseconds since the run started, on
// Go's monotonic clock, so that a wall-clock step cannot reorder them.
type history struct {
	start time.Time
	mu    sync.Mutex
	ops   []model.Operation
}

func newHistory() *history { return &history{start: time.Now()} }

func (h *history) now() int64 { return time.Since(h.start).Nanoseconds() }

func (h *history) add(o model.Operation) {
	if o.Outcome.Unknown {
		o.Return = model.Never // it may take effect at any time after its call
	}
	h.mu.Lock()
	h.ops = append(h.ops, o)
	h.mu.Unlock()
}

func (h *history) snapshot() []model.Operation {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]model.Operation(nil), h.ops...)
}

// opSource yields a client's next operation and the think time before it.
type opSource interface {
	next() (op nodeapi.Op, think time.Duration, ok bool)
	observe(op nodeapi.Op, out nodeapi.Outcome)
}

// Keys and think times of the standard workload (docs/ARCHITECTURE.md): 8 keys, 10-90 ms.
const (
	workloadKeys = 8
	thinkMin     = 10 * time.Millisecond
	thinkMax     = 90 * time.Millisecond
)

// mixSource draws the key-value mix of package generators: 50% gets, 20% puts, 15%
// appends, 10% cas, 5% deletes over 8 keys. Written values are unique ("c2.17"); a cas
// expects the value this client last saw for the key, so that cas often succeeds.
type mixSource struct {
	rng    *rand.Rand
	client int
	n      int
	seen   map[string]string
}

func newMixSource(seed uint64, client int) *mixSource {
	return &mixSource{rng: rand.New(rand.NewPCG(seed, uint64(client)+1)), client: client,
		seen: map[string]string{}}
}

func (m *mixSource) next() (nodeapi.Op, time.Duration, bool) {
	m.n++
	think := thinkMin + time.Duration(m.rng.Int64N(int64(thinkMax-thinkMin)+1))
	op := nodeapi.Op{Key: fmt.Sprintf("k%d", m.rng.IntN(workloadKeys))}
	value := fmt.Sprintf("c%d.%d", m.client+1, m.n)
	switch p := m.rng.IntN(100); {
	case p < 50:
		op.Kind = kv.Get
	case p < 70:
		op.Kind, op.Value = kv.Put, value
	case p < 85:
		op.Kind, op.Value = kv.Append, value
	case p < 95:
		op.Kind, op.Value, op.Expect = kv.CAS, value, m.seen[op.Key]
	default:
		op.Kind = kv.Delete
	}
	return op, think, true
}

// observe remembers what the client learnt of the key's value.
func (m *mixSource) observe(op nodeapi.Op, out nodeapi.Outcome) {
	switch {
	case out.Unknown:
		delete(m.seen, op.Key)
	case op.Kind == kv.Get:
		m.seen[op.Key] = out.Result.Value
	case op.Kind == kv.Put || (op.Kind == kv.CAS && out.Result.OK):
		m.seen[op.Key] = op.Value
	case op.Kind == kv.Delete:
		m.seen[op.Key] = ""
	case op.Kind == kv.Append:
		if v, ok := m.seen[op.Key]; ok {
			m.seen[op.Key] = v + op.Value
		}
	}
}

// runClient is one closed-loop client: think, invoke, record, until ctx ends (the
// operation under way then finishes first, within the client's operation timeout). A
// wedged client (one that never answered) takes no more operations.
func runClient(ctx context.Context, index int, c *Client, src opSource, h *history) {
	for ctx.Err() == nil && !c.Wedged() {
		op, think, ok := src.next()
		if !ok || !sleepCtx(ctx, think) {
			return
		}
		call := h.now()
		out := c.Do(op)
		h.add(model.Operation{ClientID: index, Op: op, Outcome: out, Call: call,
			Return: h.now()})
		src.observe(op, out)
	}
}

// sleepCtx sleeps d unless ctx ends first; it reports whether it slept the whole time.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// finalReads reads every key once through client c, after the faults are healed: an
// acknowledged write that a crash lost shows up here even if no client read its key
// during the run (Jepsen's final read).
func finalReads(c *Client, index int, h *history) {
	for k := range workloadKeys {
		op := nodeapi.Op{Kind: kv.Get, Key: fmt.Sprintf("k%d", k)}
		call := h.now()
		out := c.Do(op)
		h.add(model.Operation{ClientID: index, Op: op, Outcome: out, Call: call,
			Return: h.now()})
	}
}
