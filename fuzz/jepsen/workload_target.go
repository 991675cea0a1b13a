package jepsen

import (
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// workloadOf is the target's workload (model.KV when it names none).
func workloadOf(tg fuzz.Target) *model.Workload {
	if tg.Workload == nil {
		return model.KV
	}
	return tg.Workload
}

// usesKVMix reports whether the real clients draw the key-value mix (mixSource): for a
// target that speaks the whole key-value workload. Others play their own generator's
// operations (targetSource).
func usesKVMix(tg fuzz.Target) bool { return tg.KeyValue() }

// maxThink caps a generated think time in a real run.
const maxThink = 100 * time.Millisecond

// maxDraws bounds the scenarios a targetSource draws for one client, so that a generator
// that keeps giving a client nothing cannot spin for ever.
const maxDraws = 10000

// targetSource plays the operations the target's own client generator draws (Target.Clients
// through Target.ScenarioForSeed), the ones the simulated world runs: client i takes the
// script of client c<i+1> of scenario after scenario (seeds derived from the run's seed),
// so that an operation that names its client (a lock's owner) names this one. Scripts are
// played as drawn, with the generator's think times capped at maxThink: a simulated
// scenario may wait seconds for its faults, a real run has its own nemesis and wants the
// operations.
type targetSource struct {
	tg    fuzz.Target
	opts  func() scenario.Scenario
	w     *model.Workload
	id    nodeapi.NodeID
	seed  uint64
	round int
	queue []scenario.ClientOp
}

func newTargetSource(tg fuzz.Target, seed uint64, client int) *targetSource {
	o := tg.Options()
	o.MaxClients = max(o.MaxClients, client+1)
	src := &targetSource{tg: tg, w: workloadOf(tg), seed: seed,
		id: nodeapi.NodeID("c" + strconv.Itoa(client+1))}
	src.opts = func() scenario.Scenario {
		src.round++
		return tg.ScenarioForSeed(seed*1000003+uint64(src.round), o)
	}
	return src
}

func (t *targetSource) next() (nodeapi.Op, time.Duration, bool) {
	for draws := 0; draws < maxDraws; {
		for len(t.queue) > 0 {
			o := t.queue[0]
			t.queue = t.queue[1:]
			if op, err := o.Op(t.w); err == nil {
				return op, min(time.Duration(o.Think), maxThink), true
			}
		}
		draws++
		for _, cs := range t.opts().Clients {
			if cs.ID == t.id {
				t.queue = cs.Ops
			}
		}
	}
	return nodeapi.Op{}, 0, false
}

func (t *targetSource) observe(nodeapi.Op, nodeapi.Outcome) {}

// newSource is client i's operations for a run of tg.
func newSource(tg fuzz.Target, seed uint64, client int) opSource {
	if usesKVMix(tg) {
		return newMixSource(seed, client)
	}
	return newTargetSource(tg, seed, client)
}

// probe issues the workload's liveness probe (a write) through c once every fault is
// healed: an answer must come (model.Workload.Probe).
func probe(c *Client, index int, w *model.Workload, h *history) nodeapi.Outcome {
	op := w.Probe
	call := h.now()
	out := c.Do(op)
	h.add(model.Operation{ClientID: index, Op: op, Outcome: out, Call: call, Return: h.now()})
	return out
}

// readBack reads every key the history touched with every read-only kind of the workload
// (its kinds that are not writes), through client c once every fault is healed: the final
// read of a target that is not key-value (a lock service's holder of each lock), so that a
// lost write shows even if no client looked at its key again. A workload without read-only
// kinds reads nothing.
func readBack(c *Client, index int, w *model.Workload, h *history) {
	keys := map[string]bool{}
	for _, op := range h.snapshot() {
		if op.Op.Key != w.Probe.Key {
			keys[op.Op.Key] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(keys)) {
		for i, k := range w.Kinds {
			if k.Write {
				continue
			}
			op := nodeapi.Op{Kind: model.Kind(i + 1), Key: key}
			call := h.now()
			out := c.Do(op)
			h.add(model.Operation{ClientID: index, Op: op, Outcome: out, Call: call,
				Return: h.now()})
		}
	}
}
