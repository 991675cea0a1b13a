package generators

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// drawFaults draws the fault schedule from the enabled kinds, sorted by time.
func drawFaults(t *rapid.T, o Options, sw swarm, s scenario.Scenario) []scenario.Fault {
	if len(sw.kinds) == 0 || o.MaxFaults == 0 {
		return nil
	}
	sc := scene{Scenario: s, o: o}
	gen := rapid.Custom(func(t *rapid.T) []scenario.Fault {
		return drawFaultGroup(t, sw.pick(t), sc)
	})
	var faults []scenario.Fault
	for _, group := range rapid.SliceOfN(gen, 0, o.MaxFaults).Draw(t, "faults") {
		faults = append(faults, group...)
	}
	slices.SortStableFunc(faults, func(a, b scenario.Fault) int { return cmp.Compare(a.At, b.At) })
	return faults
}

// scene is what a drawer sees: the scenario drawn so far (cluster, network, disk, clients)
// and the options it is drawn within.
type scene struct {
	scenario.Scenario
	o Options
}

// drawer draws the kind-specific fields of f; drawFault has drawn At and For already.
type drawer func(t *rapid.T, f *scenario.Fault, s scene)

// drawers is the generator of every fault kind that generators draw on its own: for each
// kind of scenario.FaultKinds, the kind's spec says whether it is drawn (FaultInfo.Drawn),
// and TestEveryKindIsDrawnOrExcused fails unless this map agrees with it.
var drawers = map[scenario.FaultKind]drawer{
	scenario.FaultPartition: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Groups = drawSplit(t, s.Cluster.Nodes)
		addClientsToSides(t, f.Groups, s.Clients)
	},
	scenario.FaultCut: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node, f.Peer = drawPair(t, s.Cluster.Nodes)
		f.Persist = rapid.Bool().Draw(t, "fault.persist")
	},
	scenario.FaultIsolate: drawNode,
	scenario.FaultClog:    drawNode,
	scenario.FaultClogLink: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node, f.Peer = drawPair(t, s.Cluster.Nodes)
	},
	scenario.FaultLink: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node, f.Peer = drawPair(t, s.Cluster.Nodes)
		f.Link = drawBadLink(t, s.Network)
	},
	scenario.FaultLinkCap: drawLinkCapacity,
	scenario.FaultClock: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node = rapid.SampledFrom(s.Cluster.Nodes).Draw(t, "fault.node")
		f.Skew = drawDuration(t, "skew", -time.Second, time.Second, 10*time.Millisecond)
		f.DriftPPM = int64(intRange(-50000, 50000).Draw(t, "drift_ppm"))
	},
	scenario.FaultDisk: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node = rapid.SampledFrom(s.Cluster.Nodes).Draw(t, "fault.node")
		f.Disk = drawBadDisk(t, s.Disk)
	},
	scenario.FaultCrashStorm: func(t *rapid.T, f *scenario.Fault, s scene) {
		if rapid.Bool().Draw(t, "storm.targeted") {
			f.Node = drawTarget(t, s.Cluster.Nodes)
		}
		f.Rate = rapid.SampledFrom([]float64{0.01, 0.05, 0.2}).Draw(t, "storm.rate")
		f.Torn = rapid.Bool().Draw(t, "torn")
		f.For = max(f.For, scenario.Duration(100*time.Millisecond))
	},
	scenario.FaultLeaderTrap: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.For = max(f.For, scenario.Duration(time.Second))
	},
	scenario.FaultPause: drawNode,
	scenario.FaultCrash: func(t *rapid.T, f *scenario.Fault, s scene) {
		drawNode(t, f, s)
		f.Torn = rapid.Bool().Draw(t, "torn")
	},
	scenario.FaultStop: drawNode,
	scenario.FaultAddVoter: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node, f.For = rapid.SampledFrom(s.Cluster.Spares).Draw(t, "fault.spare"), 0
	},
	scenario.FaultTrigger: drawTrigger,
	scenario.FaultHold:    drawMessageAge,
	scenario.FaultReplay:  drawMessageAge,
	scenario.FaultRemoveVoter: func(t *rapid.T, f *scenario.Fault, s scene) {
		f.Node = drawTarget(t, append(slices.Clone(s.Cluster.Nodes), s.Cluster.Spares...))
		f.For = 0
	},
}

