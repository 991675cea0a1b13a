package etcdraft

import (
	"encoding/binary"
	"errors"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Every datagram is framed as kind(u8) crc(u32, CRC-32C of kind and payload) payload. The
// network may flip a bit of any message; etcd/raft trusts its input completely (a damaged
// MsgApp would be appended as is), so a frame that fails its checksum is dropped, as if
// lost, and etcd's retransmission takes over.

type frameKind uint8

const (
	frameRaft     frameKind = iota + 1 // a raftpb.Message between replicas
	frameRequest                       // client to server
	frameResponse                      // server to client
)

const frameHeader = 5

func frame(kind frameKind, payload []byte) []byte {
	out := make([]byte, frameHeader, frameHeader+len(payload))
	out[0] = byte(kind)
	out = append(out, payload...)
	binary.LittleEndian.PutUint32(out[1:], frameSum(out))
	return out
}

func frameSum(f []byte) uint32 {
	sum := checksum(f[:1])
	if len(f) > frameHeader {
		sum = checksumUpdate(sum, f[frameHeader:])
	}
	return sum
}

// unframe checks a datagram and returns its kind and payload (a sub-slice).
func unframe(f []byte) (frameKind, []byte, error) {
	if len(f) < frameHeader {
		return 0, nil, errShort
	}
	if binary.LittleEndian.Uint32(f[1:]) != frameSum(f) {
		return 0, nil, errors.New("datagram checksum mismatch")
	}
	return frameKind(f[0]), f[frameHeader:], nil
}

// action is what a client request asks for.
type action uint8

const (
	actOp action = iota + 1 // a key-value operation
	actAddVoter
	actRemoveVoter
)

// request is a client's call. (client endpoint, nonce, seq) names a write for
// deduplication; seq also matches the response to the call.
type request struct {
	seq, nonce uint64
	act        action
	op         nodeapi.Op
	target     nodeapi.NodeID // the voter to add or remove
}

func encodeRequest(r *request) []byte {
	e := encoder{}
	e.uvarint(r.seq)
	e.uvarint(r.nonce)
	e.u8(uint8(r.act))
	if r.act == actOp {
		encodeOp(&e, r.op)
	} else {
		e.str(string(r.target))
	}
	return frame(frameRequest, e.buf)
}

func decodeRequest(p []byte) (request, error) {
	d := decoder{buf: p}
	r := request{seq: d.uvarint(), nonce: d.uvarint(), act: action(d.u8())}
	switch r.act {
	case actOp:
		r.op = decodeOp(&d)
	case actAddVoter, actRemoveVoter:
		r.target = nodeapi.NodeID(d.str())
	default:
		d.fail(errors.New("unknown request action"))
	}
	return r, d.done()
}

// status is a server's verdict on a request.
type status uint8

const (
	statusOK        status = iota + 1
	statusNotLeader        // ask the hinted leader (or another server)
	statusRetry            // this server leads but cannot serve now; retry after a backoff
	statusFailed           // refused for good (text says why)
)

type response struct {
	seq    uint64
	status status
	leader nodeapi.NodeID
	result nodeapi.Result
	text   string
}

func encodeResponse(r *response) []byte {
	e := encoder{}
	e.uvarint(r.seq)
	e.u8(uint8(r.status))
	e.str(string(r.leader))
	e.str(r.result.Value)
	e.u8(boolByte(r.result.Found) | boolByte(r.result.OK)<<1)
	e.str(r.text)
	return frame(frameResponse, e.buf)
}

func decodeResponse(p []byte) (response, error) {
	d := decoder{buf: p}
	r := response{seq: d.uvarint(), status: status(d.u8()), leader: nodeapi.NodeID(d.str())}
	r.result.Value = d.str()
	flags := d.u8()
	r.result.Found, r.result.OK = flags&1 != 0, flags&2 != 0
	r.text = d.str()
	return r, d.done()
}

// putFrameSum fills in the checksum of a frame whose kind and payload are in place.
func putFrameSum(f []byte) { binary.LittleEndian.PutUint32(f[1:], frameSum(f)) }
