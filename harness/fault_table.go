package harness

import (
	"fmt"
	"math"
	"time"

	"github.com/simfuzz/simfuzz/netfault"
)

// faultTable is the spec of every fault kind; FaultKinds lists them in this order. To add a
// kind, add its entry here and its generator to package generators (or say in notDrawn
// why there is none); a test in package generators fails until one of the two is done.
// It is filled by init, not by its declaration, because specs may reach code that reads
// the table (a trigger fires the spec of its action).
var faultTable []faultSpec

func init() { faultTable = faultSpecs() }

func faultSpecs() []faultSpec {
	return []faultSpec{
		{kind: FaultCrash, target: onNode, describe: describeTornFault, heals: []*healer{healDown},
			doc: "Node crashes: volatile state and unsynced writes are lost (with Torn, a " +
				"torn prefix of them survives)",
			apply: func(r *runner, f Fault) error {
				return r.w.Crash(f.Node, CrashOptions{TornWrite: f.Torn})
			},
			undo: restart},
		{kind: FaultRestart, target: onNode, notDrawn: "it is the undo of crash and stop",
			doc: "a down Node starts again on its durable disk", apply: restart},
		{kind: FaultStop, target: onNode, heals: []*healer{healDown},
			doc:   "Node stops gracefully: pending writes become durable first",
			apply: func(r *runner, f Fault) error { return r.w.Stop(f.Node) },
			undo:  restart},
		{kind: FaultPause, target: onNode, heals: []*healer{healPaused},
			doc:   "Node freezes; its due events wait until it resumes",
			apply: func(r *runner, f Fault) error { return r.w.Pause(f.Node) },
			undo:  func(r *runner, f Fault) error { return r.w.Resume(f.Node) }},
		{kind: FaultResume, target: onNode, notDrawn: "it is the undo of pause",
			doc:   "a paused Node runs again",
			apply: func(r *runner, f Fault) error { return r.w.Resume(f.Node) }},
		{kind: FaultPartition, target: onGroups, heals: []*healer{healNetwork},
			doc: "the named groups cannot reach each other, both ways; endpoints named in no " +
				"group (clients, say) keep reaching every side. It adds to earlier cuts " +
				"(World.Split, not World.Partition, which would cut off every unnamed client)",
			apply: func(r *runner, f Fault) error { return r.w.Split(r.registered(f.Groups)...) },
			undo:  byHealer(healNetwork)},
		{kind: FaultCut, target: onLink, persists: true, heals: []*healer{healNetwork},
			doc:   "Node -> Peer is blocked, one way; it may persist into the stability window",
			apply: func(r *runner, f Fault) error { return r.w.Cut(f.Node, f.Peer) },
			undo:  byHealer(healNetwork)},
		{kind: FaultIsolate, target: onNode, heals: []*healer{healNetwork},
			doc:   "Node is cut off from every other server, both ways; clients still reach it",
			apply: func(r *runner, f Fault) error { return r.w.IsolateFromServers(f.Node) },
			undo:  byHealer(healNetwork)},
		{kind: FaultHeal, target: onWorld, notDrawn: "it is the undo of partition, cut, isolate",
			doc:   "every partition, cut and isolation is removed",
			apply: byHealer(healNetwork)},
		{kind: FaultClog, target: onNode, heals: []*healer{healClogs},
			doc:   "every message to or from Node is held at arrival: Node is slow, not cut off",
			apply: func(r *runner, f Fault) error { return r.w.Clog(f.Node) },
			undo:  func(r *runner, f Fault) error { return r.w.Unclog(f.Node) }},
		{kind: FaultClogLink, target: onLink, heals: []*healer{healClogs},
			doc:   "every message on Node -> Peer is held at arrival",
			apply: func(r *runner, f Fault) error { return r.w.ClogLink(f.Node, f.Peer) },
			undo:  func(r *runner, f Fault) error { return r.w.UnclogLink(f.Node, f.Peer) }},
		{kind: FaultUnclog, target: onNode, notDrawn: "it is the undo of clog",
			doc:   "the clog on Node lifts; held messages arrive",
			apply: func(r *runner, f Fault) error { return r.w.Unclog(f.Node) }},
		{kind: FaultUnclogLink, target: onLink, notDrawn: "it is the undo of clog-link",
			doc:   "the clog on Node -> Peer lifts; held messages arrive",
			apply: func(r *runner, f Fault) error { return r.w.UnclogLink(f.Node, f.Peer) }},
		{kind: FaultLink, target: onLink, describe: describeLinkFault,
			heals: []*healer{healLinks},
			doc: "Node -> Peer and Peer -> Node get Link's latency, loss, duplication, " +
				"corruption and reordering",
			check: needs("link", func(f *Fault) bool { return f.Link != nil }),
			apply: func(r *runner, f Fault) error { return r.setLinkPair(f.Node, f.Peer, *f.Link) },
			undo: func(r *runner, f Fault) error {
				return r.setLinkPair(f.Node, f.Peer, r.s.Network)
			}},
		{kind: FaultLinkCap, target: onNodeLinks,
			describe: func(f Fault) string { return fmt.Sprintf(" capacity %d", f.linkCapacity()) },
			heals:    []*healer{{rank: 5, name: "link capacities", heal: clearCapacities}},
			doc: "each link between Node and Peer (every endpoint, without Peer), both ways, " +
				"carries at most Capacity messages at once (default DefaultLinkCapacity); a " +
				"send onto a full link drops one of its messages, itself included, at random",
			check: checkCapacity,
			apply: func(r *runner, f Fault) error {
				return r.w.SetLinkCapacity(f.Node, f.Peer, f.linkCapacity())
			},
			undo: func(r *runner, f Fault) error { return r.w.SetLinkCapacity(f.Node, f.Peer, 0) }},
		{kind: FaultClock, target: onNode, describe: describeClockFault,
			doc: "Node's clock steps by Skew and runs DriftPPM fast; the liveness phase keeps " +
				"it, since a correct system tolerates skew",
			apply: func(r *runner, f Fault) error {
				return r.w.SetClock(f.Node, time.Duration(f.Skew), f.DriftPPM)
			},
			undo: func(r *runner, f Fault) error { return r.w.SetClock(f.Node, 0, 0) }},
		{kind: FaultDisk, target: onNode, describe: describeDiskFault,
			heals: []*healer{healDisks},
			doc: "Node's disk gets Disk's sync latency, sync failures (with " +
				"sync_fail_loses_writes, a failed sync loses the writes it covered) and read " +
				"corruption",
			check: needs("disk", func(f *Fault) bool { return f.Disk != nil }),
			apply: func(r *runner, f Fault) error {
				return r.w.SetDiskFaults(f.Node, f.Disk.Faults())
			},
			undo: func(r *runner, f Fault) error {
				return r.w.SetDiskFaults(f.Node, r.s.Disk.Faults())
			}},
		{kind: FaultAddVoter, target: onNode, admin: true, announce: true,
			doc:   "Node (a spare, started if need be) is added to the voters through Admin",
			apply: func(r *runner, f Fault) error { return r.addVoter(f.Node) }},
		{kind: FaultRemoveVoter, target: onNode, admin: true, announce: true,
			doc:   "Node is removed from the voters through Admin",
			apply: func(r *runner, f Fault) error { return r.changeVoter(f.Node, false) }},
		{kind: FaultCrashStorm, target: onAnyNode, needsFor: true, announce: true,
			describe: func(f Fault) string {
				return fmt.Sprintf(" rate %.3g per event", f.Rate) + describeTornFault(f)
			},
			check: func(f *Fault) error {
				if f.Rate <= 0 || f.Rate > 1 {
					return fmt.Errorf("rate: %v is outside (0, 1]", f.Rate)
				}
				return nil
			},
			heals: []*healer{healStorms, healDown},
			doc: "for For, after every event of a server node (Node only, the leader for " +
				"LeaderTarget, any for \"\"), crash it with probability Rate and restart it " +
				"after a random delay. A storm crash lands right after a node's handler " +
				"returned, before its pending syncs: the window where reply-before-sync bugs live",
			apply: (*runner).startStorm},
		{kind: FaultLeaderTrap, target: onWorld, needsFor: true, announce: true,
			heals: []*healer{healStorms, healNetwork},
			doc: "for For, every newly elected leader is isolated from the other servers the " +
				"moment it wins, before its first appends arrive, for 100 ms to 1.5 s (then " +
				"every partition heals): leaders of successive terms hold entries no one else " +
				"has, the raw material of Figure 8",
			apply: (*runner).startTrap},
		{kind: FaultTrigger, target: onWorld, needsFor: true, announce: true,
			describe: describeTrigger, check: checkTrigger,
			heals: []*healer{healStorms},
			doc: "for For, each time a server node reports event On (a protocol moment the " +
				"system names through Reporter, or \"" + EventLeaderElected + "\" for any " +
				"system that reports its leader), up to Count times, the action Then happens " +
				"Then.At later, aimed at the reporting node when its Node is \"@self\": " +
				"faults that strike at the moment a protocol is most fragile (a leader just " +
				"elected, a configuration change just appended) rather than at a random time",
			apply: (*runner).startTrigger},
		{kind: FaultHold, target: onMessages, needsFor: true, describe: describeAgeFault,
			heals: []*healer{healAged}, check: checkAgeFault,
			doc: "for For, every datagram from Node to Peer (either empty: any endpoint; Node " +
				"may be @leader), of kind MsgKind if set (as the system's MessageLabeler names " +
				"it), taken with chance Rate (0: every one), arrives a time in [Age/2, Age] " +
				"late (default DefaultAge), overtaken by later messages. The liveness phase " +
				"delivers every datagram still held at once, into the healed cluster",
			apply: func(r *runner, f Fault) error { return r.startAging(f, false) }},
		{kind: FaultReplay, target: onMessages, needsFor: true, describe: describeAgeFault,
			heals: []*healer{healAged}, check: checkAgeFault,
			doc: "for For, every datagram selected as by hold (Node, Peer, MsgKind, Rate) is " +
				"delivered on time and a copy of it again, a time in [Age/2, Age] later " +
				"(default DefaultAge): an old message re-delivered after the system moved " +
				"on. The liveness phase delivers every copy still travelling at once",
			apply: func(r *runner, f Fault) error { return r.startAging(f, true) }},
	}
}

