package jepsen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// FaultKind names one real fault of Jepsen mode.
type FaultKind string

// The real faults. Process faults use the operating system; network faults use the
// servers' drop tables; the disk stall uses the admin endpoint.
const (
	FaultKill      FaultKind = "kill"      // kill -9 a server (often the leader), restart later
	FaultCrashAll  FaultKind = "crash-all" // kill -9 every server at once, restart one by one
	FaultPause     FaultKind = "pause"     // SIGSTOP a server, SIGCONT later
	FaultPartition FaultKind = "partition" // split the servers in two groups, both ways
	FaultIsolate   FaultKind = "isolate"   // cut the leader off from the other servers
	FaultCut       FaultKind = "cut"       // drop everything one server sends to another
	FaultLoss      FaultKind = "loss"      // a server drops a fraction of all its traffic
	FaultStall     FaultKind = "stall"     // a server's disk syncs stall (slow disk)
	FaultSyncFail  FaultKind = "fail-sync" // a server's next disk syncs fail (Disk.FailSyncs)
	// FaultLagCrash is a power failure at the worst moment for durability: the leader's
	// disk stalls and a minority of followers is cut off, so new writes reach the disks of
	// only a minority at first; then every server is killed at once, and the leader and the
	// cut-off followers come back first, an election timeout before the others. A write
	// acknowledged before a majority held it durably is lost; a correct system has none.
	FaultLagCrash FaultKind = "lag-crash"
	// FaultLagFollower is the same power failure with the lag on the followers' side: the
	// disks of just enough followers to make a majority with the leader stall, the other
	// followers are cut off, then every server is killed and the followers come back
	// first, the leader an election timeout later. A follower that acknowledged an entry
	// before it was durable has lost it, and the followers elect without it.
	FaultLagFollower FaultKind = "lag-crash-follower"
)

// isLagCrash reports whether k is one of the lag-crash kinds.
func (k FaultKind) isLagCrash() bool { return k == FaultLagCrash || k == FaultLagFollower }

// FaultKinds lists every kind in a fixed order.
func FaultKinds() []FaultKind {
	return []FaultKind{FaultKill, FaultCrashAll, FaultPause, FaultPartition, FaultIsolate,
		FaultCut, FaultLoss, FaultStall, FaultLagCrash, FaultSyncFail, FaultLagFollower}
}

// needsPeers reports whether a kind needs two servers or more to mean anything.
func (k FaultKind) needsPeers() bool {
	return k == FaultPartition || k == FaultIsolate || k == FaultCut
}

// Fault is one scheduled fault: at At after the start it is applied, For later undone.
type Fault struct {
	At, For time.Duration
	Kind    FaultKind
	// Leader aims the fault at whichever server leads when it fires (Node if none does).
	Leader bool
	Node   nodeapi.NodeID
	// Peer is the other end of a cut; Group one side of a partition.
	Peer  nodeapi.NodeID
	Group []nodeapi.NodeID
	// Rate is a loss fault's fraction; Delay a stall's extra time per sync; Syncs how many
	// syncs a fail-sync fault fails.
	Rate  float64
	Delay time.Duration
	Syncs int
}

// String describes the fault as drawn, for the report.
func (f Fault) String() string {
	target := string(f.Node)
	if f.Leader {
		target = "the leader (else " + target + ")"
	}
	var what string
	switch f.Kind {
	case FaultPartition:
		what = fmt.Sprintf("partition %v | rest", f.Group)
	case FaultIsolate:
		what = "isolate the leader"
	case FaultCut:
		what = fmt.Sprintf("cut %s -> %s", f.Node, f.Peer)
	case FaultLoss:
		what = fmt.Sprintf("loss %.0f%% at %s", 100*f.Rate, f.Node)
	case FaultStall:
		what = fmt.Sprintf("stall disk syncs of %s by %v", target, f.Delay)
	case FaultSyncFail:
		what = fmt.Sprintf("fail the next %d disk syncs of %s", f.Syncs, target)
	case FaultCrashAll:
		what = "kill -9 every server"
	case FaultLagCrash:
		what = fmt.Sprintf("stall the leader's disk by %v, cut off a minority, kill -9 "+
			"every server", f.Delay)
	case FaultLagFollower:
		what = fmt.Sprintf("stall the disks of a quorum's followers by %v, cut off the "+
			"others, kill -9 every server, followers back first", f.Delay)
	default:
		what = string(f.Kind) + " " + target
	}
	return fmt.Sprintf("at %6.2fs for %5.2fs: %s", f.At.Seconds(), f.For.Seconds(), what)
}

