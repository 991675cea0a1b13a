package model

import (
	"sort"
	"sync"
)

// provenLinearizable reports whether every key of the history (indexed by ki) is
// linearizable within maxStepBudget model steps of porcupine's search: exactly when Check's
// porcupine search would pass the history. Check asks it before porcupine, which then
// searches only when some key fails or needs more steps than the budget allows.
func (w *Workload) provenLinearizable(history []Operation, ki keyIndex) bool {
	start, byKey := ki.groups()
	s := searchers.Get().(*searcher)
	defer searchers.Put(s)
	s.use(w)
	for k := range ki.keys {
		if !s.linearizable(history, byKey[start[k]:start[k+1]], maxStepBudget) {
			return false
		}
	}
	return true
}

// Porcupine decides one key by a depth-first search over the key's calls and returns in
// time order (Wing and Gong's, with Lowe's memo of visited states): it linearizes the first
// pending call the model accepts, backtracks at a return whose call it has not linearized,
// and skips a (linearized set, state) pair it has seen. Check's step budget counts the model
// steps of that search. A search allocates a heap node per call and return, boxes every
// operation, clones its linearized set at every step and spawns a goroutine per key; on the
// standard workload that was most of the cost of a check.
//
// searcher runs the same search, step for step, over index arrays and one memo table reused
// from key to key: the same entries in the same order (sorted as porcupine sorts them), the
// same model calls, so it linearizes a key within a number of steps exactly when porcupine
// does. It only proves keys linearizable: a key it cannot linearize within the budget is
// left to porcupine, which decides it and keeps the data the HTML view shows. A key whose
// operations are sequential (the liveness probe's and the stability window's, one at a
// time on a key of their own; a key only one client touched) it decides by stepping the
// model once per operation, which is what the search does on such a key.
type searcher struct {
	w     *Workload
	equal func(a, b any) bool
	hash  func(s any) uint64

	entries []searchEntry
	// next and prev link the entries not yet linearized in time order; position
	// len(entries) is the list's head, and -1 ends it. match holds, for a call's position,
	// its return's.
	next, prev, match []int32
	retAt             []int32 // an operation's return position, while linking
	linearized        []uint64
	stack             []searchFrame
	memo              searchMemo
}

// searchEntry is the call (ret false) or the return of operation op of the key, at time.
type searchEntry struct {
	time int64
	ret  bool
	op   int32
}

// searchFrame is a linearized call: its position and the state before it.
type searchFrame struct {
	pos   int32
	state any
}

func newSearcher(w *Workload) *searcher {
	s := &searcher{}
	s.use(w)
	return s
}

// searchers keeps searchers from check to check, with the arrays they grew: checks run
// in parallel, and a searcher serves one at a time.
var searchers = sync.Pool{New: func() any { return &searcher{} }}

// use readies s for checks under w's model.
func (s *searcher) use(w *Workload) {
	s.w, s.equal, s.hash = w, w.equal(), w.hash()
}

// byEntryTime is porcupine's entry order: by time, a call before a return at the same
// instant. sort.Sort is not stable, but it is deterministic: given the entries in
// porcupine's order before sorting (each operation's call, then its return, in history
// order) and the same comparisons, it leaves ties in porcupine's order too.
type byEntryTime []searchEntry

func (a byEntryTime) Len() int           { return len(a) }
func (a byEntryTime) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }
func (a byEntryTime) Less(i, j int) bool { return entryBefore(a[i], a[j]) }

// linearizable reports whether the search finds a linearization of the operations idx of
// history (one key's, in history order) within most model steps.
func (s *searcher) linearizable(history []Operation, idx []int32, most int) bool {
	s.sortEntries(history, idx)
	if s.sequential() {
		return s.stepThrough(history, idx, most)
	}
	s.link(len(idx))
	head := int32(len(s.entries))
	s.memo.reset(len(s.linearized))
	s.stack = s.stack[:0]
	state := s.w.Spec.Init()
	steps := 0
	for p := s.next[head]; s.next[head] != -1; {
		e := s.entries[p]
		if e.ret {
			// Every pending operation before this return was tried: undo the last call.
			if len(s.stack) == 0 {
				return false
			}
			top := s.stack[len(s.stack)-1]
			s.stack = s.stack[:len(s.stack)-1]
			p, state = top.pos, top.state
			s.flip(s.entries[p].op)
			s.unlift(p)
			p = s.next[p]
			continue
		}
		if steps == most {
			return false
		}
		steps++
		o := &history[idx[e.op]]
		ok, after := s.w.Spec.Step(state, o.Op, o.Outcome)
		if !ok {
			p = s.next[p]
			continue
		}
		s.flip(e.op)
		if !s.memo.add(s.linearized, s.hash(after), after, s.equal) {
			s.flip(e.op) // seen: this order leads nowhere new
			p = s.next[p]
			continue
		}
		s.stack = append(s.stack, searchFrame{pos: p, state: state})
		state = after
		s.lift(p)
		p = s.next[head]
	}
	return true
}

