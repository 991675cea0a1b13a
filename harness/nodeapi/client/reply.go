package client

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// Status is a server's answer to one request.
type Status uint8

// The answers a server gives.
const (
	// OK: the request took effect (or had already); Result holds its result.
	OK Status = iota + 1
	// NotLeader: this server does not serve requests; Leader names the one it believes
	// does, or is empty when it knows none (an election is under way).
	NotLeader
	// Retry: this server leads but cannot serve the request yet; ask again after a pause.
	Retry
	// Failed: the request is invalid and retrying will not help; Text says why. The
	// operation ends Unknown.
	Failed
)

// Reply is a server's answer as the client kit reads it; a Codec decodes it from a frame.
type Reply struct {
	// Seq is the sequence number of the request answered.
	Seq    uint64
	Status Status
	// Leader is NotLeader's hint.
	Leader nodeapi.NodeID
	// Result is OK's result.
	Result nodeapi.Result
	// Text is Failed's reason.
	Text string
}

// Request is one operation as the client kit asks a Codec to encode it.
type Request struct {
	// Session and Seq number the request: the servers apply a (Session, Seq) once.
	Session, Seq uint64
	Op           nodeapi.Op
}

// Codec is a system's wire format for the client's requests and the servers' replies.
type Codec interface {
	// EncodeRequest returns the datagram that asks a server for req.
	EncodeRequest(req Request) []byte
	// DecodeReply reads a datagram a server sent the client; ok is false for one that is
	// not a reply to an operation (damaged, or of another kind): the client drops it.
	DecodeReply(frame []byte) (r Reply, ok bool)
}
