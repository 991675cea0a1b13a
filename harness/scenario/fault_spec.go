package scenario

import (
	"fmt"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/internal/faulttext"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// faultSpec is the static part of a fault kind: its shape, how it is validated and
// rendered, and whether generators draw it. What a fault of the kind does when it runs
// (apply, undo, heal) is the runner's, keyed by kind in package harness.
type faultSpec struct {
	kind FaultKind
	// doc says what the fault does; FaultKindInfo hands it out.
	doc string
	// target says what Node, Peer and Groups name (the fault's typed shape).
	target faultTarget
	// describe renders the kind's own fields for String, each after a space; nil if the
	// kind has none beyond its target.
	describe func(f Fault) string
	// needsFor: the fault is a window (a storm, a trap) and must have a duration.
	needsFor bool
	// undone: with For > 0 the runner undoes the fault once For has passed.
	undone bool
	// persists: the fault may carry Persist (see Scenario.Stability).
	persists bool
	// admin: the fault changes membership through the system's Admin client.
	admin bool
	// check validates the kind's own fields beyond the target; nil if none.
	check func(f *Fault) error
	// notDrawn says why generators leave the kind out; empty means they draw it.
	notDrawn string
}

// faultTarget is what a fault acts on.
type faultTarget uint8

const (
	onWorld     faultTarget = iota // nothing named: the whole world
	onNode                         // Node, or LeaderTarget resolved when the fault fires
	onLink                         // Node (or LeaderTarget) -> Peer
	onNodeLinks                    // Node (or LeaderTarget) and, optionally, Peer
	onGroups                       // Groups of nodes and clients
	onAnyNode                      // Node optional: "" any server, LeaderTarget at each event
	onMessages                     // datagrams from Node (or LeaderTarget) to Peer; "" is any
)

// specOf returns k's spec, or nil for an unknown kind.
func specOf(k FaultKind) *faultSpec {
	for i := range faultTable {
		if faultTable[i].kind == k {
			return &faultTable[i]
		}
	}
	return nil
}

// timed reports whether For means something for the kind (an undo delay or a window).
func (sp *faultSpec) timed() bool { return sp.undone || sp.needsFor }

// usesNode reports whether Node names a target that LeaderTarget resolves at fire time.
func (sp *faultSpec) usesNode() bool {
	return sp.target == onNode || sp.target == onLink || sp.target == onNodeLinks ||
		sp.target == onMessages
}

// String renders the fault on one line for reports, e.g. "at 1.2s crash n2 for 800ms". Only
// the fields the kind reads are shown.
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "at %v %s", time.Duration(f.At), f.Kind)
	sp := specOf(f.Kind)
	if sp == nil {
		return b.String()
	}
	sp.writeTarget(&b, f)
	if sp.describe != nil {
		b.WriteString(sp.describe(f))
	}
	if f.Persist && sp.persists {
		b.WriteString(" persistent")
	}
	if f.For > 0 && sp.timed() {
		fmt.Fprintf(&b, " for %v", time.Duration(f.For))
	}
	return b.String()
}

func (sp *faultSpec) writeTarget(b *strings.Builder, f Fault) {
	switch sp.target {
	case onNode:
		fmt.Fprintf(b, " %s", f.Node)
	case onLink:
		fmt.Fprintf(b, " %s->%s", f.Node, f.Peer)
	case onNodeLinks:
		if f.Peer == "" {
			fmt.Fprintf(b, " %s<->all", f.Node)
		} else {
			fmt.Fprintf(b, " %s<->%s", f.Node, f.Peer)
		}
	case onGroups:
		parts := make([]string, len(f.Groups))
		for i, g := range f.Groups {
			parts[i] = fmt.Sprint(g)
		}
		fmt.Fprintf(b, " %s", strings.Join(parts, " | "))
	case onAnyNode:
		target := f.Node
		if target == "" {
			target = "any node"
		}
		fmt.Fprintf(b, " %s", target)
	case onMessages:
		fmt.Fprintf(b, " %s", faulttext.Link(string(f.Node), string(f.Peer)))
	}
}

// The describe functions of the settings fields that kinds share: torn crashes, link,
// disk and clock settings.
func describeTornFault(f Fault) string {
	if f.Torn {
		return " torn"
	}
	return ""
}

func describeLinkFault(f Fault) string {
	if l := f.Link; l != nil {
		return fmt.Sprintf(" latency %v-%v loss %.3g dup %.3g", time.Duration(l.LatencyMin),
			time.Duration(l.LatencyMax), l.Loss, l.Duplicate)
	}
	return ""
}

func describeDiskFault(f Fault) string {
	d := f.Disk
	if d == nil {
		return ""
	}
	text := fmt.Sprintf(" sync %v-%v fail %.3g corrupt-read %.3g",
		time.Duration(d.SyncLatencyMin), time.Duration(d.SyncLatencyMax), d.SyncFailRate,
		d.ReadCorruptRate)
	if d.SyncFailLosesWrites {
		text += " fsyncgate"
	}
	return text
}

func describeClockFault(f Fault) string {
	return fmt.Sprintf(" skew %v drift %dppm", time.Duration(f.Skew), f.DriftPPM)
}

// validateTarget checks that the fault names what its kind acts on.
func (sp *faultSpec) validateTarget(f *Fault, ids map[nodeapi.NodeID]bool) error {
	known := func(field string, id nodeapi.NodeID, leaderOK bool) error {
		if ids[id] || (leaderOK && id == LeaderTarget) {
			return nil
		}
		return fmt.Errorf("%s: unknown node %q", field, id)
	}
	switch sp.target {
	case onNode:
		return known("node", f.Node, true)
	case onLink:
		if err := known("node", f.Node, true); err != nil {
			return err
		}
		return known("peer", f.Peer, false)
	case onNodeLinks:
		if err := known("node", f.Node, true); err != nil || f.Peer == "" {
			return err
		}
		return known("peer", f.Peer, false)
	case onGroups:
		return validateGroups(f.Groups, known)
	case onAnyNode:
		if f.Node != "" {
			return known("node", f.Node, true)
		}
	case onMessages:
		if f.Node != "" {
			if err := known("node", f.Node, true); err != nil {
				return err
			}
		}
		if f.Peer != "" {
			return known("peer", f.Peer, false)
		}
	}
	return nil
}

// validateKind checks what the kind's spec demands beyond the target.
func (sp *faultSpec) validateKind(f *Fault) error {
	if sp.needsFor && f.For <= 0 {
		return fmt.Errorf("for: a %s needs a duration", strings.ReplaceAll(string(sp.kind),
			"-", " "))
	}
	if f.Persist && !sp.persists {
		return fmt.Errorf("persist: only a %s can persist, not %s", persistingKinds(), f.Kind)
	}
	if sp.check != nil {
		return sp.check(f)
	}
	return nil
}

// persistingKinds names the kinds that may persist, for error messages.
func persistingKinds() string {
	var names []string
	for i := range faultTable {
		if faultTable[i].persists {
			names = append(names, string(faultTable[i].kind))
		}
	}
	return strings.Join(names, " or ")
}