// Schedule is a run's fault plan: the kinds swarm testing enabled and the faults drawn.
type Schedule struct {
	Kinds  []FaultKind
	Faults []Fault
}

// SwarmKinds draws which fault kinds a run enables (swarm testing): each with probability
// one half, at least one, so that some runs hammer one kind. Kinds that need two servers
// are left out of a one-server cluster.
func SwarmKinds(seed uint64, nodes int) []FaultKind {
	rng := rand.New(rand.NewPCG(seed, 0x737761726d)) // "swarm"
	var kinds []FaultKind
	for _, k := range FaultKinds() {
		if rng.IntN(2) == 0 && (nodes > 1 || !k.needsPeers()) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		kinds = []FaultKind{FaultKill}
	}
	return kinds
}

// ParseKinds reads a comma-separated list of fault kinds.
func ParseKinds(s string) ([]FaultKind, error) {
	var kinds []FaultKind
	for _, name := range strings.Split(s, ",") {
		k := FaultKind(strings.TrimSpace(name))
		if !slices.Contains(FaultKinds(), k) {
			return nil, fmt.Errorf("unknown fault kind %q (known: %s)", k,
				KindNames(FaultKinds()))
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds, nil
}

// DrawSchedule draws the faults of a run from seed, of the given kinds: one fault every
// 1-3 s, each lasting 0.5-3 s, the last ending by span.
func DrawSchedule(seed uint64, nodes []nodeapi.NodeID, span time.Duration,
	kinds []FaultKind) Schedule {
	rng := rand.New(rand.NewPCG(seed, 0x6e656d65736973)) // "nemesis"
	s := Schedule{Kinds: slices.Clone(kinds)}
	if len(s.Kinds) == 0 {
		return s
	}
	for at := time.Second; at < span-time.Second; {
		f := drawFault(rng, s.Kinds, nodes)
		f.At = at
		f.For = min(500*time.Millisecond+time.Duration(rng.Int64N(int64(2500*time.Millisecond))),
			span-at)
		s.Faults = append(s.Faults, f)
		at += time.Second + time.Duration(rng.Int64N(int64(2*time.Second)))
	}
	return s
}

func drawFault(rng *rand.Rand, kinds []FaultKind, nodes []nodeapi.NodeID) Fault {
	pick := func() nodeapi.NodeID { return nodes[rng.IntN(len(nodes))] }
	f := Fault{Kind: kinds[rng.IntN(len(kinds))], Node: pick(), Leader: rng.IntN(2) == 0}
	switch f.Kind {
	case FaultCut:
		f.Leader = false
		for f.Peer = pick(); f.Peer == f.Node; f.Peer = pick() {
		}
	case FaultPartition:
		f.Leader = false
		f.Group = shuffled(rng, nodes)[:1+rng.IntN(len(nodes)/2)]
		slices.Sort(f.Group)
	case FaultIsolate:
		f.Leader = true
	case FaultLoss:
		f.Leader = false
		f.Rate = 0.05 + 0.25*rng.Float64()
	case FaultStall:
		f.Delay = time.Duration(50+rng.IntN(451)) * time.Millisecond
	case FaultSyncFail:
		f.Syncs = 1 + rng.IntN(3)
	case FaultCrashAll:
		f.Leader = false
	case FaultLagCrash, FaultLagFollower:
		f.Leader = true
		f.Delay = time.Duration(300+rng.IntN(501)) * time.Millisecond
		f.Group = shuffled(rng, nodes) // the order in which followers are cut off
	}
	return f
}

// shuffled returns a copy of ids in random order.
func shuffled(rng *rand.Rand, ids []nodeapi.NodeID) []nodeapi.NodeID {
	out := slices.Clone(ids)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// KindNames joins kinds for a report line.
func KindNames(kinds []FaultKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}
