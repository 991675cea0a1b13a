package harness

import (
	"cmp"
	"slices"

	"github.com/simfuzz/simfuzz/harness/scenario"
)

// healer ends one kind of leftover (partitions, clogs, down nodes) for the liveness phase.
// rank orders the healers: disks must be healed before down nodes restart on them.
type healer struct {
	rank int
	name string
	heal func(r *runner)
}

// The healers that several kinds share, ranked by the order in which they run: the network
// first, then link and disk settings, then the reactive faults, then the nodes (down ones
// restart on healed disks, paused ones resume). A healer of one kind alone is declared in
// its spec entry, with a rank among these. Each ends one kind of leftover for every
// node, whatever the scenario contained, so the quiet phase starts from a healthy world.
var (
	healNetwork = &healer{rank: 1, name: "partitions", heal: func(r *runner) { r.w.Heal() }}
	healClogs   = &healer{rank: 2, name: "clogs", heal: func(r *runner) { r.w.UnclogAll() }}
	healAged    = &healer{rank: 3, name: "held and replayed messages",
		heal: func(r *runner) { r.w.ReleaseAged() }}
	healCapacities = &healer{rank: 5, name: "link capacities",
		heal: func(r *runner) { r.w.ClearLinkCapacities() }}
	healLinks  = &healer{rank: 4, name: "link settings", heal: (*runner).healLinks}
	healDisks  = &healer{rank: 6, name: "disk faults", heal: (*runner).healDisks}
	healStorms = &healer{rank: 7, name: "storms, traps and triggers", heal: (*runner).stopStorms}
	healPaused = &healer{rank: 8, name: "paused nodes", heal: (*runner).resumeAll}
	healDown   = &healer{rank: 9, name: "down nodes", heal: (*runner).restartAll}
)

// healAll ends every fault for the liveness phase: every healer named by a spec of the
// behaviour table runs once, in rank order. Clock skew stays: a correct system tolerates it.
func (r *runner) healAll() {
	r.healed = true
	r.w.Note("", "liveness phase: all faults healed")
	for _, h := range tableHealers() {
		h.heal(r)
	}
}

// tableHealers lists the distinct healers of the behaviour table in rank order.
func tableHealers() []*healer {
	var hs []*healer
	for _, k := range scenario.FaultKinds() {
		for _, h := range behaviourOf(k).heals {
			if !slices.Contains(hs, h) {
				hs = append(hs, h)
			}
		}
	}
	slices.SortStableFunc(hs, func(a, b *healer) int { return cmp.Compare(a.rank, b.rank) })
	return hs
}

// healLinks returns every link to the scenario's network, with loss and corruption off
// (latency, spikes, duplication and reordering stay; none of them stops a correct system).
// With the scenario's loss left on, the liveness bound judged luck, not the system: a
// correct two-voter Raft cluster on a 5% lossy network lost a message in each of four
// elections in a row once in some 10^5 campaign seeds and missed the 5 s probe bound.
// A system that never retransmits still fails: what it lost before the quiet phase began
// is never answered.
func (r *runner) healLinks() {
	c := r.s.Network
	c.Loss, c.Corrupt = 0, 0
	r.note(scenario.Fault{Kind: scenario.FaultLink}, r.w.SetAllLinks(c.Link()))
}

// healDisks returns every server's disk to the scenario default, with sync failures and
// read corruption off: the liveness phase judges the system on a healthy disk.
func (r *runner) healDisks() {
	disk := r.s.Disk
	disk.SyncFailRate, disk.ReadCorruptRate, disk.SyncFailLosesWrites = 0, 0, false
	for _, id := range r.w.Nodes() {
		r.note(scenario.Fault{Kind: scenario.FaultDisk, Node: id},
			r.w.SetDiskFaults(id, DiskFaults(disk)))
	}
}

// stopStorms ends every crash storm, leader trap and trigger: the faults that react to
// what the system does.
func (r *runner) stopStorms() {
	if r.storms != nil {
		r.storms.active, r.storms.trapUntil = nil, 0
	}
	if r.triggers != nil {
		r.triggers.active = nil
	}
}

// restartAll restarts every down server.
func (r *runner) restartAll() {
	for _, id := range r.w.Nodes() {
		if !r.w.Up(id) {
			r.note(scenario.Fault{Kind: scenario.FaultRestart, Node: id}, r.w.Restart(id))
		}
	}
}

// resumeAll resumes every paused server and client (a pause may name a client).
func (r *runner) resumeAll() {
	for _, id := range append(r.w.Nodes(), r.w.Clients()...) {
		if r.w.Paused(id) {
			r.note(scenario.Fault{Kind: scenario.FaultResume, Node: id}, r.w.Resume(id))
		}
	}
}
