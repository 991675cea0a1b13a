package harness

import (
	"bytes"
	"fmt"
	"slices"
)

// The simulated disk's invariant is current == durable + pending: what reads see is the
// durable image with the pending log replayed on it. A slip in the sharing of file slices
// between the images (see simDisk) would break it silently and make a correct system look
// broken, or a broken one correct, so it is asserted where the images change: cheaply on
// every sync, fully on every crash, stop and lost sync. A violation is a harness bug: the
// panic comes from the world's own code and is reported as a *HarnessPanicError.

// checkSynced runs after a sync applied synced to the durable image, with pending still to
// come. It compares every file's size in current with durable + pending, and the bytes the
// sync just made durable, for files the pending ops leave alone: the cost is the number of
// files plus the bytes synced, not the size of the disk.
func (d *simDisk) checkSynced(synced, pending []diskOp) {
	want := sizes(d.durable)
	for i := range pending {
		replaySize(want, &pending[i])
	}
	d.checkSizes(want, "sync")
	written := map[string]int{}
	for i := range synced {
		if op := &synced[i]; op.kind == opWrite || op.kind == opAppend {
			written[op.name] += len(op.data)
		}
	}
	for name, n := range written { // order does not matter: any mismatch panics
		if touches(pending, name) {
			continue
		}
		dur, cur := d.durable[name], d.current[name]
		n = min(n, len(dur))
		if !bytes.Equal(dur[len(dur)-n:], cur[len(cur)-n:]) {
			d.broken("sync", fmt.Sprintf("the %d bytes just synced to %q differ", n, name))
		}
	}
}

// checkAll compares current with durable + pending in full.
func (d *simDisk) checkAll(where string) {
	want := clip(d.durable)
	for i := range d.log {
		apply(want, &d.log[i], -1)
	}
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

// replaySize does to a map of file sizes what apply does to the files.
func replaySize(sizes map[string]int, op *diskOp) {
	switch op.kind {
	case opWrite:
		sizes[op.name] = len(op.data)
	case opAppend:
		sizes[op.name] += len(op.data)
	case opTruncate:
		if n, ok := sizes[op.name]; ok {
			sizes[op.name] = min(n, op.size)
		}
	case opRename:
		if n, ok := sizes[op.name]; ok {
			sizes[op.to] = n
			delete(sizes, op.name)
		}
	case opRemove:
		delete(sizes, op.name)
	}
}

// touches reports whether any op of ops reads or writes the file name.
func touches(ops []diskOp, name string) bool {
	return slices.ContainsFunc(ops, func(op diskOp) bool {
		return op.name == name || op.to == name
	})
}

func sortedNames[V any](files map[string]V) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