// sequential reports whether the key's operations are sequential, each returning before
// the next is called: its entries alternate between an operation's call and its return.
// Two that touch at an instant are concurrent (a call sorts before a return at the same
// time), and so is an unknown outcome before the last operation (it returns at Never).
func (s *searcher) sequential() bool {
	for p := 0; p < len(s.entries); p += 2 {
		if s.entries[p].ret || s.entries[p+1].op != s.entries[p].op {
			return false
		}
	}
	return true
}

// stepThrough is the search of a sequential key. The search then never backtracks unless a
// step fails, and its memo never holds the linearized set it meets, which grows by one
// operation a step: it takes the model's steps in call order, and a refused step means the
// key has no linearization.
func (s *searcher) stepThrough(history []Operation, idx []int32, most int) bool {
	state := s.w.Spec.Init()
	for p := 0; p < len(s.entries); p += 2 {
		if p/2 == most {
			return false
		}
		o := &history[idx[s.entries[p].op]]
		ok, after := s.w.Spec.Step(state, o.Op, o.Outcome)
		if !ok {
			return false
		}
		state = after
	}
	return true
}

// sortEntries lists the key's entries in porcupine's order. They come nearly sorted, a
// history being recorded as its operations complete (only a call that overlaps an earlier
// operation is out of place), so an insertion sort orders them in about one comparison
// each. Without ties the order is total and it is porcupine's; on a tie, or when the
// entries prove far from sorted, they are sorted again as porcupine sorts them.
func (s *searcher) sortEntries(history []Operation, idx []int32) {
	s.collect(history, idx)
	if !insertionSort(s.entries, 8*len(s.entries)) {
		s.collect(history, idx)
		sort.Sort(byEntryTime(s.entries))
	}
}

// insertionSort sorts e by time, a call before a return at the same instant, moving
// entries at most moves times; it reports false, leaving e in some order, on a tie (two
// calls or two returns at the same instant) or when it would move more.
func insertionSort(e []searchEntry, moves int) bool {
	for p := 1; p < len(e); p++ {
		x, q := e[p], p
		for ; q > 0 && entryBefore(x, e[q-1]); q-- {
			if moves == 0 {
				return false
			}
			moves--
			e[q] = e[q-1]
		}
		e[q] = x
		if q > 0 && x.time == e[q-1].time && x.ret == e[q-1].ret {
			return false
		}
	}
	return true
}

// entryBefore is byEntryTime's order: by time, a call before a return at the same instant.
func entryBefore(a, b searchEntry) bool {
	return a.time < b.time || a.time == b.time && !a.ret && b.ret
}

// link links the sorted entries of ops operations in order, the head first.
func (s *searcher) link(ops int) {
	m := len(s.entries)
	s.next = resized(s.next, m+1)
	s.prev = resized(s.prev, m+1)
	s.match = resized(s.match, m)
	s.retAt = resized(s.retAt, ops)
	for p, e := range s.entries {
		s.next[p], s.prev[p] = int32(p+1), int32(p-1)
		if e.ret {
			s.retAt[e.op] = int32(p)
		}
	}
	if m > 0 {
		s.next[m-1], s.prev[0] = -1, int32(m)
		s.next[m], s.prev[m] = 0, -1
	} else {
		s.next[m], s.prev[m] = -1, -1
	}
	for p, e := range s.entries {
		if !e.ret {
			s.match[p] = s.retAt[e.op]
		}
	}
	s.linearized = resized(s.linearized, (ops+63)/64)
	clear(s.linearized)
}

// collect lists the key's entries in porcupine's order before sorting.
func (s *searcher) collect(history []Operation, idx []int32) {
	s.entries = s.entries[:0]
	for j, i := range idx {
		o := &history[i]
		ret := o.Return
		if o.Outcome.Unknown {
			ret = Never
		}
		s.entries = append(s.entries, searchEntry{time: o.Call, op: int32(j)},
			searchEntry{time: ret, ret: true, op: int32(j)})
	}
}

// lift takes a call and its return out of the list; unlift puts them back.
func (s *searcher) lift(p int32) {
	s.unlink(p)
	s.unlink(s.match[p])
}

func (s *searcher) unlink(p int32) {
	s.next[s.prev[p]] = s.next[p]
	if n := s.next[p]; n != -1 {
		s.prev[n] = s.prev[p]
	}
}

func (s *searcher) unlift(p int32) {
	s.relink(s.match[p])
	s.relink(p)
}

func (s *searcher) relink(p int32) {
	s.next[s.prev[p]] = p
	if n := s.next[p]; n != -1 {
		s.prev[n] = p
	}
}

// flip toggles operation op in the linearized set.
func (s *searcher) flip(op int32) { s.linearized[op/64] ^= 1 << (op % 64) }

// resized returns a slice of n elements, reusing b's array when it is large enough.
func resized[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
