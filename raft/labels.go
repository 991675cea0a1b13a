package raft

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// Message kinds as the harness's message faults name them (nodeapi.MessageLabeler): one per
// wire type, with AppendEntries split into heartbeats (no entries) and appends (entries),
// since the two carry different risks when they arrive late.
const (
	kindPreVote     = "prevote"
	kindPreVoteResp = "prevote-resp"
	kindVote        = "vote"
	kindVoteResp    = "vote-resp"
	kindAppend      = "append"
	kindHeartbeat   = "heartbeat"
	kindAppendResp  = "append-resp"
	kindSnapshot    = "snapshot"
	kindTimeoutNow  = "timeout-now"
	kindClient      = "client"
	kindClientResp  = "client-resp"
	kindAdmin       = "admin"
	kindAdminResp   = "admin-resp"
)

var _ nodeapi.MessageLabeler = (*System)(nil)

// typeKinds labels each wire type; msgApp's label depends on its entries (see MessageKind).
var typeKinds = [...]string{
	msgPreVote: kindPreVote, msgPreVoteResp: kindPreVoteResp, msgVote: kindVote,
	msgVoteResp: kindVoteResp, msgApp: kindAppend, msgAppResp: kindAppendResp,
	msgSnap: kindSnapshot, msgTimeoutNow: kindTimeoutNow, msgClientReq: kindClient,
	msgClientResp: kindClientResp, msgAdminReq: kindAdmin, msgAdminResp: kindAdminResp,
}

// MessageKinds lists every label MessageKind returns (nodeapi.MessageLabeler).
func (s *System) MessageKinds() []string { return MessageKinds() }

// MessageKinds lists the labels of the system's messages, for those who need them before
// a system exists (a fuzz target hands them to its generators).
func MessageKinds() []string {
	return []string{kindAppend, kindHeartbeat, kindAppendResp, kindVote, kindVoteResp,
		kindPreVote, kindPreVoteResp, kindSnapshot, kindTimeoutNow, kindClient,
		kindClientResp, kindAdmin, kindAdminResp}
}

// MessageKind labels a frame by its wire type, and an AppendEntries by whether it carries
// entries ("append") or none ("heartbeat"). It reads the header only and checks no
// checksum: a frame whose header does not parse (too short, an unknown version or type)
// gets "", a corrupted one that still parses is labelled by what it claims to be.
func (s *System) MessageKind(frame []byte) string {
	if len(frame) < 7 || frame[0] != msgVersion {
		return ""
	}
	t := msgType(frame[1])
	if t < msgPreVote || t >= msgTypeEnd {
		return ""
	}
	if t != msgApp {
		return typeKinds[t]
	}
	d := newDecoder(frame[2 : len(frame)-wire.SumSize])
	d.Uvarint() // term
	d.Uvarint() // prev index
	d.Uvarint() // prev term
	d.Uvarint() // commit
	d.Uvarint() // read id
	n := d.Uvarint()
	switch {
	case d.Err() != nil:
		return ""
	case n == 0:
		return kindHeartbeat
	}
	return kindAppend
}
