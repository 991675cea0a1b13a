package raft

import (
	"errors"
	"slices"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
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

func encodeEntry(e *encoder, ent *Entry) {
	e.uvarint(ent.Index)
	e.uvarint(ent.Term)
	e.u8(uint8(ent.Type))
	e.bytes(ent.Data)
}

// decodeEntry reads one entry; Data aliases the decoder's input.
func decodeEntry(d *decoder) Entry {
	ent := Entry{Index: d.uvarint(), Term: d.uvarint(), Type: entryType(d.u8())}
	ent.Data = d.raw()
	if d.err == nil && !ent.Type.valid() {
		d.fail(errors.New("invalid entry type " + strconv.Itoa(int(ent.Type))))
	}
	return ent
}

// encodeVoters renders a voter set (sorted) as the data of a config entry or snapshot.
func encodeVoters(e *encoder, voters []nodeapi.NodeID) {
	e.uvarint(uint64(len(voters)))
	for _, v := range voters {
		e.str(string(v))
	}
}

func decodeVoters(d *decoder) []nodeapi.NodeID {
	n := d.count(1)
	voters := make([]nodeapi.NodeID, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		voters = append(voters, nodeapi.NodeID(d.str()))
	}
	if d.err == nil && !slices.IsSorted(voters) {
		d.fail(errors.New("voter set not sorted: " + idList(voters)))
	}
	return voters
}

// configData is the payload of a config entry.
func configData(voters []nodeapi.NodeID) []byte {
	e := encoder{}
	encodeVoters(&e, voters)
	return e.buf
}

// parseConfig decodes a config entry's payload.
func parseConfig(data []byte) ([]nodeapi.NodeID, error) {
	d := decoder{buf: data}
	voters := decodeVoters(&d)
	if err := d.done(); err != nil {
		return nil, wrap("config entry", err)
	}
	return voters, nil
}
