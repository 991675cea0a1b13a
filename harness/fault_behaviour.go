package harness

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// behaviour is what the runner does with a fault of one kind; the kind's shape, validation
// and rendering are its static spec in package scenario.
type behaviour struct {
	// apply makes the fault happen; undo reverses it once For has passed (nil: the kind
	// has no undo, and For, if read at all, is its window). A test checks that undo is set
	// exactly for the kinds whose spec says they are undone.
	apply, undo func(r *runner, f scenario.Fault) error
	// heals end what the kind may have left behind when the liveness phase begins. Kinds
	// share healers; each runs once, in rank order (see healAll).
	heals []*healer
	// announce: apply does not annotate the timeline itself, so the runner does.
	announce bool
}

// behaviours holds the behaviour of every fault kind, keyed by kind. It is filled by
// init, not by its declaration, because behaviours reach code that reads it (a trigger
// fires the behaviour of its action).
var behaviours map[scenario.FaultKind]*behaviour

func init() {
	behaviours = map[scenario.FaultKind]*behaviour{}
	for _, part := range []map[scenario.FaultKind]*behaviour{nodeBehaviours(), networkBehaviours(),
		windowBehaviours()} {
		for k, b := range part {
			behaviours[k] = b
		}
	}
}

// behaviourOf returns k's behaviour; the scenario was validated, so k is a known kind.
func behaviourOf(k scenario.FaultKind) *behaviour {
	b, ok := behaviours[k]
	if !ok {
		panic("harness: fault kind " + string(k) + " has no behaviour")
	}
	return b
}

func nodeBehaviours() map[scenario.FaultKind]*behaviour {
	return map[scenario.FaultKind]*behaviour{
		scenario.FaultCrash: {heals: []*healer{healDown}, undo: restart,
			apply: func(r *runner, f scenario.Fault) error {
				return r.w.Crash(f.Node, sim.CrashOptions{TornWrite: f.Torn})
			}},
		scenario.FaultRestart: {apply: restart},
		scenario.FaultStop: {heals: []*healer{healDown}, undo: restart,
			apply: func(r *runner, f scenario.Fault) error { return r.w.Stop(f.Node) }},
		scenario.FaultPause: {heals: []*healer{healPaused},
			apply: func(r *runner, f scenario.Fault) error { return r.w.Pause(f.Node) },
			undo:  func(r *runner, f scenario.Fault) error { return r.w.Resume(f.Node) }},
		scenario.FaultResume: {
			apply: func(r *runner, f scenario.Fault) error { return r.w.Resume(f.Node) }},
		scenario.FaultAddVoter: {announce: true,
			apply: func(r *runner, f scenario.Fault) error { return r.addVoter(f.Node) }},
		scenario.FaultRemoveVoter: {announce: true,
			apply: func(r *runner, f scenario.Fault) error { return r.changeVoter(f.Node, false) }},
	}
}

