package raft

// entryRecord is the ghost's record of every (index, term) ever appended anywhere and what
// its holders must agree on. Indexes are dense and nearly every index only ever holds one
// term, so the first term recorded at an index sits in a slice indexed by it, and only the
// rarer others (entries a new leader replaced) go to a map: the check after every event
// looks up each entry a node appended, and hashing a key cost more than the rest of it.
type entryRecord struct {
	first  []entrySlot
	others map[entryKey]entryGhost
}

// entrySlot is the first term recorded at an index (0: none yet) and its ghost.
type entrySlot struct {
	term uint64
	g    entryGhost
}

// maxSlotIndex bounds the slice: entries past it (never in a bounded run) go to the map.
const maxSlotIndex = 1 << 22

// get returns the ghost recorded for k, if any.
func (r *entryRecord) get(k entryKey) (entryGhost, bool) {
	if k.term != 0 && k.index < maxSlotIndex {
		if k.index >= uint64(len(r.first)) {
			return entryGhost{}, false // put grows the slice for every such key
		}
		switch s := &r.first[k.index]; s.term {
		case k.term:
			return s.g, true
		case 0:
			return entryGhost{}, false
		}
	}
	g, ok := r.others[k]
	return g, ok
}

// put records g for k, which get has just reported absent.
func (r *entryRecord) put(k entryKey, g entryGhost) {
	if k.index < maxSlotIndex && k.term != 0 {
		if k.index >= uint64(len(r.first)) {
			r.first = append(r.first, make([]entrySlot, k.index+1-uint64(len(r.first)))...)
		}
		if s := &r.first[k.index]; s.term == 0 {
			*s = entrySlot{term: k.term, g: g}
			return
		}
	}
	if r.others == nil {
		r.others = map[entryKey]entryGhost{}
	}
	r.others[k] = g
}
