package counterd

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// state is what a server keeps durable: the total and each client session's last
// operation.
type state struct {
	total    int64
	sessions map[uint64]session
}

// session is a client session's last operation: its sequence number and the result it was
// answered (or will be, once durable).
type session struct {
	seq    uint64
	result string
}

// The state file, written whole to a temporary file and renamed over it: a crash keeps
// either the old file or the new one, never a mix.
const (
	stateFile = "state"
	tmpFile   = "state.tmp"
)

// encode frames the state: a CRC-32 of the payload, then the total and the sessions in
// ascending session order.
func (s *state) encode() []byte {
	p := binary.AppendVarint(nil, s.total)
	p = binary.AppendUvarint(p, uint64(len(s.sessions)))
	for _, id := range slices.Sorted(maps.Keys(s.sessions)) {
		p = binary.AppendUvarint(p, id)
		p = binary.AppendUvarint(p, s.sessions[id].seq)
		p = appendString(p, s.sessions[id].result)
	}
	return append(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(p)), p...)
}

// errCorrupt is a state file whose checksum fails.
var errCorrupt = errors.New("counterd: the state file's checksum fails")

func decodeState(b []byte) (state, error) {
	st := state{sessions: map[uint64]session{}}
	if len(b) < 4 || binary.BigEndian.Uint32(b) != crc32.ChecksumIEEE(b[4:]) {
		return st, errCorrupt
	}
	d := decoder{b: b[4:]}
	total, n := binary.Varint(d.b)
	if n <= 0 {
		return st, errCorrupt
	}
	d.b = d.b[n:]
	st.total = total
	for count := d.uvarint(); count > 0 && d.err == nil; count-- {
		id, seq := d.uvarint(), d.uvarint()
		st.sessions[id] = session{seq: seq, result: d.string()}
	}
	if d.err != nil || len(d.b) > 0 {
		return st, errCorrupt
	}
	return st, nil
}

// load reads the durable state, a fresh one when there is none. A read may be corrupted by
// a transient fault, so a checksum failure is read again a few times before it is believed.
func load(disk nodeapi.Disk) (state, error) {
	var err error
	for range 3 {
		var b []byte
		b, err = disk.ReadFile(stateFile)
		if errors.Is(err, nodeapi.ErrNotExist) {
			return state{sessions: map[uint64]session{}}, nil
		}
		if err != nil {
			continue
		}
		var st state
		if st, err = decodeState(b); err == nil {
			return st, nil
		}
	}
	return state{}, err
}

// save writes the state to the temporary file and renames it over the state file; the
// next Sync makes both durable.
func save(disk nodeapi.Disk, s *state) error {
	if err := disk.WriteFile(tmpFile, s.encode()); err != nil {
		return err
	}
	return disk.Rename(tmpFile, stateFile)
}
