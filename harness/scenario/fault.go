package scenario

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Fault is one scheduled fault. It is a flat record so that scenario files stay plain JSON:
// which fields matter depends on Kind, and the kind's spec (fault_table.go) says which it
// reads, validates and renders. Fields a kind does not read are ignored.
type Fault struct {
	At       Duration           `json:"at"`
	Kind     FaultKind          `json:"kind"`
	Node     nodeapi.NodeID     `json:"node,omitempty"`
	Peer     nodeapi.NodeID     `json:"peer,omitempty"`
	Groups   [][]nodeapi.NodeID `json:"groups,omitempty"`
	For      Duration           `json:"for,omitempty"`
	Torn     bool               `json:"torn,omitempty"`
	Link     *NetworkConfig     `json:"link,omitempty"`
	Disk     *DiskConfig        `json:"disk,omitempty"`
	Skew     Duration           `json:"skew,omitempty"`
	DriftPPM int64              `json:"drift_ppm,omitempty"`
	Rate     float64            `json:"rate,omitempty"`
	// Capacity is the link capacity of a link-capacity fault (0: DefaultLinkCapacity).
	Capacity int `json:"capacity,omitempty"`
	// MsgKind selects the datagrams of one kind for a hold or replay, as the system's
	// MessageLabeler names them ("": every kind).
	MsgKind string `json:"msg_kind,omitempty"`
	// Age bounds how late a held or replayed datagram arrives: a time drawn in
	// [Age/2, Age] (0: DefaultAge).
	Age Duration `json:"age,omitempty"`
	// Persist keeps a cut through the stability window after the liveness phase. Only a
	// single cut may persist: one cut link always leaves a connected majority.
	Persist bool `json:"persist,omitempty"`
	// On, Count and Then make a trigger: for For after At, each time a node reports event
	// On (see Reporter, and EventLeaderElected), up to Count times (0: once), the action
	// Then happens Then.At after the report. Then is a fault of an action kind whose Node
	// may be SelfTarget, the node that reported the event.
	On    string `json:"on,omitempty"`
	Count int    `json:"count,omitempty"`
	Then  *Fault `json:"then,omitempty"`
}
