package etcdraft

import (
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
	pb "go.etcd.io/raft/v3/raftpb"
	"google.golang.org/protobuf/proto"
)

// A node that finds nothing on its disk starts from one of two states.
//
// An initial voter (Boot.Peers lists the cluster) starts from the bootstrap snapshot: index
// 1, term 1, the peers as voters, an empty state machine. This is the bootstrap etcd's
// RawNode documentation recommends over its Bootstrap method. Every initial voter builds
// the same snapshot from the same list, so they agree on "entry 1" without exchanging it,
// and a voter whose disk lost everything before its first sync starts again exactly where it
// did. Entries then start at index 2, so a spare always joins through a snapshot.
//
// A spare (no peers) starts empty: no configuration, so it never campaigns; it waits for
// the leader that added it to send a snapshot.

// bootstrapIndex and bootstrapTerm place the bootstrap snapshot.
const (
	bootstrapIndex = 1
	bootstrapTerm  = 1
)

// bootstrapState is the durable state of an initial voter that has written nothing yet.
func bootstrapState(peers []nodeapi.NodeID) (*durableState, error) {
	ns := names{}
	voters := make([]uint64, 0, len(peers))
	for _, p := range peers {
		if !ns.learn(p) {
			return nil, fmt.Errorf("etcdraft: peers %q and %q hash to one raft ID", p,
				ns.name(raftID(p)))
		}
		voters = append(voters, raftID(p))
	}
	e := wire.Encoder{}
	newKVStore().encode(&e, ns)
	snap := &pb.Snapshot{Data: e.Buf, Metadata: &pb.SnapshotMetadata{
		Index: new(uint64(bootstrapIndex)), Term: new(uint64(bootstrapTerm)),
		ConfState: pb.EnsureConfState(&pb.ConfState{Voters: voters}),
	}}
	hs := &pb.HardState{Term: new(uint64(bootstrapTerm)), Vote: new(uint64(0)),
		Commit: new(uint64(bootstrapIndex))}
	return &durableState{snap: snap, hs: hs}, nil
}

// learnConfNames registers the names carried by the configuration changes in ents, so
// that a restarted node can address the voters added after its snapshot.
func learnConfNames(ns names, ents []*pb.Entry) {
	for _, e := range ents {
		if e.GetType() != pb.EntryType_EntryConfChange {
			continue
		}
		var cc pb.ConfChange
		if proto.Unmarshal(e.GetData(), &cc) != nil {
			continue // a damaged entry fails loudly when it is applied
		}
		if ctx, err := decodeConfContext(cc.GetContext()); err == nil {
			ns.learn(ctx.name)
		}
	}
}
