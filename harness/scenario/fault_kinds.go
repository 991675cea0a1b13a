package scenario

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// FaultKind names one entry of the fault vocabulary (docs/ARCHITECTURE.md). Each kind has
// one static spec in faultTable (fault_table.go): its shape, validation, description and
// whether generators draw it; the runner (package harness) keeps what it does.
type FaultKind string

// The fault vocabulary. A fault with a non-zero For undoes itself after that long (crash
// restarts, pause resumes, a partition heals, a clog unclogs, a link or disk or clock setting
// returns to the scenario default); with For zero it lasts until the liveness phase heals all.
// The spec of each kind (fault_table.go) says exactly which fields it reads.
const (
	FaultCrash       FaultKind = "crash"         // Node; Torn keeps a torn prefix of unsynced writes
	FaultRestart     FaultKind = "restart"       // Node
	FaultStop        FaultKind = "stop"          // Node: graceful stop
	FaultPause       FaultKind = "pause"         // Node
	FaultResume      FaultKind = "resume"        // Node
	FaultPartition   FaultKind = "partition"     // Groups split apart; others reach all
	FaultCut         FaultKind = "cut"           // Node -> Peer blocked, one way
	FaultIsolate     FaultKind = "isolate"       // Node cut off from the other servers
	FaultHeal        FaultKind = "heal"          // every partition, cut and isolation removed
	FaultClog        FaultKind = "clog"          // Node: its messages held
	FaultClogLink    FaultKind = "clog-link"     // Node -> Peer held
	FaultUnclog      FaultKind = "unclog"        // Node
	FaultUnclogLink  FaultKind = "unclog-link"   // Node -> Peer
	FaultLink        FaultKind = "link"          // Node <-> Peer get Link settings
	FaultLinkCap     FaultKind = "link-capacity" // Node <-> Peer (or all) carry Capacity msgs
	FaultClock       FaultKind = "clock"         // Node gets Skew and DriftPPM
	FaultDisk        FaultKind = "disk"          // Node gets Disk settings
	FaultAddVoter    FaultKind = "add-voter"     // Node (a spare) started and added
	FaultRemoveVoter FaultKind = "remove-voter"  // Node removed from the configuration
	FaultCrashStorm  FaultKind = "crash-storm"   // crashes after events; see its spec
	FaultLeaderTrap  FaultKind = "leader-trap"   // isolates each new leader; see its spec
	FaultTrigger     FaultKind = "trigger"       // On an event, do Then; see its spec
	FaultHold        FaultKind = "hold"          // Node -> Peer datagrams arrive an Age late
	FaultReplay      FaultKind = "replay"        // ... and copies of them again, an Age later
)

// LeaderTarget in Fault.Node means "whichever node leads when the fault fires"; it needs a
// System that implements LeaderReporter, and the fault is skipped when there is no leader.
const LeaderTarget nodeapi.NodeID = "@leader"

// SelfTarget in the Node (or Peer) of a trigger's action means "the node that reported the
// event"; it is valid nowhere else.
const SelfTarget nodeapi.NodeID = "@self"

// FaultKinds lists the vocabulary in the fixed order of the spec table.
func FaultKinds() []FaultKind {
	kinds := make([]FaultKind, len(faultTable))
	for i := range faultTable {
		kinds[i] = faultTable[i].kind
	}
	return kinds
}

// FaultInfo is the part of a kind's spec that other packages need: generators read
// Drawn to know which kinds they must have a generator for (a test checks that they do).
type FaultInfo struct {
	Kind FaultKind
	// Doc says what a fault of the kind does, for reports and listings.
	Doc string
	// Drawn says whether generators draw the kind on its own. When false, NotDrawn says
	// why (it is the undo of another kind, say): a kind is never left out silently.
	Drawn    bool
	NotDrawn string
	// Undone: with For > 0 the runner undoes the fault once For has passed.
	Undone bool
	// OnGroups: the fault acts on Groups of nodes and clients.
	OnGroups bool
	// UsesNode: Node names what the fault acts on, and LeaderTarget there is resolved
	// when the fault fires.
	UsesNode bool
}

// FaultKindInfo returns the public part of k's spec, and false for an unknown kind.
func FaultKindInfo(k FaultKind) (FaultInfo, bool) {
	sp := specOf(k)
	if sp == nil {
		return FaultInfo{}, false
	}
	return FaultInfo{Kind: k, Doc: sp.doc, Drawn: sp.notDrawn == "", NotDrawn: sp.notDrawn,
		Undone: sp.undone, OnGroups: sp.target == onGroups, UsesNode: sp.usesNode()}, true
}

// ChangesMembership reports whether faults add or remove voters: such a scenario needs a
// system whose client implements Admin, and a cluster whose size is not fixed.
func ChangesMembership(faults []Fault) bool {
	for _, f := range faults {
		if sp := specOf(f.Kind); sp != nil && sp.admin {
			return true
		}
		if f.Then != nil && ChangesMembership([]Fault{*f.Then}) {
			return true
		}
	}
	return false
}
