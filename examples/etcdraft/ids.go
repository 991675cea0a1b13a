package etcdraft

import (
	"hash/fnv"
	"math"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"go.etcd.io/raft/v3"
)

// etcd/raft names replicas by uint64; the node contract names endpoints by string. raftID
// derives one from the other by hashing, so that every node, and every incarnation of it,
// computes the same ID for a name without coordination, including for a spare it has never
// heard of (a membership change carries the name, the entry carries the ID).
//
// The reverse direction (which endpoint to Send a message for ID x to) needs a registry:
// names are learned from the boot peers, from the Context of every configuration change
// applied, from snapshots (which carry the registry) and from the sender of every peer
// message. A message for an ID whose name is not known yet is dropped, as a network would;
// etcd retransmits.

// raftID returns the etcd/raft ID of the endpoint name: FNV-1a, moved off the values etcd
// reserves (0 is None; the two largest are its local storage threads).
func raftID(name nodeapi.NodeID) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	id := h.Sum64()
	if id == raft.None || raft.IsLocalMsgTarget(id) {
		id = math.MaxUint64 / 2 // a name hashing onto a reserved value is astronomically rare
	}
	return id
}

// names is the registry of replica names by raft ID.
type names map[uint64]nodeapi.NodeID

// learn records name; it reports false if another name already holds the same ID (a hash
// collision, which would make two endpoints one replica).
func (ns names) learn(name nodeapi.NodeID) bool {
	id := raftID(name)
	if old, ok := ns[id]; ok {
		return old == name
	}
	ns[id] = name
	return true
}

// sorted returns the registered names in ascending order (for encoding: map order must not
// reach a snapshot's bytes).
func (ns names) sorted() []nodeapi.NodeID {
	out := make([]nodeapi.NodeID, 0, len(ns))
	for _, name := range ns {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// name returns the endpoint of ID id, or "" if it is not known.
func (ns names) name(id uint64) nodeapi.NodeID { return ns[id] }
