package jepsen

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/realrt"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// scriptSource plays a scripted client (the benchmark's) in order.
type scriptSource struct {
	w   *model.Workload
	ops []scenario.ClientOp
	i   int
}

func (s *scriptSource) next() (nodeapi.Op, time.Duration, bool) {
	for s.i < len(s.ops) {
		o := s.ops[s.i]
		s.i++
		if op, err := o.Op(s.w); err == nil {
			return op, time.Duration(o.Think), true
		}
	}
	return nodeapi.Op{}, 0, false
}

func (s *scriptSource) observe(nodeapi.Op, nodeapi.Outcome) {}

// realRun runs one row on a fresh real cluster: the scripted clients for o.Time, with the
// condition's loss (every endpoint's drop table) and faults (kill -9 of the leader and a
// restart, or a partition through the drop tables).
func realRun(ctx context.Context, o BenchOptions, c Condition, n int,
	scripts []scenario.ClientScript) (Measure, error) {
	dir, err := os.MkdirTemp(o.OutDir, fmt.Sprintf("bench-%d-", n))
	if err != nil {
		return Measure{}, err
	}
	defer os.RemoveAll(dir)
	cl, err := StartCluster(ClusterOptions{Nodes: n, Binary: o.Binary, Args: o.ServerArgs,
		Dir: dir})
	if err != nil {
		return Measure{}, err
	}
	defer cl.Close()
	clients, err := startClients(cl.Peers(), len(scripts), o.Seed, o.Target, nil)
	if err != nil {
		return Measure{}, err
	}
	defer closeClients(clients)
	if err := setLoss(cl, clients, c.Loss); err != nil {
		return Measure{}, err
	}
	h := newHistory()
	runCtx, cancel := context.WithTimeout(ctx, o.Time)
	defer cancel()
	var wg sync.WaitGroup
	for i, kc := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runClient(runCtx, i, kc, &scriptSource{w: workloadOf(o.Target), ops: scripts[i].Ops}, h)
		}()
	}
	injectFaults(runCtx, cl, c, h, o.Time)
	wg.Wait()
	wall := time.Since(h.start)
	return measure(workloadOf(o.Target), h.snapshot(), o.Time, wall), nil
}

// setLoss makes every server and client drop the fraction loss of what it sends.
func setLoss(cl *Cluster, clients []*Client, loss float64) error {
	if loss == 0 {
		return nil
	}
	rule := realrt.Rule{Out: loss}
	for _, id := range cl.IDs() {
		if err := cl.SetFaults(id, FaultTable{realrt.AnyPeer: rule}); err != nil {
			return err
		}
	}
	for _, kc := range clients {
		if err := kc.Runtime().Faults().Set(realrt.AnyPeer, rule); err != nil {
			return err
		}
	}
	return nil
}

// injectFaults fires the condition's faults on schedule until ctx ends.
func injectFaults(ctx context.Context, cl *Cluster, c Condition, h *history,
	span time.Duration) {
	for _, at := range c.faultTimes(span) {
		if !sleepCtx(ctx, time.Until(h.start.Add(at))) {
			return
		}
		switch c.Fault {
		case "crash-leader":
			if l := cl.Leader(); l != "" {
				_ = cl.Kill(l)
				sleepCtx(ctx, c.FaultFor)
				_ = cl.Restart(l)
			}
		case "partition":
			partition(cl, minority(cl.IDs()), true)
			sleepCtx(ctx, c.FaultFor)
			partition(cl, minority(cl.IDs()), false)
		}
	}
}

// partition cuts group off from the other servers both ways (or heals every table).
func partition(cl *Cluster, group []nodeapi.NodeID, cut bool) {
	cutOff := map[nodeapi.NodeID]bool{}
	for _, id := range group {
		cutOff[id] = true
	}
	for _, id := range cl.IDs() {
		table := FaultTable{}
		for _, peer := range cl.IDs() {
			if cut && cutOff[id] != cutOff[peer] {
				table[peer] = realrt.Rule{Out: 1, In: 1}
			}
		}
		_ = cl.SetFaults(id, table)
	}
}

// measure counts a real history's acknowledged operations and checks it.
func measure(w *model.Workload, hist []model.Operation, span, wall time.Duration) Measure {
	m := Measure{Span: span, Virtual: wall, Wall: wall, Ops: len(hist),
		Linearizable: w.Check(hist).Linearizable()}
	for _, op := range hist {
		if !op.Outcome.Unknown && op.Call < int64(span) {
			m.Acked++
		}
	}
	return m
}
