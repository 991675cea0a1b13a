package register

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// msgType is the kind of a datagram.
type msgType uint8

const (
	msgRequest   msgType = iota + 1 // client -> server: Session, Seq, Op
	msgReply                        // server -> client: Seq, Status, Primary, Result
	msgPrepare                      // primary -> backup: View, Version, Session, Seq, Op
	msgState                        // primary -> backup: View, Version, State
	msgHeartbeat                    // primary -> backup: View, Version
	msgAck                          // backup -> primary: View, Label, Version, Need
	msgVoteReq                      // candidate -> server: View, Label, Version, Pre
	msgVote                         // server -> candidate: View, Pre, Granted
	msgLast                         // not a type: the end of the range
)

// Statuses of a reply.
const (
	statusOK         uint8 = iota + 1
	statusNotPrimary       // Primary is a hint, "" when unknown
	statusRefused          // an operation the register does not take
)

// Flags of a message, one bit each.
const (
	flagPre uint8 = 1 << iota
	flagGranted
	flagNeed
	flagFound
	flagOK
)

// message is every datagram of the protocol: one flat struct, each type using some fields.
type message struct {
	Type msgType
	// View is the sender's view; Label and Version name a state: the view of the
	// primary that made it and the number of operations it holds.
	View, Label, Version uint64
	// Pre marks a pre-vote round, Granted a yes, Need a backup asking for the whole state.
	Pre, Granted, Need bool
	Session, Seq       uint64
	Op                 nodeapi.Op
	Status             uint8
	Primary            nodeapi.NodeID
	Result             nodeapi.Result
	State              []byte
}

// maxField bounds a string or byte field of a decoded message.
const maxField = 1 << 20

// encode frames m: a CRC-32C of the rest, then the fields in order.
func encode(m *message) []byte {
	e := wire.Encoder{Buf: make([]byte, wire.SumSize, 64+len(m.State))}
	e.U8(uint8(m.Type))
	e.U8(flags(m))
	for _, v := range []uint64{m.View, m.Label, m.Version, m.Session, m.Seq} {
		e.Uvarint(v)
	}
	e.U8(uint8(m.Op.Kind))
	e.Str(m.Op.Key)
	e.Str(m.Op.Value)
	e.Str(m.Op.Expect)
	e.U8(m.Status)
	e.Str(string(m.Primary))
	e.Str(m.Result.Value)
	e.Bytes(m.State)
	wire.Seal(e.Buf, 0)
	return e.Buf
}

func flags(m *message) uint8 {
	var f uint8
	for i, on := range []bool{m.Pre, m.Granted, m.Need, m.Result.Found, m.Result.OK} {
		if on {
			f |= 1 << i
		}
	}
	return f
}

// decode checks a frame's checksum and reads it; a damaged or unknown frame is an error.
func decode(frame []byte) (message, error) {
	if err := wire.Verify(frame, 0); err != nil {
		return message{}, err
	}
	d := wire.NewDecoder(frame[wire.SumSize:], maxField)
	m := message{Type: msgType(d.U8())}
	f := d.U8()
	m.Pre, m.Granted, m.Need = f&flagPre != 0, f&flagGranted != 0, f&flagNeed != 0
	m.Result.Found, m.Result.OK = f&flagFound != 0, f&flagOK != 0
	for _, v := range []*uint64{&m.View, &m.Label, &m.Version, &m.Session, &m.Seq} {
		*v = d.Uvarint()
	}
	m.Op.Kind = nodeapi.Kind(d.U8())
	m.Op.Key, m.Op.Value, m.Op.Expect = d.Str(), d.Str(), d.Str()
	m.Status = d.U8()
	m.Primary = nodeapi.NodeID(d.Str())
	m.Result.Value = d.Str()
	m.State = d.Bytes()
	if err := d.Done(); err != nil {
		return message{}, err
	}
	if m.Type == 0 || m.Type >= msgLast {
		return message{}, wire.ErrLength
	}
	return m, nil
}
