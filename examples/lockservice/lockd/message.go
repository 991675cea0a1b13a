package lockd

import (
	"errors"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// Entry is one slot of the replicated log: a client command tagged with its session and
// sequence number (so that a retried command applies once), or, with a zero Op.Kind, the
// no-op a new leader appends to commit its predecessors' entries.
type Entry struct {
	Term    uint64
	Session uint64
	Seq     uint64
	Op      nodeapi.Op
}

// newDecoder reads a message or a log record of the service.
func newDecoder(p []byte) wire.Decoder { return wire.NewDecoder(p, maxString) }

func encodeEntry(e *wire.Encoder, x *Entry) {
	e.Uvarint(x.Term)
	e.Uvarint(x.Session)
	e.Uvarint(x.Seq)
	e.U8(uint8(x.Op.Kind))
	e.Str(x.Op.Key)
	e.Str(x.Op.Value)
}

func decodeEntry(d *wire.Decoder) Entry {
	x := Entry{Term: d.Uvarint(), Session: d.Uvarint(), Seq: d.Uvarint()}
	x.Op.Kind = nodeapi.Kind(d.U8())
	x.Op.Key = d.Str()
	x.Op.Value = d.Str()
	if x.Op.Kind != 0 && d.Err() == nil && ValidateOp(x.Op) != nil {
		d.Fail(errors.New("invalid command in entry"))
	}
	return x
}

type msgType uint8

const (
	msgPreVote msgType = iota + 1
	msgPreVoteResp
	msgVote
	msgVoteResp
	msgAppend
	msgAppendResp
	msgClientReq
	msgClientResp
	msgTypeEnd
)

// status is a server's answer to a client request.
type status uint8

const (
	statusOK        status = iota + 1 // Result holds the outcome
	statusNotLeader                   // try Leader (if set) or another server
	statusInvalid                     // the op is malformed; it was not applied
)

// message is every datagram of the protocol in one shape; each type uses some fields.
// Encoding all of them costs a byte per unused field and keeps one code path.
type message struct {
	Type msgType
	Term uint64
	// Votes: the candidate's last entry; Granted answers.
	LastIndex, LastTerm uint64
	Granted             bool
	// Append: the entry before Entries and the leader's commit index. The answer carries
	// Success and Match: the last index now known to match (on success) or the follower's
	// last index (on failure, a hint), with PrevIndex echoed.
	PrevIndex, PrevTerm, Commit uint64
	Entries                     []Entry
	Success                     bool
	Match                       uint64
	// Client requests and answers.
	Session, Seq uint64
	Op           nodeapi.Op
	Status       status
	Result       nodeapi.Result
	Leader       nodeapi.NodeID
}

// maxEntriesPerMessage bounds Entries on the wire; Config.MaxEntriesPerAppend is at most it.
const maxEntriesPerMessage = 1024

// encodeMessage frames m as a checksum slot (wire.Seal at 0) then the payload: datagrams
// may arrive corrupted, and a flipped bit must never reach the protocol.
func encodeMessage(m *message) []byte {
	e := wire.Encoder{Buf: make([]byte, wire.SumSize, 64)}
	e.U8(uint8(m.Type))
	e.Uvarint(m.Term)
	e.Uvarint(m.LastIndex)
	e.Uvarint(m.LastTerm)
	e.Bool(m.Granted)
	e.Uvarint(m.PrevIndex)
	e.Uvarint(m.PrevTerm)
	e.Uvarint(m.Commit)
	e.Uvarint(uint64(len(m.Entries)))
	for i := range m.Entries {
		encodeEntry(&e, &m.Entries[i])
	}
	e.Bool(m.Success)
	e.Uvarint(m.Match)
	e.Uvarint(m.Session)
	e.Uvarint(m.Seq)
	e.U8(uint8(m.Op.Kind))
	e.Str(m.Op.Key)
	e.Str(m.Op.Value)
	e.U8(uint8(m.Status))
	e.Str(m.Result.Value)
	e.Bool(m.Result.Found)
	e.Bool(m.Result.OK)
	e.Str(string(m.Leader))
	wire.Seal(e.Buf, 0)
	return e.Buf
}

// decodeMessage parses a frame made by encodeMessage; any damage is an error.
func decodeMessage(frame []byte) (*message, error) {
	if err := wire.Verify(frame, 0); err != nil {
		return nil, err
	}
	d := newDecoder(frame[wire.SumSize:])
	m := &message{Type: msgType(d.U8()), Term: d.Uvarint(), LastIndex: d.Uvarint(),
		LastTerm: d.Uvarint(), Granted: d.Bool(), PrevIndex: d.Uvarint(),
		PrevTerm: d.Uvarint(), Commit: d.Uvarint()}
	n := d.Uvarint()
	if n > maxEntriesPerMessage {
		d.Fail(errors.New("too many entries"))
	}
	for i := uint64(0); i < n && d.Err() == nil; i++ {
		m.Entries = append(m.Entries, decodeEntry(&d))
	}
	m.Success, m.Match = d.Bool(), d.Uvarint()
	m.Session, m.Seq = d.Uvarint(), d.Uvarint()
	m.Op = nodeapi.Op{Kind: nodeapi.Kind(d.U8()), Key: d.Str(), Value: d.Str()}
	m.Status = status(d.U8())
	m.Result = nodeapi.Result{Value: d.Str(), Found: d.Bool(), OK: d.Bool()}
	m.Leader = nodeapi.NodeID(d.Str())
	if err := d.Done(); err != nil {
		return nil, err
	}
	if m.Type == 0 || m.Type >= msgTypeEnd {
		return nil, errors.New("unknown message type")
	}
	return m, nil
}
