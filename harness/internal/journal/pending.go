package journal

import "fmt"

// Mark is a position in a Log: a Mark taken by Log.Mark stands just past the ops appended
// so far. A sync takes one when it is asked for and covers exactly the ops before it, so
// the writes made while it runs wait for the next sync. Positions count every op ever
// appended, so a Mark stays valid however many ops are trimmed meanwhile.
type Mark uint64

// Log is a disk's pending ops, oldest first: the writes made and not yet known durable.
// Ops enter at the end (Append) and leave from the front (Trim) once a sync made them
// durable, or a failed sync lost them; a crash forgets them all (Reset).
//
// The zero Log is empty and ready. A Log is not safe for concurrent use: the real disk,
// whose syncs flush from another goroutine, guards it with a mutex. Trim costs the ops it
// removes and Append is amortized constant, so that a flush may trim one op at a time.
type Log struct {
	// ops[head:] are the pending ops; ops[:head] were trimmed and are zeroed, so that they
	// hold no data alive, until an Append reuses the space.
	ops  []Op
	head int
	// base is the position of ops[head]: how many ops have left the log in all.
	base Mark
}

// Append adds op at the end of the log: it stays pending until a sync whose Mark is past
// it is done. op's Data must follow the ownership rule (see Exact).
func (l *Log) Append(op Op) {
	if len(l.ops) == cap(l.ops) && l.head > 0 && l.head >= len(l.ops)/2 {
		// Reuse the trimmed space rather than grow, once it is at least half the log.
		n := copy(l.ops, l.ops[l.head:])
		clear(l.ops[n:])
		l.ops = l.ops[:n]
		l.head = 0
	}
	l.ops = append(l.ops, op)
}

// Len is the number of pending ops.
func (l *Log) Len() int { return len(l.ops) - l.head }

// Ops returns the pending ops, oldest first, to replay (Replay, Image, Tear) or inspect.
// The slice is the log's own: it must not be changed, and holds only until the next
// Append, Trim or Reset.
func (l *Log) Ops() []Op { return l.ops[l.head:] }

// Mark returns the position just past the newest op: what a sync asked for now covers.
func (l *Log) Mark() Mark { return l.base + Mark(l.Len()) }

// Split divides the pending ops at mark into those before it, which a sync that took mark
// covers, and those after, made since. A mark the log has trimmed past covers nothing
// still pending. Like Ops, the slices are the log's own and hold until it next changes.
func (l *Log) Split(mark Mark) (covered, after []Op) {
	ops := l.Ops()
	n := 0
	if mark > l.base {
		n = int(min(mark-l.base, Mark(len(ops))))
	}
	return ops[:n], ops[n:]
}

// Trim removes the n oldest ops, once a sync has made them durable or lost them: later
// ops keep their positions, so Marks already taken still cover the same ops. Trimming
// more ops than are pending is a bug of the caller, and panics.
func (l *Log) Trim(n int) {
	if n < 0 || n > l.Len() {
		panic(fmt.Sprintf("journal: Trim(%d) of a log of %d pending ops", n, l.Len()))
	}
	clear(l.ops[l.head : l.head+n])
	l.head += n
	l.base += Mark(n)
	if l.head == len(l.ops) { // empty: start again at the front of the array
		l.ops = l.ops[:0]
		l.head = 0
	}
}

// Reset forgets every pending op, as a crash does (after Tear, if torn) and a graceful
// stop after replaying them. It lets go of the log's array, and so of the ops' data; Marks
// taken before it cover nothing pending after it.
func (l *Log) Reset() {
	l.base = l.Mark()
	l.ops = nil
	l.head = 0
}

// Replay applies ops to files in full, in order: a sync replays the ops it covers onto the
// durable image, a graceful stop every pending op.
func Replay(files map[string][]byte, ops []Op) {
	for i := range ops {
		Apply(files, &ops[i], Whole)
	}
}

// Image is the rule itself: the image reads see, the durable image with the pending ops
// replayed on it. It returns a new map sharing the durable image's arrays (see Clip) and
// leaves durable as it was.
func Image(durable map[string][]byte, pending []Op) map[string][]byte {
	files := Clip(durable)
	Replay(files, pending)
	return files
}

// Tear performs a crash with a torn write on the durable image: it keeps the pending ops
// up to a random point, and of the op at that point, if it writes bytes, a random prefix
// of them (a Write cut to no bytes still creates or empties its file). What it keeps is
// drawn with intn (intn(n) is in [0, n), as rand.Rand.IntN): first the point, then, only
// for a Write or an Append there, the prefix; with no pending op it draws nothing. The
// simulator's runs depend on that order of draws. The caller then forgets the pending
// ops, as at any crash.
func Tear(durable map[string][]byte, pending []Op, intn func(n int) int) {
	if len(pending) == 0 {
		return
	}
	cut := intn(len(pending) + 1)
	Replay(durable, pending[:cut])
	if cut == len(pending) {
		return
	}
	if op := &pending[cut]; op.Kind == Write || op.Kind == Append {
		Apply(durable, op, intn(len(op.Data)+1))
	}
}
