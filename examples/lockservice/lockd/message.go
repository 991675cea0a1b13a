package lockd

import (
	"encoding/binary"
	"errors"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
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

func (e *encoder) entry(x *Entry) {
	e.uvarint(x.Term)
	e.uvarint(x.Session)
	e.uvarint(x.Seq)
	e.u8(uint8(x.Op.Kind))
	e.str(x.Op.Key)
	e.str(x.Op.Value)
}

func (d *decoder) entry() Entry {
	x := Entry{Term: d.uvarint(), Session: d.uvarint(), Seq: d.uvarint()}
	x.Op.Kind = nodeapi.Kind(d.u8())
	x.Op.Key = d.str()
	x.Op.Value = d.str()
	if x.Op.Kind != 0 && d.err == nil && ValidateOp(x.Op) != nil {
		d.fail(errors.New("invalid command in entry"))
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

// encodeMessage frames m as crc(payload) u32 then payload: datagrams may arrive corrupted,
// and a flipped bit must never reach the protocol.
func encodeMessage(m *message) []byte {
	e := encoder{buf: make([]byte, 4, 64)}
	e.u8(uint8(m.Type))
	e.uvarint(m.Term)
	e.uvarint(m.LastIndex)
	e.uvarint(m.LastTerm)
	e.flag(m.Granted)
	e.uvarint(m.PrevIndex)
	e.uvarint(m.PrevTerm)
	e.uvarint(m.Commit)
	e.uvarint(uint64(len(m.Entries)))
	for i := range m.Entries {
		e.entry(&m.Entries[i])
	}
	e.flag(m.Success)
	e.uvarint(m.Match)
	e.uvarint(m.Session)
	e.uvarint(m.Seq)
	e.u8(uint8(m.Op.Kind))
	e.str(m.Op.Key)
	e.str(m.Op.Value)
	e.u8(uint8(m.Status))
	e.str(m.Result.Value)
	e.flag(m.Result.Found)
	e.flag(m.Result.OK)
	e.str(string(m.Leader))
	binary.LittleEndian.PutUint32(e.buf, checksum(e.buf[4:]))
	return e.buf
}

var errChecksum = errors.New("checksum mismatch")

// decodeMessage parses a frame made by encodeMessage; any damage is an error.
func decodeMessage(frame []byte) (*message, error) {
	if len(frame) < 4 {
		return nil, errTruncated
	}
	if binary.LittleEndian.Uint32(frame) != checksum(frame[4:]) {
		return nil, errChecksum
	}
	d := decoder{buf: frame[4:]}
	m := &message{Type: msgType(d.u8()), Term: d.uvarint(), LastIndex: d.uvarint(),
		LastTerm: d.uvarint(), Granted: d.flag(), PrevIndex: d.uvarint(),
		PrevTerm: d.uvarint(), Commit: d.uvarint()}
	n := d.uvarint()
	if n > maxEntriesPerMessage {
		d.fail(errors.New("too many entries"))
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		m.Entries = append(m.Entries, d.entry())
	}
	m.Success, m.Match = d.flag(), d.uvarint()
	m.Session, m.Seq = d.uvarint(), d.uvarint()
	m.Op = nodeapi.Op{Kind: nodeapi.Kind(d.u8()), Key: d.str(), Value: d.str()}
	m.Status = status(d.u8())
	m.Result = nodeapi.Result{Value: d.str(), Found: d.flag(), OK: d.flag()}
	m.Leader = nodeapi.NodeID(d.str())
	if err := d.finish(); err != nil {
		return nil, err
	}
	if m.Type == 0 || m.Type >= msgTypeEnd {
		return nil, errors.New("unknown message type")
	}
	return m, nil
}
