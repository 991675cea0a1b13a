package harness

import (
	"fmt"
	"strings"
	"time"
)

// FaultKind names one entry of the fault vocabulary (DESIGN.md).
type FaultKind string

// The fault vocabulary. A fault with a non-zero For undoes itself after that long (crash
// restarts, pause resumes, a partition heals, a clog unclogs, a link or disk or clock setting
// returns to the scenario default); with For zero it lasts until the liveness phase heals all.
const (
	FaultCrash       FaultKind = "crash"        // Node; Torn keeps a torn prefix of unsynced writes
	FaultRestart     FaultKind = "restart"      // Node
	FaultStop        FaultKind = "stop"         // Node: graceful stop
	FaultPause       FaultKind = "pause"        // Node
	FaultResume      FaultKind = "resume"       // Node
	FaultPartition   FaultKind = "partition"    // Groups (servers, clients) split; others reach all
	FaultCut         FaultKind = "cut"          // Node -> Peer blocked, one way
	FaultIsolate     FaultKind = "isolate"      // Node cut off from the other servers (not clients)
	FaultHeal        FaultKind = "heal"         // every partition, cut and isolation removed
	FaultClog        FaultKind = "clog"         // Node: its messages held
	FaultClogLink    FaultKind = "clog-link"    // Node -> Peer held
	FaultUnclog      FaultKind = "unclog"       // Node
	FaultUnclogLink  FaultKind = "unclog-link"  // Node -> Peer
	FaultLink        FaultKind = "link"         // Node -> Peer (both ways) gets Link settings
	FaultClock       FaultKind = "clock"        // Node gets Skew and DriftPPM
	FaultDisk        FaultKind = "disk"         // Node gets Disk settings
	FaultAddVoter    FaultKind = "add-voter"    // Node (a spare) started and added
	FaultRemoveVoter FaultKind = "remove-voter" // Node removed from the configuration
	// FaultCrashStorm: for For, after every event of a server node (Node only, the leader
	// for LeaderTarget, any for ""), crash it with probability Rate and restart it after a
	// random delay. A storm crash lands right after a node's handler returned, before its
	// pending syncs: the window where "reply before sync" bugs live.
	FaultCrashStorm FaultKind = "crash-storm"
	// FaultLeaderTrap: for For, every newly elected leader is isolated from the other
	// servers the moment it wins, before its first appends arrive, for 100 ms to 1.5 s
	// (then every partition heals). Leaders of successive terms end up holding entries no
	// one else has: the raw material of Figure 8.
	FaultLeaderTrap FaultKind = "leader-trap"
)

// LeaderTarget in Fault.Node means "whichever node leads when the fault fires"; it needs a
// System that implements LeaderReporter, and the fault is skipped when there is no leader.
const LeaderTarget NodeID = "@leader"

var faultNeeds = map[FaultKind]string{
	FaultCrash: "node", FaultRestart: "node", FaultStop: "node", FaultPause: "node",
	FaultResume: "node", FaultPartition: "groups", FaultCut: "link", FaultIsolate: "node",
	FaultHeal: "", FaultClog: "node", FaultClogLink: "link", FaultUnclog: "node",
	FaultUnclogLink: "link", FaultLink: "link", FaultClock: "node", FaultDisk: "node",
	FaultAddVoter: "node", FaultRemoveVoter: "node", FaultCrashStorm: "storm",
	FaultLeaderTrap: "",
}

// FaultKinds lists the vocabulary in a fixed order.
func FaultKinds() []FaultKind {
	return []FaultKind{FaultCrash, FaultRestart, FaultStop, FaultPause, FaultResume,
		FaultPartition, FaultCut, FaultIsolate, FaultHeal, FaultClog, FaultClogLink,
		FaultUnclog, FaultUnclogLink, FaultLink, FaultClock, FaultDisk, FaultAddVoter,
		FaultRemoveVoter, FaultCrashStorm, FaultLeaderTrap}
}

// Fault is one scheduled fault. Which fields matter depends on Kind (see the constants).
type Fault struct {
	At       Duration       `json:"at"`
	Kind     FaultKind      `json:"kind"`
	Node     NodeID         `json:"node,omitempty"`
	Peer     NodeID         `json:"peer,omitempty"`
	Groups   [][]NodeID     `json:"groups,omitempty"`
	For      Duration       `json:"for,omitempty"`
	Torn     bool           `json:"torn,omitempty"`
	Link     *NetworkConfig `json:"link,omitempty"`
	Disk     *DiskConfig    `json:"disk,omitempty"`
	Skew     Duration       `json:"skew,omitempty"`
	DriftPPM int64          `json:"drift_ppm,omitempty"`
	Rate     float64        `json:"rate,omitempty"`
	// Persist keeps a cut through the stability window after the liveness phase. Only a
	// single cut may persist: one cut link always leaves a connected majority.
	Persist bool `json:"persist,omitempty"`
}

// String renders the fault on one line for reports, e.g. "at 1.2s crash n2 for 800ms".
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "at %v %s", time.Duration(f.At), f.Kind)
	switch faultNeeds[f.Kind] {
	case "node":
		fmt.Fprintf(&b, " %s", f.Node)
	case "storm":
		target := f.Node
		if target == "" {
			target = "any node"
		}
		fmt.Fprintf(&b, " %s rate %.3g per event", target, f.Rate)
	case "link":
		fmt.Fprintf(&b, " %s->%s", f.Node, f.Peer)
	case "groups":
		parts := make([]string, len(f.Groups))
		for i, g := range f.Groups {
			parts[i] = fmt.Sprint(g)
		}
		fmt.Fprintf(&b, " %s", strings.Join(parts, " | "))
	}
	if f.Torn {
		b.WriteString(" torn")
	}
	if f.Persist {
		b.WriteString(" persistent")
	}
	if f.Link != nil {
		l := f.Link
		fmt.Fprintf(&b, " latency %v-%v loss %.3g dup %.3g", time.Duration(l.LatencyMin),
			time.Duration(l.LatencyMax), l.Loss, l.Duplicate)
	}
	if f.Disk != nil {
		fmt.Fprintf(&b, " sync %v-%v fail %.3g corrupt-read %.3g",
			time.Duration(f.Disk.SyncLatencyMin), time.Duration(f.Disk.SyncLatencyMax),
			f.Disk.SyncFailRate, f.Disk.ReadCorruptRate)
	}
	if f.Kind == FaultClock {
		fmt.Fprintf(&b, " skew %v drift %dppm", time.Duration(f.Skew), f.DriftPPM)
	}
	if f.For > 0 {
		fmt.Fprintf(&b, " for %v", time.Duration(f.For))
	}
	return b.String()
}
