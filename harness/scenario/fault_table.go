package scenario

import (
	"fmt"
	"math"
	"time"

	"github.com/simfuzz/simfuzz/harness/internal/faulttext"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/netfault"
)

// faultTable is the static spec of every fault kind: its shape, validation, rendering and
// whether generators draw it. FaultKinds lists the kinds in this order. What a fault does
// when it runs is the runner's (package harness keeps one behaviour per kind, and a test
// there fails for a kind without one). To add a kind, add its entry here, its behaviour to
// the runner, and its generator to package generators (or say in notDrawn why there is
// none); a test in package generators fails until one of the two is done.
//
// It is filled by init, not by its declaration, because specs reach code that reads the
// table (a trigger renders and validates its action by the action's spec).
var faultTable []faultSpec

func init() {
	faultTable = append(append(nodeKinds(), networkKinds()...), windowKinds()...)
}

// nodeKinds are the kinds that act on one node.
func nodeKinds() []faultSpec {
	return []faultSpec{{kind: FaultCrash, target: onNode, describe: describeTornFault, undone: true,
		doc: "Node crashes: volatile state and unsynced writes are lost (with Torn, a " +
			"torn prefix of them survives)"},
		{kind: FaultRestart, target: onNode, notDrawn: "it is the undo of crash and stop",
			doc: "a down Node starts again on its durable disk"},
		{kind: FaultStop, target: onNode, undone: true,
			doc: "Node stops gracefully: pending writes become durable first"},
		{kind: FaultPause, target: onNode, undone: true,
			doc: "Node freezes; its due events wait until it resumes"},
		{kind: FaultResume, target: onNode, notDrawn: "it is the undo of pause",
			doc: "a paused Node runs again"},
	}
}

// networkKinds are the kinds that act on the network, its links and the nodes' clocks and
// disks.
func networkKinds() []faultSpec {
	return []faultSpec{{kind: FaultPartition, target: onGroups, undone: true,
		doc: "the named groups cannot reach each other, both ways; endpoints named in no " +
			"group (clients, say) keep reaching every side. It adds to earlier cuts " +
			"(World.Split, not World.Partition, which would cut off every unnamed client)"},
		{kind: FaultCut, target: onLink, persists: true, undone: true,
			doc: "Node -> Peer is blocked, one way; it may persist into the stability window"},
		{kind: FaultIsolate, target: onNode, undone: true,
			doc: "Node is cut off from every other server, both ways; clients still reach it"},
		{kind: FaultHeal, target: onWorld, notDrawn: "it is the undo of partition, cut, isolate",
			doc: "every partition, cut and isolation is removed"},
		{kind: FaultClog, target: onNode, undone: true,
			doc: "every message to or from Node is held at arrival: Node is slow, not cut off"},
		{kind: FaultClogLink, target: onLink, undone: true,
			doc: "every message on Node -> Peer is held at arrival"},
		{kind: FaultUnclog, target: onNode, notDrawn: "it is the undo of clog",
			doc: "the clog on Node lifts; held messages arrive"},
		{kind: FaultUnclogLink, target: onLink, notDrawn: "it is the undo of clog-link",
			doc: "the clog on Node -> Peer lifts; held messages arrive"},
		{kind: FaultLink, target: onLink, describe: describeLinkFault, undone: true,
			doc: "Node -> Peer and Peer -> Node get Link's latency, loss, duplication, " +
				"corruption and reordering",
			check: needs("link", func(f *Fault) bool { return f.Link != nil })},
		{kind: FaultLinkCap, target: onNodeLinks, undone: true,
			describe: func(f Fault) string { return fmt.Sprintf(" capacity %d", f.LinkCapacity()) },
			doc: "each link between Node and Peer (every endpoint, without Peer), both ways, " +
				"carries at most Capacity messages at once (default DefaultLinkCapacity); a " +
				"send onto a full link drops one of its messages, itself included, at random",
			check: checkCapacity},
		{kind: FaultClock, target: onNode, describe: describeClockFault, undone: true,
			doc: "Node's clock steps by Skew and runs DriftPPM fast; the liveness phase keeps " +
				"it, since a correct system tolerates skew"},
		{kind: FaultDisk, target: onNode, describe: describeDiskFault, undone: true,
			doc: "Node's disk gets Disk's sync latency, sync failures (with " +
				"sync_fail_loses_writes, a failed sync loses the writes it covered) and read " +
				"corruption",
			check: needs("disk", func(f *Fault) bool { return f.Disk != nil })},
		{kind: FaultAddVoter, target: onNode, admin: true,
			doc: "Node (a spare, started if need be) is added to the voters through Admin"},
		{kind: FaultRemoveVoter, target: onNode, admin: true,
			doc: "Node is removed from the voters through Admin"},
	}
}

