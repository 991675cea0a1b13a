package register

import (
	"errors"
	"fmt"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/wire"
)

// slotFiles are the two files a server writes its durable record into, in turn: a write cut
// short by a crash leaves the other file, which holds the record before it, whole.
var slotFiles = [2]string{"register.0", "register.1"}

// slotFormat frames a record: its length, a checksum of the length, one of the payload.
var slotFormat = wire.RecordFormat{Noun: "record", MinLen: 1, MaxLen: maxField}

// record is everything a server keeps on disk, written whole at every change.
type record struct {
	Gen      uint64 // counts the writes: the newest whole record wins
	View     uint64
	VotedFor nodeapi.NodeID // the vote given in View
	Label    uint64         // the view of the primary that made the state
	Version  uint64
	State    state
}

// mark is what a Sync made durable: the record generation and the state it held.
type mark struct{ gen, label, version uint64 }

// CorruptionError is the error of NewNode when a record's checksum fails twice: the disk
// damaged what it holds, and the server refuses to start from it.
type CorruptionError struct {
	File string
	Err  error
}

// Error names the file and what failed.
func (e *CorruptionError) Error() string {
	return fmt.Sprintf("register: %s is corrupted: %v", e.File, e.Err)
}

// Unwrap returns the record's error (wire.ErrChecksum, say).
func (e *CorruptionError) Unwrap() error { return e.Err }

// persist writes the node's durable record into the next slot and asks for a Sync.
func (n *Node) persist() {
	n.gen++
	buf := wire.AppendRecord(nil, func(e *wire.Encoder) {
		e.Uvarint(n.gen)
		e.Uvarint(n.view)
		e.Str(string(n.votedFor))
		e.Uvarint(n.label)
		e.Uvarint(n.version)
		n.st.encode(e)
	})
	if err := n.env.Disk().WriteFile(slotFiles[n.gen%2], buf); err != nil {
		n.failStop("write: " + err.Error())
		return
	}
	n.sync()
}

// sync starts a Sync, or, while one runs, asks for another after it: a Sync covers only
// the writes made before it was asked for.
func (n *Node) sync() {
	if n.syncing {
		n.dirty = true
		return
	}
	n.syncing, n.dirty = true, false
	m := mark{gen: n.gen, label: n.label, version: n.version}
	n.env.Disk().Sync(func(err error) {
		if err != nil {
			nodeapi.Reach(n.env, EventSyncFailed)
			n.failStop("sync: " + err.Error())
			return
		}
		n.syncing = false
		n.synced(m)
		if n.dirty {
			n.sync()
		}
	})
}

// failStop ends the incarnation where the runtime can restart it from its disk: after a
// failed write or Sync, what the disk holds is unknown.
func (n *Node) failStop(reason string) {
	n.halted = true
	n.env.Logf("register: %s: stopping", reason)
	if fs, ok := n.env.(nodeapi.FailStopper); ok {
		fs.FailStop(reason)
	}
}

// load returns the newest whole record of the two slots (Gen 0 and an empty state when
// there is none).
func load(env nodeapi.Env) (record, error) {
	best := record{State: newState()}
	for _, name := range slotFiles {
		r, ok, err := readSlot(env, name)
		if err != nil {
			return record{}, err
		}
		if ok && r.Gen > best.Gen {
			best = r
		}
	}
	return best, nil
}

// readSlot reads one slot. A missing file or a record cut short is no record; a checksum
// failure is read again once (the read may have been damaged, not the disk), then refused.
func readSlot(env nodeapi.Env, name string) (record, bool, error) {
	for attempt := 1; ; attempt++ {
		data, err := env.Disk().ReadFile(name)
		if errors.Is(err, nodeapi.ErrNotExist) {
			return record{}, false, nil
		}
		if err != nil {
			return record{}, false, err
		}
		payload, size, err := slotFormat.Read(data)
		if errors.Is(err, wire.ErrTorn) {
			nodeapi.Reach(env, EventTornSlot)
			return record{}, false, nil
		}
		if err == nil && size != len(data) {
			err = wire.ErrTrailing
		}
		if err == nil {
			var r record
			if r, err = decodeRecord(payload); err == nil {
				return r, true, nil
			}
		}
		if attempt == 2 {
			return record{}, false, &CorruptionError{File: name, Err: err}
		}
	}
}

func decodeRecord(p []byte) (record, error) {
	d := wire.NewDecoder(p, maxField)
	r := record{Gen: d.Uvarint(), View: d.Uvarint(), VotedFor: nodeapi.NodeID(d.Str()),
		Label: d.Uvarint(), Version: d.Uvarint()}
	r.State = decodeState(&d)
	return r, d.Done()
}
