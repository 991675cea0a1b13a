package sim

import (
	"bytes"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
)

// replaySynced makes the ops a sync covers durable. Most syncs cover appends to a log
// file that later ops only append to: the durable file then becomes a prefix of what
// current holds, so instead of growing a second copy of the file by the same appends,
// durable takes current's bytes up to that length, clipped (package journal's ownership
// rule: current keeps the only slice that may grow in place, beyond those bytes, and no
// op ever changes bytes below a slice's length). Before it shares, it checks what the
// appends check would: the file's durable bytes and the appended data are current's, byte
// for byte; any other op, or a file a later op does more than append to, is replayed as
// always.
func (d *simDisk) replaySynced(synced, pending []journal.Op) {
	for i := range synced {
		op := &synced[i]
		if op.Kind != journal.Append || !onlyAppends(synced[i+1:], op.Name) ||
			!onlyAppends(pending, op.Name) || !d.shareCurrent(op) {
			journal.Apply(d.durable, op, journal.Whole)
		}
	}
}

// onlyAppends reports whether every op of ops that touches the file name appends to it.
func onlyAppends(ops []journal.Op, name string) bool {
	for i := range ops {
		op := &ops[i]
		if (op.Name == name || op.To == name) && (op.Kind != journal.Append || op.To != "") {
			return false
		}
	}
	return true
}

// shareCurrent points durable's file op.Name at the prefix of current's that is durable's
// followed by op's data, if current's starts so; it reports whether it did.
func (d *simDisk) shareCurrent(op *journal.Op) bool {
	cur, ok := d.current[op.Name]
	dur := d.durable[op.Name]
	n := len(dur) + len(op.Data)
	if !ok || len(cur) < n || !bytes.Equal(cur[len(dur):n], op.Data) {
		return false
	}
	// The same array holds the same bytes (they never change below a length), so only a
	// prefix in another array is compared.
	if len(dur) > 0 && &dur[0] != &cur[0] && !bytes.Equal(dur, cur[:len(dur)]) {
		return false
	}
	d.durable[op.Name] = cur[:n:n]
	return true
}
