package sim

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/harness/internal/journal"
)

// The simulated disk's invariant is current == durable + pending: what reads see is the
// durable image with the pending log replayed on it. A slip in the sharing of file slices
// between the images (see simDisk) would break it silently and make a correct system look
// broken, or a broken one correct, so it is asserted where the images change: cheaply on
// every sync, fully on every crash, stop and lost sync. A violation is a harness bug: the
// panic comes from the world's own code and is reported as a *HarnessPanicError.

// checkSynced runs after a sync applied synced to the durable image, with pending still to
// come. For every file the sync touched and the pending ops leave alone, durable and
// current must now agree: the same presence, the same size, the same bytes where the sync
// wrote. Files the sync did not touch kept their agreement from the last check. The cost
// is the ops synced times the ops pending plus the bytes synced, not the size of the disk;
// it allocates nothing.
func (d *simDisk) checkSynced(synced, pending []journal.Op) {
	for i := range synced {
		for _, name := range [2]string{synced[i].Name, synced[i].To} {
			if name == "" || touches(synced[:i], name) || touches(pending, name) {
				continue
			}
			d.checkFile(name, writtenTo(synced, name))
		}
	}
}

// checkFile compares one file of the two images, and the last n bytes of it in full.
func (d *simDisk) checkFile(name string, n int) {
	dur, inDur := d.durable[name]
	cur, inCur := d.current[name]
	if inDur != inCur || len(dur) != len(cur) {
		d.broken("sync", fmt.Sprintf("file %q: %d bytes (present %v) durable, %d (present "+
			"%v) current", name, len(dur), inDur, len(cur), inCur))
	}
	n = min(n, len(dur))
	if !bytes.Equal(dur[len(dur)-n:], cur[len(cur)-n:]) {
		d.broken("sync", fmt.Sprintf("the %d bytes just synced to %q differ", n, name))
	}
}

// writtenTo counts the bytes ops wrote or appended to the file name.
func writtenTo(ops []journal.Op, name string) int {
	n := 0
	for i := range ops {
		op := &ops[i]
		if op.Name == name && (op.Kind == journal.Write || op.Kind == journal.Append) {
			n += len(op.Data)
		}
	}
	return n
}

// checkAll compares current with durable + pending in full. When every pending op is an
// append (a log being written, the common case at a crash) it compares in place, file by
// file, without building the image; otherwise it builds durable + pending and compares.
func (d *simDisk) checkAll(where string) {
	if d.checkAppends(where) {
		return
	}
	// journal.Image spelled out: inlined, Clip's map stays on the stack.
	want := journal.Clip(d.durable)
	journal.Replay(want, d.log.Ops())
	d.checkSizes(sizes(want), where)
	for _, name := range sortedNames(want) {
		if !bytes.Equal(want[name], d.current[name]) {
			d.broken(where, fmt.Sprintf("file %q differs", name))
		}
	}
}

// checkSizes compares the names and sizes of current's files with want.
func (d *simDisk) checkSizes(want map[string]int, where string) {
	if len(want) != len(d.current) {
		d.broken(where, fmt.Sprintf("%d files, want %d", len(d.current), len(want)))
	}
	for _, name := range sortedNames(d.current) {
		if n, ok := want[name]; !ok || n != len(d.current[name]) {
			d.broken(where, fmt.Sprintf("file %q has %d bytes, want %d (present %v)", name,
				len(d.current[name]), n, ok))
		}
	}
}

func (d *simDisk) broken(where, what string) {
	panic(fmt.Sprintf("harness: disk of %s: current != durable + pending at %s: %s",
		d.n.id, where, what))
}

// sizes maps each file to its length.
func sizes(files map[string][]byte) map[string]int {
	out := make(map[string]int, len(files))
	for name, f := range files { // order does not matter: the result is a map
		out[name] = len(f)
	}
	return out
}

// touches reports whether any op of ops reads or writes the file name.
func touches(ops []journal.Op, name string) bool {
	for i := range ops {
		if ops[i].Name == name || ops[i].To == name {
			return true
		}
	}
	return false
}

func sortedNames[V any](files map[string]V) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// checkAppends compares current with durable + pending without building the image, if
// every pending op is an append; it reports whether it could.
func (d *simDisk) checkAppends(where string) bool {
	ops := d.log.Ops()
	for i := range ops {
		if ops[i].Kind != journal.Append {
			return false
		}
	}
	created := 0
	for i := range ops {
		if _, ok := d.durable[ops[i].Name]; !ok && !touches(ops[:i], ops[i].Name) {
			created++
		}
	}
	if len(d.current) != len(d.durable)+created {
		d.broken(where, fmt.Sprintf("%d files, want %d", len(d.current),
			len(d.durable)+created))
	}
	for _, name := range sortedNames(d.current) {
		d.checkAppended(where, name, ops)
	}
	return true
}

// checkAppended checks that current's file name is durable's followed by the data of the
// pending appends to it, in order.
func (d *simDisk) checkAppended(where, name string, ops []journal.Op) {
	cur := d.current[name]
	dur, ok := d.durable[name]
	if !ok && !touches(ops, name) {
		d.broken(where, fmt.Sprintf("file %q is in current only", name))
	}
	if len(cur) < len(dur) || !bytes.Equal(cur[:len(dur)], dur) {
		d.broken(where, fmt.Sprintf("file %q differs", name))
	}
	rest := cur[len(dur):]
	for i := range ops {
		if ops[i].Name != name {
			continue
		}
		data := ops[i].Data
		if len(rest) < len(data) || !bytes.Equal(rest[:len(data)], data) {
			d.broken(where, fmt.Sprintf("file %q differs", name))
		}
		rest = rest[len(data):]
	}
	if len(rest) != 0 {
		d.broken(where, fmt.Sprintf("file %q has %d bytes, want %d", name, len(cur),
			len(cur)-len(rest)))
	}
}