// windowKinds are the kinds that last a window (For) and act on what happens in it.
func windowKinds() []faultSpec {
	return []faultSpec{{kind: FaultCrashStorm, target: onAnyNode, needsFor: true,
		describe: func(f Fault) string {
			return fmt.Sprintf(" rate %.3g per event", f.Rate) + describeTornFault(f)
		},
		check: checkStormRate,
		doc: "for For, after every event of a server node (Node only, the leader for " +
			"LeaderTarget, any for \"\"), crash it with probability Rate and restart it " +
			"after a random delay. A storm crash lands right after a node's handler " +
			"returned, before its pending syncs: the window where reply-before-sync bugs live"},
		{kind: FaultLeaderTrap, target: onWorld, needsFor: true,
			doc: "for For, every newly elected leader is isolated from the other servers the " +
				"moment it wins, before its first appends arrive, for 100 ms to 1.5 s (then " +
				"every partition heals): leaders of successive terms hold entries no one else " +
				"has, the raw material of Figure 8"},
		{kind: FaultTrigger, target: onWorld, needsFor: true,
			describe: describeTrigger, check: checkTrigger,
			doc: "for For, each time a server node reports event On (a protocol moment the " +
				"system names through Reporter, or \"" + nodeapi.EventLeaderElected + "\" for " +
				"any system that reports its leader), up to Count times, the action Then " +
				"happens Then.At later, aimed at the reporting node when its Node is \"@self\": " +
				"faults that strike at the moment a protocol is most fragile (a leader just " +
				"elected, a configuration change just appended) rather than at a random time"},
		{kind: FaultHold, target: onMessages, needsFor: true, describe: describeAgeFault,
			check: checkAgeFault,
			doc: "for For, every datagram from Node to Peer (either empty: any endpoint; Node " +
				"may be @leader), of kind MsgKind if set (as the system's MessageLabeler names " +
				"it), taken with chance Rate (0: every one), arrives a time in [Age/2, Age] " +
				"late (default DefaultAge), overtaken by later messages. The liveness phase " +
				"delivers every datagram still held at once, into the healed cluster"},
		{kind: FaultReplay, target: onMessages, needsFor: true, describe: describeAgeFault,
			check: checkAgeFault,
			doc: "for For, every datagram selected as by hold (Node, Peer, MsgKind, Rate) is " +
				"delivered on time and a copy of it again, a time in [Age/2, Age] later " +
				"(default DefaultAge): an old message re-delivered after the system moved " +
				"on. The liveness phase delivers every copy still travelling at once"},
	}
}

// DefaultLinkCapacity is the capacity of a link-capacity fault that names none: a few
// messages, so that a burst (a leader's appends, a client's retries) overflows it.
const DefaultLinkCapacity = 4

// LinkCapacity is the fault's capacity with the default applied.
func (f Fault) LinkCapacity() int {
	if f.Capacity == 0 {
		return DefaultLinkCapacity
	}
	return f.Capacity
}

func checkCapacity(f *Fault) error {
	if f.Capacity < 0 || f.Capacity > netfault.MaxLinkCapacity {
		return fmt.Errorf("capacity: %d is outside [0, %d] (0: %d)", f.Capacity,
			netfault.MaxLinkCapacity, DefaultLinkCapacity)
	}
	return nil
}

func checkStormRate(f *Fault) error {
	if f.Rate <= 0 || f.Rate > 1 {
		return fmt.Errorf("rate: %v is outside (0, 1]", f.Rate)
	}
	return nil
}

// needs makes a check that the kind's settings field is present.
func needs(field string, present func(*Fault) bool) func(*Fault) error {
	return func(f *Fault) error {
		if !present(f) {
			return fmt.Errorf("%s: a %s fault needs %s settings", field, f.Kind, field)
		}
		return nil
	}
}

// Bounds of the message-age faults (hold, replay).
const (
	// DefaultAge is the age of a hold or replay that names none: held datagrams arrive
	// 5-10 s late, long enough for an election to come and go.
	DefaultAge = 10 * time.Second
	// MaxAge bounds Fault.Age.
	MaxAge = 10 * time.Minute
	// MaxMsgKind bounds the length of Fault.MsgKind.
	MaxMsgKind = 64
)

// MessageAge is the fault's age with the default applied.
func (f Fault) MessageAge() time.Duration {
	if f.Age == 0 {
		return DefaultAge
	}
	return time.Duration(f.Age)
}

func describeAgeFault(f Fault) string {
	return faulttext.Age(f.MsgKind, f.Rate, f.MessageAge())
}

func checkAgeFault(f *Fault) error {
	if math.IsNaN(f.Rate) || f.Rate < 0 || f.Rate > 1 {
		return fmt.Errorf("rate: %v is outside [0, 1] (0: every selected message)", f.Rate)
	}
	return nil
}
