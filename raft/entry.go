package raft

import (
	"errors"
	"slices"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// entryType says what a log entry carries.
type entryType uint8

const (
	// entryNoop is the empty entry a new leader appends so that it can commit an entry of
	// its own term (which commits everything before it, Figure 8).
	entryNoop entryType = iota + 1
	// entryCommand carries an encoded client write for the key-value state machine.
	entryCommand
	// entryConfig carries the complete voter set that takes effect when the entry is
	// appended (single-server membership change).
	entryConfig
)

func (t entryType) valid() bool { return t >= entryNoop && t <= entryConfig }

// Entry is one log entry. Index and Term identify it; Data is interpreted by Type.
type Entry struct {
	Index uint64
	Term  uint64
	Type  entryType
	Data  []byte
}

func (e *Entry) String() string {
	return dec(e.Index) + "@" + dec(e.Term) + "/" + strconv.Itoa(int(e.Type)) + "(" +
		strconv.Itoa(len(e.Data)) + "B)"
}

func encodeEntry(e *wire.Encoder, ent *Entry) {
	e.Uvarint(ent.Index)
	e.Uvarint(ent.Term)
	e.U8(uint8(ent.Type))
	e.Bytes(ent.Data)
}

// decodeEntry reads one entry; Data aliases the decoder's input.
func decodeEntry(d *wire.Decoder) Entry {
	ent := Entry{Index: d.Uvarint(), Term: d.Uvarint(), Type: entryType(d.U8())}
	ent.Data = d.Bytes()
	if d.Err() == nil && !ent.Type.valid() {
		d.Fail(errors.New("invalid entry type " + strconv.Itoa(int(ent.Type))))
	}
	return ent
}

// encodeVoters renders a voter set (sorted) as the data of a config entry or snapshot.
func encodeVoters(e *wire.Encoder, voters []nodeapi.NodeID) {
	e.Uvarint(uint64(len(voters)))
	for _, v := range voters {
		e.Str(string(v))
	}
}

func decodeVoters(d *wire.Decoder) []nodeapi.NodeID {
	n := d.Count(1)
	voters := make([]nodeapi.NodeID, 0, n)
	for i := 0; i < n && d.Err() == nil; i++ {
		voters = append(voters, nodeapi.NodeID(d.Str()))
	}
	if d.Err() == nil && !slices.IsSorted(voters) {
		d.Fail(errors.New("voter set not sorted: " + idList(voters)))
	}
	return voters
}

// configData is the payload of a config entry.
func configData(voters []nodeapi.NodeID) []byte {
	e := wire.Encoder{}
	encodeVoters(&e, voters)
	return e.Buf
}

// parseConfig decodes a config entry's payload.
func parseConfig(data []byte) ([]nodeapi.NodeID, error) {
	d := newDecoder(data)
	voters := decodeVoters(&d)
	if err := d.Done(); err != nil {
		return nil, wrap("config entry", err)
	}
	return voters, nil
}
