package raft

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// benchNet is the benchmark's network: 5-15 ms one-way latency (10 ms mean), reordering.
var benchNet = scenario.NetworkConfig{LatencyMin: dur(5 * time.Millisecond),
	LatencyMax: dur(15 * time.Millisecond), Reorder: true}

// closedLoop drives one client: after each operation completes it thinks 10-90 ms, then
// issues a random operation on one of 8 keys, half of them reads.
type closedLoop struct {
	cl   *Client
	rng  *rand.Rand
	done uint64
	next func()
}

func newClosedLoop(cl *Client, seed uint64) *closedLoop {
	l := &closedLoop{cl: cl, rng: rand.New(rand.NewPCG(seed, 9))}
	l.next = l.issue
	return l
}

func (l *closedLoop) issue() {
	op := nodeapi.Op{Kind: kv.Get, Key: fmt.Sprintf("k%d", l.rng.IntN(8))}
	if l.rng.IntN(2) == 0 {
		op.Kind = kv.Put + nodeapi.Kind(l.rng.IntN(4))
		op.Value = fmt.Sprint(l.done)
	}
	l.cl.Invoke(op, func(nodeapi.Outcome) {
		l.done++
		think := 10*time.Millisecond + time.Duration(l.rng.Int64N(int64(80*time.Millisecond)))
		l.cl.Env().After(think, l.next)
	})
}

// benchRun runs one 60 s world and returns its event count and operations completed.
func benchRun(b *testing.B, seed uint64, nodes int) (events, ops uint64) {
	sys, err := NewSystem(DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	opts := sim.Options{Seed: seed, Disk: harness.DiskFaults(standardDisk)}
	opts.Network.Default = benchNet.Link()
	w, err := sim.NewWorld(sys, opts)
	if err != nil {
		b.Fatal(err)
	}
	ids := nodeIDs(nodes)
	for _, id := range ids {
		if err := w.AddNode(id, nodeapi.Boot{Peers: ids}); err != nil {
			b.Fatal(err)
		}
	}
	var loops []*closedLoop
	for i := range 3 {
		id := nodeapi.NodeID(fmt.Sprintf("c%d", i+1))
		cl, err := w.AddClient(id, ids)
		if err != nil {
			b.Fatal(err)
		}
		l := newClosedLoop(cl.(*Client), seed*10+uint64(i))
		loops = append(loops, l)
		if err := w.Exec(id, l.issue); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.RunFor(60 * time.Second); err != nil {
		b.Fatal(err)
	}
	for _, l := range loops {
		ops += l.done
	}
	return w.Events(), ops
}

// BenchmarkRaftKV measures the store on sim.World with invariant checks after every
// event: 60 s of virtual time per iteration, 3 closed-loop clients, 10 ms mean latency.
func BenchmarkRaftKV(b *testing.B) {
	for _, nodes := range []int{3, 5} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			var events, ops uint64
			runs := 0
			for b.Loop() {
				runs++
				ev, n := benchRun(b, uint64(runs), nodes)
				events, ops = events+ev, ops+n
			}
			wall := b.Elapsed().Seconds()
			b.ReportMetric(float64(events)/wall, "events/s")
			b.ReportMetric(float64(runs)*60/wall, "sim-s/s")
			b.ReportMetric(float64(ops)/float64(runs)/60, "ops/sim-s")
		})
	}
}
