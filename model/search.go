package model

import "sort"

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
// left to porcupine, which decides it and keeps the data the HTML view shows.
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
	return &searcher{w: w, equal: w.equal(), hash: w.hash()}
}

// byEntryTime is porcupine's entry order: by time, a call before a return at the same
// instant. sort.Sort is not stable, but it is deterministic: given the entries in
// porcupine's order before sorting (each operation's call, then its return, in history
// order) and the same comparisons, it leaves ties in porcupine's order too.
type byEntryTime []searchEntry

func (a byEntryTime) Len() int      { return len(a) }
func (a byEntryTime) Swap(i, j int) { a[i], a[j] = a[j], a[i] }
func (a byEntryTime) Less(i, j int) bool {
	if a[i].time != a[j].time {
		return a[i].time < a[j].time
	}
	return !a[i].ret && a[j].ret
}

// linearizable reports whether the search finds a linearization of the operations idx of
// history (one key's, in history order) within most model steps.
func (s *searcher) linearizable(history []Operation, idx []int32, most int) bool {
	s.link(history, idx)
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

// link sorts the key's entries and links them in order, the head first.
func (s *searcher) link(history []Operation, idx []int32) {
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
	sort.Sort(byEntryTime(s.entries))
	m := len(s.entries)
	s.next = resized(s.next, m+1)
	s.prev = resized(s.prev, m+1)
	s.match = resized(s.match, m)
	s.retAt = resized(s.retAt, len(idx))
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
	s.linearized = resized(s.linearized, (len(idx)+63)/64)
	clear(s.linearized)
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
