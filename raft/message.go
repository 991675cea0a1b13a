package raft

import (
	"errors"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// msgType names a message. The zero value is invalid so that a forgotten type is caught.
type msgType uint8

const (
	msgPreVote msgType = iota + 1
	msgPreVoteResp
	msgVote
	msgVoteResp
	msgApp
	msgAppResp
	msgSnap
	msgTimeoutNow
	msgClientReq
	msgClientResp
	msgAdminReq
	msgAdminResp
	msgTypeEnd
)

var msgTypeNames = [...]string{
	msgPreVote: "PreVote", msgPreVoteResp: "PreVoteResp", msgVote: "Vote",
	msgVoteResp: "VoteResp", msgApp: "App", msgAppResp: "AppResp", msgSnap: "Snap",
	msgTimeoutNow: "TimeoutNow", msgClientReq: "ClientReq", msgClientResp: "ClientResp",
	msgAdminReq: "AdminReq", msgAdminResp: "AdminResp",
}

func (t msgType) String() string {
	if t >= msgPreVote && t < msgTypeEnd {
		return msgTypeNames[t]
	}
	return "msgType(" + strconv.Itoa(int(t)) + ")"
}

// isRaft reports whether t is a consensus message (the others are client traffic).
func (t msgType) isRaft() bool { return t >= msgPreVote && t <= msgTimeoutNow }

// status is a server's answer to a client or admin request.
type status uint8

const (
	statusOK status = iota + 1
	// statusNotLeader: try the server named in Leader, or another one if it is empty.
	statusNotLeader
	// statusRetry: this server leads but cannot take the request now (no-op not committed,
	// a configuration change pending, a leadership transfer, a full queue); retry later.
	statusRetry
	// statusFailed: the request is invalid and retrying will not help; Text says why.
	statusFailed
)

// adminAction is what an admin request asks for.
type adminAction uint8

const (
	adminAdd adminAction = iota + 1
	adminRemove
	adminTransfer
)

// message is the one in-memory form of every message; each type uses a subset of the fields
// (see encodeBody). The sender is not encoded: the network names it.
type message struct {
	Type msgType
	Term uint64

	// Vote requests: the candidate's last log position; Transfer marks a campaign started
	// by TimeoutNow, which followers honour even while they hear from a leader.
	LastIndex, LastTerm uint64
	Transfer            bool
	// Responses: Reject for a refused vote or a failed AppendEntries consistency check.
	Reject bool

	// AppendEntries and InstallSnapshot (PrevIndex/PrevTerm = the snapshot's last entry).
	PrevIndex, PrevTerm, Commit uint64
	// ReadID is the leader's latest ReadIndex round when the message was sent; the response
	// echoes it so that one ack confirms every read up to it.
	ReadID  uint64
	Entries []Entry
	Snap    []byte

	// AppendEntries response: Index is the match index on success and the rejected
	// PrevIndex on failure; HintIndex/HintTerm are the fast-backup conflict hint.
	Index, HintIndex, HintTerm uint64

	// Client and admin traffic.
	Seq, Nonce uint64
	Op         nodeapi.Op
	Result     nodeapi.Result
	Status     status
	Leader     nodeapi.NodeID
	Target     nodeapi.NodeID
	Action     adminAction
	Text       string
}

const msgVersion = 1

// encodeMessage renders m as one frame: version, type, body, CRC-32C of all before it.
func encodeMessage(m *message) []byte {
	return appendMessage(make([]byte, 0, 32+len(m.Snap)+entriesSize(m.Entries)), m)
}

// appendMessage appends m's frame to buf, its checksum slot last.
func appendMessage(buf []byte, m *message) []byte {
	start := len(buf)
	e := wire.Encoder{Buf: buf}
	e.U8(msgVersion)
	e.U8(uint8(m.Type))
	e.Uvarint(m.Term)
	encodeBody(&e, m)
	e.U32(0) // the checksum slot
	frame := e.Buf[start:]
	wire.Seal(frame, len(frame)-wire.SumSize)
	return e.Buf
}

func entriesSize(ents []Entry) int {
	n := 0
	for i := range ents {
		n += 24 + len(ents[i].Data)
	}
	return n
}

// decodeMessage parses a frame into a new message (see decodeMessageInto).
func decodeMessage(frame []byte) (*message, error) {
	m := &message{}
	if err := decodeMessageInto(frame, m); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeMessageInto parses a frame into m, reusing m's entry slice. It returns an error
// (never panics) for any truncated or corrupted frame. The result never aliases frame:
// strings are copied and entry and snapshot data are copied into one fresh buffer, so the
// network may reuse its buffer and the log may keep the entries.
func decodeMessageInto(frame []byte, m *message) error {
	*m = message{Entries: m.Entries[:0]}
	if len(frame) < 7 {
		return wire.ErrTruncated
	}
	body := frame[:len(frame)-wire.SumSize]
	if err := wire.Verify(frame, len(body)); err != nil {
		return err
	}
	d := newDecoder(body)
	if v := d.U8(); v != msgVersion {
		return errors.New("unknown message version " + strconv.Itoa(int(v)))
	}
	m.Type = msgType(d.U8())
	if m.Type < msgPreVote || m.Type >= msgTypeEnd {
		return errors.New("unknown message type " + strconv.Itoa(int(m.Type)))
	}
	m.Term = d.Uvarint()
	decodeBody(&d, m)
	if err := d.Done(); err != nil {
		return wrap(m.Type.String()+" message", err)
	}
	m.detach()
	return nil
}

// detach copies the entry and snapshot data out of the frame they alias.
func (m *message) detach() {
	if len(m.Snap) > 0 {
		m.Snap = append([]byte(nil), m.Snap...)
	}
	size := 0
	for i := range m.Entries {
		size += len(m.Entries[i].Data)
	}
	if size == 0 {
		return
	}
	buf := make([]byte, 0, size)
	for i := range m.Entries {
		e := &m.Entries[i]
		start := len(buf)
		buf = append(buf, e.Data...)
		e.Data = buf[start:len(buf):len(buf)]
	}
}

func encodeBody(e *wire.Encoder, m *message) {
	switch m.Type {
	case msgPreVote, msgVote:
		e.Uvarint(m.LastIndex)
		e.Uvarint(m.LastTerm)
		e.Bool(m.Transfer)
	case msgPreVoteResp, msgVoteResp:
		e.Bool(m.Reject)
	case msgApp:
		encodeApp(e, m)
	case msgAppResp:
		e.Bool(m.Reject)
		e.Uvarint(m.Index)
		e.Uvarint(m.HintIndex)
		e.Uvarint(m.HintTerm)
		e.Uvarint(m.ReadID)
	case msgSnap:
		e.Uvarint(m.PrevIndex)
		e.Uvarint(m.PrevTerm)
		e.Bytes(m.Snap)
	case msgTimeoutNow:
	default:
		encodeClientBody(e, m)
	}
}

func encodeApp(e *wire.Encoder, m *message) {
	e.Uvarint(m.PrevIndex)
	e.Uvarint(m.PrevTerm)
	e.Uvarint(m.Commit)
	e.Uvarint(m.ReadID)
	e.Uvarint(uint64(len(m.Entries)))
	for i := range m.Entries {
		encodeEntry(e, &m.Entries[i])
	}
}

func decodeBody(d *wire.Decoder, m *message) {
	switch m.Type {
	case msgPreVote, msgVote:
		m.LastIndex, m.LastTerm, m.Transfer = d.Uvarint(), d.Uvarint(), d.Bool()
	case msgPreVoteResp, msgVoteResp:
		m.Reject = d.Bool()
	case msgApp:
		decodeApp(d, m)
	case msgAppResp:
		m.Reject = d.Bool()
		m.Index, m.HintIndex, m.HintTerm, m.ReadID = d.Uvarint(), d.Uvarint(), d.Uvarint(),
			d.Uvarint()
	case msgSnap:
		m.PrevIndex, m.PrevTerm = d.Uvarint(), d.Uvarint()
		m.Snap = d.Bytes()
	case msgTimeoutNow:
	default:
		decodeClientBody(d, m)
	}
}

func decodeApp(d *wire.Decoder, m *message) {
	m.PrevIndex, m.PrevTerm, m.Commit, m.ReadID = d.Uvarint(), d.Uvarint(), d.Uvarint(),
		d.Uvarint()
	n := d.Count(4)
	for i := 0; i < n && d.Err() == nil; i++ {
		ent := decodeEntry(d)
		if d.Err() == nil && ent.Index != m.PrevIndex+uint64(i)+1 {
			d.Fail(errors.New("entry " + strconv.Itoa(i) + " has index " + dec(ent.Index) +
				", want " + dec(m.PrevIndex+uint64(i)+1)))
		}
		m.Entries = append(m.Entries, ent)
	}
}

func encodeClientBody(e *wire.Encoder, m *message) {
	e.Uvarint(m.Seq)
	switch m.Type {
	case msgClientReq:
		e.Uvarint(m.Nonce)
		kvop.EncodeOp(e, m.Op)
	case msgClientResp:
		e.U8(uint8(m.Status))
		e.Str(string(m.Leader))
		e.Str(m.Result.Value)
		e.Bool(m.Result.Found)
		e.Bool(m.Result.OK)
	case msgAdminReq:
		e.Str(string(m.Target))
		e.U8(uint8(m.Action))
	case msgAdminResp:
		e.U8(uint8(m.Status))
		e.Str(string(m.Leader))
		e.Str(m.Text)
	}
}

func decodeClientBody(d *wire.Decoder, m *message) {
	m.Seq = d.Uvarint()
	switch m.Type {
	case msgClientReq:
		m.Nonce = d.Uvarint()
		m.Op = kvop.DecodeOp(d)
	case msgClientResp:
		m.Status = decodeStatus(d)
		m.Leader = nodeapi.NodeID(d.Str())
		m.Result.Value = d.Str()
		m.Result.Found, m.Result.OK = d.Bool(), d.Bool()
	case msgAdminReq:
		m.Target = nodeapi.NodeID(d.Str())
		m.Action = adminAction(d.U8())
		if d.Err() == nil && (m.Action < adminAdd || m.Action > adminTransfer) {
			d.Fail(errors.New("invalid admin action " + strconv.Itoa(int(m.Action))))
		}
	case msgAdminResp:
		m.Status = decodeStatus(d)
		m.Leader = nodeapi.NodeID(d.Str())
		m.Text = d.Str()
	}
}

func decodeStatus(d *wire.Decoder) status {
	s := status(d.U8())
	if d.Err() == nil && (s < statusOK || s > statusFailed) {
		d.Fail(errors.New("invalid status " + strconv.Itoa(int(s))))
	}
	return s
}
