package counterd

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

// Kinds is the counter's vocabulary: Add adds Op.Value (a decimal amount) and answers the
// new total in Result.Value; Read answers the total. Scenario files, the model and this code
// share the list.
var Kinds = nodeapi.Kinds{"add", "read"}

// The kinds, by name.
var (
	Add  = Kinds.Of("add")
	Read = Kinds.Of("read")
)

// Frame tags.
const (
	tagRequest = 'q'
	tagReply   = 'r'
)

// errFrame is any malformed frame.
var errFrame = errors.New("counterd: malformed frame")

// codec is the client kit's view of the counter's messages: a request is the tag, the
// session, the sequence number, the kind and the value; a reply the tag, the sequence
// number, the status, the hint and the value; each ends with a CRC-32.
type codec struct{}

func (codec) EncodeRequest(r client.Request) []byte {
	b := []byte{tagRequest}
	b = binary.AppendUvarint(b, r.Session)
	b = binary.AppendUvarint(b, r.Seq)
	b = append(b, byte(r.Op.Kind))
	return seal(appendString(b, r.Op.Value))
}

func (codec) DecodeReply(frame []byte) (client.Reply, bool) {
	r, err := decodeReply(frame)
	return r, err == nil
}

func decodeRequest(frame []byte) (client.Request, error) {
	var r client.Request
	d := decoder{b: open(frame)}
	if d.byte() != tagRequest {
		return r, errFrame
	}
	r.Session, r.Seq = d.uvarint(), d.uvarint()
	r.Op.Kind = nodeapi.Kind(d.byte())
	r.Op.Value = d.string()
	if d.err != nil || len(d.b) > 0 || !Kinds.Valid(r.Op.Kind) {
		return r, errFrame
	}
	return r, nil
}

func encodeReply(r client.Reply) []byte {
	b := []byte{tagReply}
	b = binary.AppendUvarint(b, r.Seq)
	b = append(b, byte(r.Status))
	b = appendString(b, string(r.Leader))
	return seal(appendString(b, r.Result.Value))
}

// seal appends a CRC-32 of the frame: the network may corrupt a datagram, and a flipped
// digit in an amount or a total must be dropped, not believed.
func seal(b []byte) []byte { return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b)) }

// open checks a frame's CRC-32 and returns the frame without it, or nil.
func open(frame []byte) []byte {
	n := len(frame) - 4
	if n < 0 || binary.BigEndian.Uint32(frame[n:]) != crc32.ChecksumIEEE(frame[:n]) {
		return nil
	}
	return frame[:n]
}

func decodeReply(frame []byte) (client.Reply, error) {
	var r client.Reply
	d := decoder{b: open(frame)}
	if d.byte() != tagReply {
		return r, errFrame
	}
	r.Seq = d.uvarint()
	r.Status = client.Status(d.byte())
	r.Leader = nodeapi.NodeID(d.string())
	r.Result.Value = d.string()
	if d.err != nil || len(d.b) > 0 || r.Status < client.OK || r.Status > client.Failed {
		return client.Reply{}, errFrame
	}
	return r, nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// decoder reads a frame; the first error sticks and later reads return zero values.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errFrame
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errFrame
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errFrame
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
