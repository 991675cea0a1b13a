package raft

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Scenario tests: harness.Run drives the store with closed-loop clients and a fault schedule,
// checks the invariants after every event, heals everything, demands liveness (pending
// operations finish, a probe write is acknowledged within 5 s, replicas converge) and checks
// the history for linearizability with porcupine.

// genConfig says what a generated scenario contains.
type genConfig struct {
	nodes, spares    int
	clients          int
	safety, liveness time.Duration
	faults           int
	kinds            []scenario.FaultKind
	net              scenario.NetworkConfig
	disk             scenario.DiskConfig
}

func dur(d time.Duration) scenario.Duration { return scenario.Duration(d) }

// genScenario draws a scenario from seed: 8 keys, half reads, 10-90 ms think time.
func genScenario(seed uint64, g genConfig) scenario.Scenario {
	rng := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	s := scenario.Scenario{Version: scenario.ScenarioVersion, Seed: seed,
		Cluster: scenario.ClusterConfig{Nodes: nodeIDs(g.nodes)},
		Network: g.net, Disk: g.disk, Safety: dur(g.safety), Liveness: dur(g.liveness)}
	for i := range g.spares {
		s.Cluster.Spares = append(s.Cluster.Spares, nodeapi.NodeID(fmt.Sprintf("s%d", i+1)))
	}
	for c := range g.clients {
		s.Clients = append(s.Clients, genClient(rng, fmt.Sprintf("c%d", c+1), g.safety))
	}
	all := append(append([]nodeapi.NodeID{}, s.Cluster.Nodes...), s.Cluster.Spares...)
	for range g.faults {
		f := genFault(rng, g.kinds[rng.IntN(len(g.kinds))], s.Cluster.Nodes, all)
		f.At = dur(time.Duration(rng.Int64N(int64(g.safety))))
		s.Faults = append(s.Faults, f)
	}
	return s
}

func genClient(rng *rand.Rand, id string, safety time.Duration) scenario.ClientScript {
	cs := scenario.ClientScript{ID: nodeapi.NodeID(id)}
	kinds := []string{"put", "append", "cas", "delete"}
	for i := range int(safety / (50 * time.Millisecond)) {
		op := scenario.ClientOp{Think: dur(10*time.Millisecond +
			time.Duration(rng.Int64N(int64(80*time.Millisecond)))),
			Key: fmt.Sprintf("k%d", rng.IntN(8)), Kind: "get"}
		if rng.IntN(2) == 0 {
			op.Kind = kinds[rng.IntN(len(kinds))]
			op.Value = fmt.Sprintf("%s.%d", id, i)
			op.Expect = fmt.Sprintf("%s.%d", id, i-1-rng.IntN(2))
		}
		cs.Ops = append(cs.Ops, op)
	}
	return cs
}

func pick(rng *rand.Rand, ids []nodeapi.NodeID) nodeapi.NodeID { return ids[rng.IntN(len(ids))] }

func genFault(rng *rand.Rand, kind scenario.FaultKind, nodes, all []nodeapi.NodeID) scenario.Fault {
	f := scenario.Fault{Kind: kind, Node: pick(rng, nodes),
		For: dur(100*time.Millisecond + time.Duration(rng.Int64N(int64(3*time.Second))))}
	if rng.IntN(3) == 0 {
		f.Node = scenario.LeaderTarget
	}
	switch kind {
	case scenario.FaultCrash:
		f.Torn = rng.IntN(2) == 0
	case scenario.FaultCrashStorm:
		f.Rate, f.Torn = []float64{0.01, 0.05, 0.2}[rng.IntN(3)], rng.IntN(2) == 0
	case scenario.FaultPartition:
		perm := rng.Perm(len(nodes))
		cut := 1 + rng.IntN(len(nodes)-1)
		f.Groups = [][]nodeapi.NodeID{nil, nil}
		for i, p := range perm {
			f.Groups[min(i/cut, 1)] = append(f.Groups[min(i/cut, 1)], nodes[p])
		}
	case scenario.FaultCut, scenario.FaultClogLink, scenario.FaultUnclogLink, scenario.FaultLink:
		f.Peer = pick(rng, all)
		f.Link = &scenario.NetworkConfig{LatencyMin: dur(time.Millisecond),
			LatencyMax: dur(60 * time.Millisecond), Loss: 0.3, Duplicate: 0.1,
			Corrupt: 0.05, Reorder: true}
	case scenario.FaultClock:
		f.Skew = dur(time.Duration(rng.Int64N(int64(4*time.Second))) - 2*time.Second)
		f.DriftPPM = rng.Int64N(200_000) - 100_000
	case scenario.FaultDisk:
		f.Disk = &scenario.DiskConfig{SyncLatencyMin: dur(time.Millisecond),
			SyncLatencyMax: dur(30 * time.Millisecond), SyncFailRate: 0.3,
			ReadCorruptRate: 0.3}
	case scenario.FaultAddVoter, scenario.FaultRemoveVoter:
		f.Node, f.For = pick(rng, all), 0
	case scenario.FaultRestart, scenario.FaultResume, scenario.FaultHeal:
		f.For = 0
	case scenario.FaultTrigger:
		events := append(Events(), nodeapi.EventLeaderElected)
		acts := scenario.ActionKinds()
		act := genFault(rng, acts[rng.IntN(len(acts))], nodes, all)
		if rng.IntN(2) == 0 && act.Kind != scenario.FaultAddVoter {
			act.Node = scenario.SelfTarget
		}
		act.At = dur(time.Duration(rng.Int64N(int64(300 * time.Millisecond))))
		f.On, f.Count, f.Then = events[rng.IntN(len(events))], 1+rng.IntN(4), &act
	}
	return f
}