// DrawnKinds are the fault kinds generators draw on their own, in the order of
// scenario.FaultKinds: those whose spec says they are drawn.
func DrawnKinds() []scenario.FaultKind {
	var kinds []scenario.FaultKind
	for _, k := range scenario.FaultKinds() {
		if info, _ := scenario.FaultKindInfo(k); info.Drawn {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// drawFault draws one fault of kind k: the time and duration every kind has, then the
// fields of the kind from its drawer.
func drawFault(t *rapid.T, k scenario.FaultKind, s scene) scenario.Fault {
	safety := time.Duration(s.Safety)
	f := scenario.Fault{Kind: k,
		At:  drawDuration(t, "fault.at", 0, safety, 10*time.Millisecond),
		For: drawDuration(t, "fault.for", 0, 3*time.Second, 50*time.Millisecond),
	}
	draw, ok := drawers[k]
	if !ok {
		panic(fmt.Sprintf("generators: no drawer for fault kind %q", k))
	}
	draw(t, &f, s)
	return f
}

// drawNode targets a node, or the leader of the moment.
func drawNode(t *rapid.T, f *scenario.Fault, s scene) {
	f.Node = drawTarget(t, s.Cluster.Nodes)
}

// drawLinkCapacity congests the links of one node: with one peer, or with every endpoint
// (a node whose network card is overwhelmed). Capacities are small, so that a burst of a
// leader's appends or a client's retries overflows them.
func drawLinkCapacity(t *rapid.T, f *scenario.Fault, s scene) {
	nodes := s.Cluster.Nodes
	if len(nodes) > 1 && rapid.Bool().Draw(t, "capacity.one_peer") {
		f.Node, f.Peer = drawPair(t, nodes)
	} else {
		f.Node = drawTarget(t, nodes)
	}
	f.Capacity = rapid.SampledFrom([]int{4, 2, 1, 8}).Draw(t, "capacity")
}

// drawMessageAge aims a hold or replay: at every link, at the messages of one node (or of
// the leader), or at one link; at every kind of message or at one kind the target labels
// (Options.MessageKinds); at every selected message or at a fraction; with an age that
// spans elections (the default, 5-10 s), is short (1-2 s) or long (15-30 s). Each choice
// shrinks to the simplest form: any link, any kind, every message, the default age.
func drawMessageAge(t *rapid.T, f *scenario.Fault, s scene) {
	switch intRange(0, 2).Draw(t, "age.scope") {
	case 1:
		f.Node = drawTarget(t, s.Cluster.Nodes)
	case 2:
		f.Node, f.Peer = drawPair(t, s.Cluster.Nodes)
		if f.Peer == f.Node { // one node: a node sends itself nothing, its clients much
			f.Peer = ""
		}
	}
	if len(s.o.MessageKinds) > 0 && rapid.Bool().Draw(t, "age.by_kind") {
		f.MsgKind = rapid.SampledFrom(s.o.MessageKinds).Draw(t, "age.msg_kind")
	}
	f.Rate = rapid.SampledFrom([]float64{0, 0.5, 0.1}).Draw(t, "age.rate")
	f.Age = rapid.SampledFrom([]scenario.Duration{0, scenario.Duration(2 * time.Second),
		scenario.Duration(30 * time.Second)}).Draw(t, "age.age")
	f.For = max(f.For, scenario.Duration(500*time.Millisecond))
}

// drawTarget picks a node, or the leader of the moment (which is where bugs hide).
func drawTarget(t *rapid.T, nodes []nodeapi.NodeID) nodeapi.NodeID {
	if intRange(0, 3).Draw(t, "fault.at_leader") == 3 {
		return scenario.LeaderTarget
	}
	return rapid.SampledFrom(nodes).Draw(t, "fault.node")
}

func drawPair(t *rapid.T, nodes []nodeapi.NodeID) (nodeapi.NodeID, nodeapi.NodeID) {
	if len(nodes) < 2 {
		return nodes[0], nodes[0]
	}
	i := intRange(0, len(nodes)-1).Draw(t, "fault.from")
	j := intRange(0, len(nodes)-2).Draw(t, "fault.to")
	if j >= i {
		j++
	}
	return nodes[i], nodes[j]
}

// drawSplit assigns each node to one of two sides. An empty side would make no partition,
// so the first node is pinned to side 0 and, if no other node chose side 1, the last one
// goes there (the shrunk form: one node cut off from the rest).
func drawSplit(t *rapid.T, nodes []nodeapi.NodeID) [][]nodeapi.NodeID {
	if len(nodes) == 1 {
		return [][]nodeapi.NodeID{{nodes[0]}}
	}
	groups := [][]nodeapi.NodeID{{nodes[0]}, nil}
	for _, id := range nodes[1:] {
		side := 0
		if rapid.Bool().Draw(t, "fault.side") {
			side = 1
		}
		groups[side] = append(groups[side], id)
	}
	if len(groups[1]) == 0 && len(groups[0]) > 1 {
		last := len(groups[0]) - 1
		groups[1], groups[0] = groups[0][last:], groups[0][:last]
	}
	return groups
}

func drawBadLink(t *rapid.T, base scenario.NetworkConfig) *scenario.NetworkConfig {
	l := base
	if rapid.Bool().Draw(t, "link.slow") {
		l.LatencyMin = scenario.Duration(20 * time.Millisecond)
		l.LatencyMax = drawDuration(t, "link.latency", 20*time.Millisecond,
			300*time.Millisecond, 10*time.Millisecond)
	}
	l.Loss = rapid.SampledFrom([]float64{0.1, 0.3, 0.6}).Draw(t, "link.loss")
	return &l
}

func drawBadDisk(t *rapid.T, base scenario.DiskConfig) *scenario.DiskConfig {
	d := base
	d.SyncLatencyMax = drawDuration(t, "disk.sync_latency", time.Duration(base.SyncLatencyMin),
		200*time.Millisecond, time.Millisecond)
	d.SyncFailRate = rapid.SampledFrom([]float64{0, 0.1, 0.5}).Draw(t, "disk.sync_fail_rate")
	d.ReadCorruptRate = rapid.SampledFrom([]float64{0, 0.01}).Draw(t, "disk.read_corrupt")
	d.SyncFailLosesWrites = d.SyncFailRate > 0 && rapid.Bool().Draw(t, "disk.fsyncgate")
	return &d
}

// addClientsToSides lets each client stay connected to every side (the shrunk choice) or
// join one side, cut off from the other: a side that keeps clients keeps taking writes, which
// is how a stale leader grows a log it can never commit.
func addClientsToSides(t *rapid.T, groups [][]nodeapi.NodeID, clients []scenario.ClientScript) {
	if len(groups) < 2 {
		return
	}
	for _, c := range clients {
		if side := intRange(0, 2).Draw(t, "fault.client_side"); side > 0 {
			groups[side-1] = append(groups[side-1], c.ID)
		}
	}
}

// drawTrigger arms a trigger on an event the target reports (or a new leader) for a window
// of 1-8 s, firing 1-4 times; its action is aimed at the reporting node or chosen like any
// fault, and strikes 0-500 ms after the event. Shrinking heads to one firing, at once,
// at the reporting node.
func drawTrigger(t *rapid.T, f *scenario.Fault, s scene) {
	events := append([]string{nodeapi.EventLeaderElected}, s.o.Events...)
	f.On = rapid.SampledFrom(events).Draw(t, "trigger.on")
	f.Count = intRange(1, 4).Draw(t, "trigger.count")
	f.For = drawDuration(t, "trigger.window", time.Second, 8*time.Second, 100*time.Millisecond)
	var kinds []scenario.FaultKind
	for _, k := range scenario.ActionKinds() {
		if s.o.Membership || !slices.Contains(MembershipKinds(), k) {
			if k != scenario.FaultAddVoter || len(s.Cluster.Spares) > 0 {
				kinds = append(kinds, k)
			}
		}
	}
	act := scenario.Fault{Kind: rapid.SampledFrom(kinds).Draw(t, "trigger.do"),
		At:  drawDuration(t, "trigger.delay", 0, 500*time.Millisecond, 5*time.Millisecond),
		For: drawDuration(t, "trigger.for", 0, 3*time.Second, 50*time.Millisecond)}
	switch act.Kind {
	case scenario.FaultAddVoter:
		act.Node, act.For = rapid.SampledFrom(s.Cluster.Spares).Draw(t, "trigger.spare"), 0
	case scenario.FaultCut, scenario.FaultClogLink:
		act.Node = scenario.SelfTarget
		act.Peer = rapid.SampledFrom(s.Cluster.Nodes).Draw(t, "trigger.peer")
		if rapid.Bool().Draw(t, "trigger.inbound") {
			act.Node, act.Peer = act.Peer, act.Node
		}
	default:
		act.Node = scenario.SelfTarget
		if !rapid.Bool().Draw(t, "trigger.self") {
			act.Node = drawTarget(t, s.Cluster.Nodes)
		}
		if act.Kind == scenario.FaultCrash {
			act.Torn = rapid.Bool().Draw(t, "torn")
		}
	}
	if act.Kind == scenario.FaultRemoveVoter {
		act.For = 0
	}
	f.Then = &act
}
