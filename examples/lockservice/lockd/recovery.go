package lockd

import (
	"errors"
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// CorruptionError reports a write-ahead log record that failed its checksum or could not be
// parsed. NewNode returns it and uses none of the data: a replica that lost part of what it
// promised (a vote, an acknowledged entry) must not vote or serve.
type CorruptionError struct {
	File   string
	Offset int
	Err    error
}

// Error names the file and offset, so that an operator knows which replica's disk to
// replace.
func (e *CorruptionError) Error() string {
	return fmt.Sprintf("lockd: corrupted record in %s at offset %d: %v", e.File, e.Offset, e.Err)
}

// Unwrap returns what was wrong with the record.
func (e *CorruptionError) Unwrap() error { return e.Err }

// durable is what recovery found: the hard state and the log, and whether it dropped a
// torn tail or read the file again after a checksum failure (for the node's events).
type durable struct {
	term   uint64
	vote   nodeapi.NodeID
	log    []Entry
	torn   bool
	reread bool
}

// readAttempts is how often recovery reads the file before it believes a checksum failure:
// a read may flip a bit in the copy it returns while the stored bytes are intact, and a
// second read tells the two apart.
const readAttempts = 3

// recoverDisk replays the write-ahead log, reading again after a corruption error, and
// truncates a torn tail so that later appends follow whole frames.
func recoverDisk(disk nodeapi.Disk) (*durable, error) {
	var err error
	for attempt := range readAttempts {
		var st *durable
		var good, size int
		st, good, size, err = replay(disk)
		var ce *CorruptionError
		if errors.As(err, &ce) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if good < size {
			if err := disk.Truncate(WALFile, good); err != nil {
				return nil, fmt.Errorf("lockd: dropping the torn tail of %s: %w", WALFile, err)
			}
		}
		st.torn, st.reread = good < size, attempt > 0
		return st, nil
	}
	return nil, err
}

// replay parses the whole file; it returns the state, the size of its whole frames and the
// file's size.
func replay(disk nodeapi.Disk) (*durable, int, int, error) {
	st := &durable{}
	data, err := disk.ReadFile(WALFile)
	if errors.Is(err, nodeapi.ErrNotExist) {
		return st, 0, 0, nil
	}
	if err != nil {
		return nil, 0, 0, fmt.Errorf("lockd: reading %s: %w", WALFile, err)
	}
	off := 0
	for off < len(data) {
		payload, size, err := walFormat.Read(data[off:])
		if errors.Is(err, wire.ErrTorn) {
			break
		}
		if err == nil {
			err = st.apply(payload)
		}
		if err != nil {
			return nil, 0, 0, &CorruptionError{File: WALFile, Offset: off, Err: err}
		}
		off += size
	}
	return st, off, len(data), nil
}

// apply replays one record.
func (st *durable) apply(payload []byte) error {
	d := newDecoder(payload)
	switch d.U8() {
	case recHard:
		term, vote := d.Uvarint(), nodeapi.NodeID(d.Str())
		if err := d.Done(); err != nil {
			return err
		}
		st.term, st.vote = term, vote
	case recEntry:
		index, e := d.Uvarint(), decodeEntry(&d)
		if err := d.Done(); err != nil {
			return err
		}
		if index == 0 || index > uint64(len(st.log))+1 {
			return fmt.Errorf("entry %d does not follow a log of %d entries", index,
				len(st.log))
		}
		st.log = append(st.log[:index-1], e)
	default:
		return errors.New("unknown record type")
	}
	return nil
}