func networkBehaviours() map[scenario.FaultKind]*behaviour {
	return map[scenario.FaultKind]*behaviour{
		scenario.FaultPartition: {heals: []*healer{healNetwork}, undo: byHealer(healNetwork),
			apply: func(r *runner, f scenario.Fault) error { return r.w.Split(r.registered(f.Groups)...) }},
		scenario.FaultCut: {heals: []*healer{healNetwork}, undo: byHealer(healNetwork),
			apply: func(r *runner, f scenario.Fault) error { return r.w.Cut(f.Node, f.Peer) }},
		scenario.FaultIsolate: {heals: []*healer{healNetwork}, undo: byHealer(healNetwork),
			apply: func(r *runner, f scenario.Fault) error { return r.w.IsolateFromServers(f.Node) }},
		scenario.FaultHeal: {apply: byHealer(healNetwork)},
		scenario.FaultClog: {heals: []*healer{healClogs},
			apply: func(r *runner, f scenario.Fault) error { return r.w.Clog(f.Node) },
			undo:  func(r *runner, f scenario.Fault) error { return r.w.Unclog(f.Node) }},
		scenario.FaultClogLink: {heals: []*healer{healClogs},
			apply: func(r *runner, f scenario.Fault) error { return r.w.ClogLink(f.Node, f.Peer) },
			undo:  func(r *runner, f scenario.Fault) error { return r.w.UnclogLink(f.Node, f.Peer) }},
		scenario.FaultUnclog: {
			apply: func(r *runner, f scenario.Fault) error { return r.w.Unclog(f.Node) }},
		scenario.FaultUnclogLink: {
			apply: func(r *runner, f scenario.Fault) error { return r.w.UnclogLink(f.Node, f.Peer) }},
		scenario.FaultLink: {heals: []*healer{healLinks},
			apply: func(r *runner, f scenario.Fault) error { return r.setLinkPair(f.Node, f.Peer, *f.Link) },
			undo: func(r *runner, f scenario.Fault) error {
				return r.setLinkPair(f.Node, f.Peer, r.s.Network)
			}},
		scenario.FaultLinkCap: {heals: []*healer{healCapacities},
			apply: func(r *runner, f scenario.Fault) error {
				return r.w.SetLinkCapacity(f.Node, f.Peer, f.LinkCapacity())
			},
			undo: func(r *runner, f scenario.Fault) error { return r.w.SetLinkCapacity(f.Node, f.Peer, 0) }},
		scenario.FaultClock: {
			apply: func(r *runner, f scenario.Fault) error {
				return r.w.SetClock(f.Node, time.Duration(f.Skew), f.DriftPPM)
			},
			undo: func(r *runner, f scenario.Fault) error { return r.w.SetClock(f.Node, 0, 0) }},
		scenario.FaultDisk: {heals: []*healer{healDisks},
			apply: func(r *runner, f scenario.Fault) error {
				return r.w.SetDiskFaults(f.Node, DiskFaults(*f.Disk))
			},
			undo: func(r *runner, f scenario.Fault) error {
				return r.w.SetDiskFaults(f.Node, DiskFaults(r.s.Disk))
			}},
	}
}

func windowBehaviours() map[scenario.FaultKind]*behaviour {
	return map[scenario.FaultKind]*behaviour{
		scenario.FaultCrashStorm: {announce: true, heals: []*healer{healStorms, healDown},
			apply: (*runner).startStorm},
		scenario.FaultLeaderTrap: {announce: true, heals: []*healer{healStorms, healNetwork},
			apply: (*runner).startTrap},
		scenario.FaultTrigger: {announce: true, heals: []*healer{healStorms},
			apply: (*runner).startTrigger},
		scenario.FaultHold: {heals: []*healer{healAged},
			apply: func(r *runner, f scenario.Fault) error { return r.startAging(f, false) }},
		scenario.FaultReplay: {heals: []*healer{healAged},
			apply: func(r *runner, f scenario.Fault) error { return r.startAging(f, true) }},
	}
}

func restart(r *runner, f scenario.Fault) error { return r.w.Restart(f.Node) }

// byHealer makes an apply or undo out of a healer.
func byHealer(h *healer) func(r *runner, f scenario.Fault) error {
	return func(r *runner, _ scenario.Fault) error {
		h.heal(r)
		return nil
	}
}

// startAging applies a hold or replay and ends it once For has passed. Datagrams it took
// still arrive late; the liveness phase brings them forward (healAged).
func (r *runner) startAging(f scenario.Fault, replay bool) error {
	id, err := r.w.AgeMessages(sim.MessageAge{From: f.Node, To: f.Peer, Kind: f.MsgKind,
		Rate: f.Rate, Age: f.MessageAge(), Replay: replay})
	if err != nil {
		return err
	}
	r.w.After(time.Duration(f.For), func() { r.w.EndAging(id) })
	return nil
}
