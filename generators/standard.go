package generators

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Standard builds the standard benchmark scenario (docs/ARCHITECTURE.md) for one seed, so that our
// figures compare with published peers: nodes Raft nodes, 60 s of virtual time of which the
// last 10 s are quiet, 3 closed-loop clients over 8 keys with 50% reads and 10-90 ms think
// time, a 1 ms + up to 2 ms network with 1% spikes to +50 ms, 0.1% loss and duplication,
// reordering, and a fault mix of partitions, leader isolation, cut links, slow or lossy
// links, crashes (leader included), pauses, sync failures and clock drift.
func Standard(nodes int, seed uint64) scenario.Scenario {
	rng := rand.New(rand.NewPCG(seed, 0x5354414e44415244)) // "STANDARD"
	s := scenario.Scenario{
		Version: scenario.ScenarioVersion, Seed: seed,
		Note:    fmt.Sprintf("standard benchmark scenario, %d nodes, seed %d", nodes, seed),
		Cluster: scenario.ClusterConfig{Nodes: nodeIDs(1, nodes)},
		Network: scenario.NetworkConfig{
			LatencyMin: scenario.Duration(time.Millisecond),
			LatencyMax: scenario.Duration(3 * time.Millisecond),
			SpikeRate:  0.01, SpikeMax: scenario.Duration(50 * time.Millisecond),
			Loss: 0.001, Duplicate: 0.001, Reorder: true,
		},
		Disk: scenario.DiskConfig{SyncLatencyMin: scenario.Duration(200 * time.Microsecond),
			SyncLatencyMax: scenario.Duration(2 * time.Millisecond)},
		Safety:   scenario.Duration(50 * time.Second),
		Liveness: scenario.Duration(10 * time.Second),
	}
	for c := range 3 {
		s.Clients = append(s.Clients, standardClient(rng, c, 50*time.Second))
	}
	s.Faults = standardFaults(rng, s.Cluster.Nodes, 45*time.Second)
	return s
}

// standardClient fills span with operations: about one per 55 ms (think plus service).
func standardClient(rng *rand.Rand, c int, span time.Duration) scenario.ClientScript {
	id := nodeapi.NodeID(fmt.Sprintf("c%d", c+1))
	n := int(span / (55 * time.Millisecond))
	ops := make([]scenario.ClientOp, n)
	for i := range ops {
		op := scenario.ClientOp{
			Think: scenario.Duration(time.Duration(10+rng.IntN(81)) * time.Millisecond),
			Key:   fmt.Sprintf("k%d", rng.IntN(8)),
			Kind:  "get",
		}
		if rng.IntN(2) == 1 {
			op.Kind = []string{"put", "append", "cas"}[rng.IntN(3)]
			op.Value = fmt.Sprintf("%s.%d", id, i)
		}
		ops[i] = op
	}
	return scenario.ClientScript{ID: id, Ops: ops}
}

// standardFaults spreads one fault every ~3 s over span, each lasting 0.5-3 s.
func standardFaults(rng *rand.Rand, nodes []nodeapi.NodeID, span time.Duration) []scenario.Fault {
	pick := func() nodeapi.NodeID { return nodes[rng.IntN(len(nodes))] }
	var faults []scenario.Fault
	for at := time.Second; at < span; at += time.Duration(2000+rng.IntN(2000)) * time.Millisecond {
		f := scenario.Fault{At: scenario.Duration(at),
			For: scenario.Duration(time.Duration(500+rng.IntN(2500)) * time.Millisecond)}
		switch rng.IntN(8) {
		case 0:
			f.Kind, f.Groups = scenario.FaultPartition, [][]nodeapi.NodeID{nodes[:len(nodes)/2]}
		case 1:
			f.Kind, f.Node = scenario.FaultIsolate, scenario.LeaderTarget
		case 2:
			f.Kind, f.Node, f.Peer = scenario.FaultCut, pick(), pick()
		case 3:
			slow := scenario.NetworkConfig{LatencyMin: scenario.Duration(20 * time.Millisecond),
				LatencyMax: scenario.Duration(200 * time.Millisecond), Loss: 0.2}
			f.Kind, f.Node, f.Peer, f.Link = scenario.FaultLink, pick(), pick(), &slow
		case 4:
			f.Kind, f.Node = scenario.FaultCrash, pick()
			if rng.IntN(2) == 0 {
				f.Node = scenario.LeaderTarget
			}
		case 5:
			f.Kind, f.Node = scenario.FaultPause, pick()
		case 6:
			d := scenario.DiskConfig{SyncLatencyMin: scenario.Duration(200 * time.Microsecond),
				SyncLatencyMax: scenario.Duration(20 * time.Millisecond), SyncFailRate: 0.2}
			f.Kind, f.Node, f.Disk = scenario.FaultDisk, pick(), &d
		case 7:
			f.Kind, f.Node, f.DriftPPM = scenario.FaultClock, pick(), int64(rng.IntN(100001)-50000)
		}
		faults = append(faults, f)
	}
	return faults
}