// DefaultLinkCapacity is the capacity of a link-capacity fault that names none: a few
// messages, so that a burst (a leader's appends, a client's retries) overflows it.
const DefaultLinkCapacity = 4

// linkCapacity is the fault's capacity with the default applied.
func (f Fault) linkCapacity() int {
	if f.Capacity == 0 {
		return DefaultLinkCapacity
	}
	return f.Capacity
}

func clearCapacities(r *runner) { r.w.ClearLinkCapacities() }

func checkCapacity(f *Fault) error {
	if f.Capacity < 0 || f.Capacity > netfault.MaxLinkCapacity {
		return fmt.Errorf("capacity: %d is outside [0, %d] (0: %d)", f.Capacity,
			netfault.MaxLinkCapacity, DefaultLinkCapacity)
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

func restart(r *runner, f Fault) error { return r.w.Restart(f.Node) }

// byHealer makes an apply or undo out of a healer.
func byHealer(h *healer) func(r *runner, f Fault) error {
	return func(r *runner, _ Fault) error {
		h.heal(r)
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

// messageAge is the fault's age with the default applied.
func (f Fault) messageAge() time.Duration {
	if f.Age == 0 {
		return DefaultAge
	}
	return time.Duration(f.Age)
}

func describeAgeFault(f Fault) string { return ageText(f.MsgKind, f.Rate, f.messageAge()) }

func checkAgeFault(f *Fault) error {
	if math.IsNaN(f.Rate) || f.Rate < 0 || f.Rate > 1 {
		return fmt.Errorf("rate: %v is outside [0, 1] (0: every selected message)", f.Rate)
	}
	return nil
}

// startAging applies a hold or replay and ends it once For has passed. Datagrams it took
// still arrive late; the liveness phase brings them forward (healAged).
func (r *runner) startAging(f Fault, replay bool) error {
	id, err := r.w.AgeMessages(MessageAge{From: f.Node, To: f.Peer, Kind: f.MsgKind,
		Rate: f.Rate, Age: f.messageAge(), Replay: replay})
	if err != nil {
		return err
	}
	r.w.After(time.Duration(f.For), func() { r.w.EndAging(id) })
	return nil
}