// benchmarkNet is the standard benchmark network (docs/ARCHITECTURE.md): 1 ms plus up to
// 2 ms, 1% delayed up to 50 ms more, 0.1% lost, 0.1% duplicated, reordering allowed.
var benchmarkNet = scenario.NetworkConfig{LatencyMin: dur(time.Millisecond),
	LatencyMax: dur(3 * time.Millisecond), SpikeRate: 0.01, SpikeMax: dur(50 * time.Millisecond),
	Loss: 0.001, Duplicate: 0.001, Reorder: true}

func runScenario(t *testing.T, s scenario.Scenario, cfg Config) *harness.RunResult {
	t.Helper()
	sys, err := NewSystem(cfg)
	require.NoError(t, err)
	//simfuzz:ok the test times the whole run for its log, from outside the world
	start := time.Now()
	res, err := harness.Run(s, sys, harness.RunOptions{})
	require.NoError(t, err)
	wall := time.Since(start) //simfuzz:ok the same measurement, after the run
	t.Logf("seed %d: %d events, %v simulated, %v wall, %d ops", s.Seed, res.Events,
		res.SimTime, wall, len(res.History))
	if res.Failure != nil {
		for _, line := range res.TraceTail[max(0, len(res.TraceTail)-40):] {
			t.Log(line)
		}
		t.Fatalf("seed %d: %v", s.Seed, res.Failure)
	}
	return res
}

// TestSafety runs 20 fixed seeds of random crashes (leader included, some with torn writes)
// and partitions on 3- and 5-node clusters.
func TestSafety(t *testing.T) {
	kinds := []scenario.FaultKind{scenario.FaultCrash, scenario.FaultPartition,
		scenario.FaultIsolate, scenario.FaultHeal, scenario.FaultRestart}
	for seed := uint64(1); seed <= 20; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := genConfig{nodes: 3 + 2*int(seed%2), clients: 3, safety: 20 * time.Second,
				liveness: 20 * time.Second, faults: 15, kinds: kinds, net: benchmarkNet,
				disk: standardDisk}
			runScenario(t, genScenario(seed, g), DefaultConfig())
		})
	}
}

// TestChaosMonkey runs long random schedules with every fault kind, then heals everything
// and demands liveness. Every other seed snapshots every 50 entries, so that compaction and
// InstallSnapshot run under faults too. SIMFUZZ_CHAOS_SEEDS raises the number of seeds.
func TestChaosMonkey(t *testing.T) {
	seeds := 4
	//simfuzz:ok the test's own setting, read before any world runs
	if v, err := strconv.Atoi(os.Getenv("SIMFUZZ_CHAOS_SEEDS")); err == nil && v > 0 {
		seeds = v
	}
	for seed := uint64(100); seed < 100+uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := genConfig{nodes: 3 + 2*int(seed%2), spares: 1, clients: 3,
				safety: 60 * time.Second, liveness: 30 * time.Second, faults: 60,
				kinds: scenario.FaultKinds(), net: benchmarkNet, disk: standardDisk}
			cfg := DefaultConfig()
			if seed%4 >= 2 {
				cfg.SnapshotThreshold = 50
			}
			runScenario(t, genScenario(seed, g), cfg)
		})
	}
}

// TestDeterminism runs one chaos scenario twice: the same scenario must give the same trace.
func TestDeterminism(t *testing.T) {
	g := genConfig{nodes: 5, spares: 1, clients: 3, safety: 20 * time.Second,
		liveness: 20 * time.Second, faults: 30, kinds: scenario.FaultKinds(), net: benchmarkNet,
		disk: standardDisk}
	s := genScenario(7, g)
	cfg := DefaultConfig()
	cfg.SnapshotThreshold = 50
	a, b := runScenario(t, s, cfg), runScenario(t, s, cfg)
	require.Equal(t, a.TraceHash, b.TraceHash)
	require.Equal(t, a.Events, b.Events)
	require.Equal(t, len(a.History), len(b.History))
}
