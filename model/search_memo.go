package model

// searchMemo is the searcher's set of visited (linearized set, state) pairs: an open
// addressing table over records whose sets share one array, emptied between keys and kept
// with its searcher, so that it allocates only when it grows, never per step. Which pairs
// it holds depends only on Equal, never on the hash, as in porcupine's memo.
type searchMemo struct {
	slots []int32 // a record's index plus one; 0 is empty. The length is a power of two.
	recs  []memoRecord
	sets  []uint64 // record i's set is sets[i*width : (i+1)*width]
	width int
}

type memoRecord struct {
	hash  uint64
	state any
}

// reset empties the memo for sets of width words.
func (m *searchMemo) reset(width int) {
	clear(m.slots)
	clear(m.recs) // drop the states for the collector
	m.recs, m.sets, m.width = m.recs[:0], m.sets[:0], width
	if len(m.slots) == 0 {
		m.slots = make([]int32, 256)
	}
}

// add records the pair (set, state) and reports whether it was new; stateHash is the
// state's hash, and equal compares states.
func (m *searchMemo) add(set []uint64, stateHash uint64, state any,
	equal func(a, b any) bool) bool {
	h := stateHash
	for _, w := range set {
		h = (h ^ w) * 0xff51afd7ed558ccd
	}
	mask := uint64(len(m.slots) - 1)
	i := slotOf(h, mask)
	for ; m.slots[i] != 0; i = (i + 1) & mask {
		r := int(m.slots[i] - 1)
		if m.recs[r].hash == h && m.sameSet(r, set) && equal(state, m.recs[r].state) {
			return false
		}
	}
	m.recs = append(m.recs, memoRecord{hash: h, state: state})
	m.sets = append(m.sets, set...)
	m.slots[i] = int32(len(m.recs))
	if 2*len(m.recs) > len(m.slots) {
		m.grow()
	}
	return true
}

func (m *searchMemo) sameSet(r int, set []uint64) bool {
	for j, w := range m.sets[r*m.width : (r+1)*m.width] {
		if set[j] != w {
			return false
		}
	}
	return true
}

// grow doubles the table and places every record again.
func (m *searchMemo) grow() {
	m.slots = make([]int32, 2*len(m.slots))
	mask := uint64(len(m.slots) - 1)
	for r, rec := range m.recs {
		i := slotOf(rec.hash, mask)
		for m.slots[i] != 0 {
			i = (i + 1) & mask
		}
		m.slots[i] = int32(r + 1)
	}
}

// slotOf is a hash's first slot. The multiplications of the hash carry its inputs into the
// high bits, so those are folded into the low bits the mask keeps.
func slotOf(h, mask uint64) uint64 { return (h ^ h>>32) & mask }
