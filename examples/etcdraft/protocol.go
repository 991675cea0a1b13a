package etcdraft

import (
	"errors"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// Every datagram is framed as kind(u8) crc(u32) payload, where crc is a wire checksum slot
// (wire.Seal at offset 1): the CRC-32C of the kind and the payload. The
// network may flip a bit of any message; etcd/raft trusts its input completely (a damaged
// MsgApp would be appended as is), so a frame that fails its checksum is dropped, as if
// lost, and etcd's retransmission takes over.

type frameKind uint8

const (
	frameRaft     frameKind = iota + 1 // a raftpb.Message between replicas
	frameRequest                       // client to server
	frameResponse                      // server to client
)

const (
	sumAt       = 1 // the checksum slot follows the kind byte
	frameHeader = sumAt + wire.SumSize
)

func frame(kind frameKind, payload []byte) []byte {
	out := make([]byte, frameHeader, frameHeader+len(payload))
	out[0] = byte(kind)
	out = append(out, payload...)
	wire.Seal(out, sumAt)
	return out
}

// unframe checks a datagram and returns its kind and payload (a sub-slice).
func unframe(f []byte) (frameKind, []byte, error) {
	if err := wire.Verify(f, sumAt); err != nil {
		return 0, nil, err
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
	e := wire.Encoder{}
	e.Uvarint(r.seq)
	e.Uvarint(r.nonce)
	e.U8(uint8(r.act))
	if r.act == actOp {
		kvop.EncodeOp(&e, r.op)
	} else {
		e.Str(string(r.target))
	}
	return frame(frameRequest, e.Buf)
}

func decodeRequest(p []byte) (request, error) {
	d := newDecoder(p)
	r := request{seq: d.Uvarint(), nonce: d.Uvarint(), act: action(d.U8())}
	switch r.act {
	case actOp:
		r.op = kvop.DecodeOp(&d)
	case actAddVoter, actRemoveVoter:
		r.target = nodeapi.NodeID(d.Str())
	default:
		d.Fail(errors.New("unknown request action"))
	}
	return r, d.Done()
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
	e := wire.Encoder{}
	e.Uvarint(r.seq)
	e.U8(uint8(r.status))
	e.Str(string(r.leader))
	e.Str(r.result.Value)
	e.U8(boolByte(r.result.Found) | boolByte(r.result.OK)<<1)
	e.Str(r.text)
	return frame(frameResponse, e.Buf)
}

func decodeResponse(p []byte) (response, error) {
	d := newDecoder(p)
	r := response{seq: d.Uvarint(), status: status(d.U8()), leader: nodeapi.NodeID(d.Str())}
	r.result.Value = d.Str()
	flags := d.U8()
	r.result.Found, r.result.OK = flags&1 != 0, flags&2 != 0
	r.text = d.Str()
	return r, d.Done()
}
