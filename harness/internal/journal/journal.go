// Package journal is the one rule of a disk's pending writes, shared by the simulated disk
// (harness/sim) and the real runtime's lazy disk (harness/realrt):
//
//	reads see what is synced plus what is pending;
//	a crash keeps what was synced (plus, when torn, a prefix of the pending).
//
// A disk holds an image of its files, a map from name to contents. The durable image is
// what survives a crash; the current image, what reads see, is the durable one with the
// pending writes replayed on it (Image). Each write is an Op: applied to the current image
// at once (Apply) and appended to the pending Log; a sync replays the ops it covers onto the
// durable image (Replay) and trims them from the log; a crash forgets the log (Log.Reset),
// or with a torn write first keeps a prefix of it (Tear).
//
// The simulator keeps both images in memory. The real lazy disk keeps only the current one:
// its durable image is the files, onto which a sync performs the covered ops itself.
//
// # Sharing file contents
//
// Images and ops share byte slices without copying, which keeps the simulator's hot path
// free of copies. That is safe because of one ownership rule: a slice whose capacity
// exceeds its length belongs to exactly one image entry, so an append that can grow it in
// place only writes bytes no one else sees. Every place that makes a slice keeps the rule:
// an op's data is an exact-capacity copy of the caller's bytes (Exact), a truncation or a
// torn write clips capacity to length (Apply), and a second image made from a first one
// clips every file (Clip). A rename moves the entry, which stays the only owner. A slice
// that enters an image any other way (a file read from disk, say) must be owned by that
// image entry alone.
//
// The package uses the standard library only, so that the real runtime links none of the
// simulator through it.
package journal

// Kind is what an Op does to its file.
type Kind uint8

// The kinds of Op, one per writing method of nodeapi.Disk. The zero Kind is no op at all,
// so that a zeroed Op is never mistaken for a write.
const (
	// Write replaces the file Name with Data, creating it if needed.
	Write Kind = iota + 1
	// Append adds Data at the end of Name, creating it if needed.
	Append
	// Truncate cuts Name to Size bytes.
	Truncate
	// Rename makes To hold Name's contents and removes Name. The two differ: a disk makes
	// no op of a rename onto itself, which changes nothing.
	Rename
	// Remove deletes Name.
	Remove
)

// Whole is the limit Apply takes to perform an op in full, as every write but a torn one.
const Whole = -1

// Op is one write to a disk: pending from the moment it is made until a sync makes it
// durable, or a crash or failed sync loses it. Data is owned by the op and has capacity
// equal to its length (see Exact); ops never change once made, so images may share it.
type Op struct {
	Kind Kind
	// Name is the file the op writes; To is the new name of a Rename.
	Name, To string
	// Data is the bytes of a Write or an Append.
	Data []byte
	// Size is the length a Truncate cuts to.
	Size int
}

// Apply performs op on the image files. A limit >= 0 keeps only that many bytes of a Write
// or an Append, cut to that capacity too: a torn write. Whole performs it in full.
//
// An op whose file is missing (a Truncate, a Rename), or a Truncate past the end, does
// what it can: nothing, or nothing past the end. A disk checks each op against its current
// image before it makes it, so only an image it was not checked against meets such an op:
// the simulator's images after a failed sync dropped the write that made the file
// (fsyncgate), which must then replay the rest of the log alike.
func Apply(files map[string][]byte, op *Op, limit int) {
	data := op.Data
	if limit >= 0 && limit < len(data) {
		data = data[:limit:limit]
	}
	switch op.Kind {
	case Write:
		files[op.Name] = data
	case Append:
		if f := files[op.Name]; len(f) == 0 && len(data) > 0 {
			// The first bytes of a file share the op's data, as a Write does: it is
			// immutable and its capacity is its length, so the next append copies out. A
			// new log segment starts with one large append, which is then not copied.
			files[op.Name] = data
		} else {
			files[op.Name] = append(f, data...)
		}
	case Truncate:
		if f, ok := files[op.Name]; ok {
			size := min(op.Size, len(f))
			files[op.Name] = f[:size:size]
		}
	case Rename:
		if f, ok := files[op.Name]; ok {
			files[op.To] = f
			delete(files, op.Name)
		}
	case Remove:
		delete(files, op.Name)
	}
}

// Clip returns a copy of the image files whose slices have capacity equal to length, so
// that the two images can share arrays: an append to either copies out. Map order does not
// matter here, so Clip is deterministic.
func Clip(files map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for name, f := range files { // order does not matter: the result is a map
		out[name] = f[:len(f):len(f)]
	}
	return out
}

// Exact returns a copy of p whose capacity equals its length: what an Op's Data must be,
// since the caller may change p once the write returns and images may share the copy.
// The copy of an empty p is empty and not nil, so a written empty file reads back as such.
func Exact(p []byte) []byte {
	out := make([]byte, len(p))
	copy(out, p)
	return out
}
