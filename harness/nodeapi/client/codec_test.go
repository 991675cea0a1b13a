package client

import (
	"encoding/json"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// testCodec encodes requests and replies as JSON behind a one-byte tag: 'q' for a
// request, 'r' for a reply.
type testCodec struct{}

func (testCodec) EncodeRequest(r Request) []byte {
	b, _ := json.Marshal(r)
	return append([]byte{'q'}, b...)
}

func (testCodec) DecodeReply(frame []byte) (Reply, bool) {
	var r Reply
	if len(frame) == 0 || frame[0] != 'r' || json.Unmarshal(frame[1:], &r) != nil {
		return Reply{}, false
	}
	return r, true
}

func decodeTestRequest(frame []byte) Request {
	var r Request
	if len(frame) == 0 || frame[0] != 'q' || json.Unmarshal(frame[1:], &r) != nil {
		panic("not a request")
	}
	return r
}

func replyFrame(r Reply) []byte {
	b, _ := json.Marshal(r)
	return append([]byte{'r'}, b...)
}

// put is a write whose value says which it is.
func put(v string) nodeapi.Op { return nodeapi.Op{Kind: 2, Key: "k", Value: v} }
