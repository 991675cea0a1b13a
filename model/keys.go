package model

import (
	"slices"
	"strings"
)

// keyIndex is what Check needs to know of a history's keys, found in one pass: the
// distinct keys in sorted order (the order of the model's partitions), the number of
// operations on each, and each operation's key as an index into keys.
type keyIndex struct {
	keys   []string
	counts []int
	of     []int32
}

func indexKeys(history []Operation) keyIndex {
	ids := make(map[string]int32) // a key's index in order of first appearance
	var seen []string
	of := make([]int32, len(history))
	for i := range history {
		key := history[i].Op.Key
		id, ok := ids[key]
		if !ok {
			id = int32(len(seen))
			ids[key] = id
			seen = append(seen, key)
		}
		of[i] = id
	}
	order := make([]int32, len(seen)) // first-appearance indexes in key order
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(seen[a], seen[b]) })
	rank := make([]int32, len(seen))
	keys := make([]string, len(seen))
	for r, id := range order {
		rank[id], keys[r] = int32(r), seen[id]
	}
	counts := make([]int, len(seen))
	for i, id := range of {
		of[i] = rank[id]
		counts[of[i]]++
	}
	return keyIndex{keys: keys, counts: counts, of: of}
}

// groups returns the operations' indexes grouped by key, in history order, in one array:
// the operations on keys[k] are byKey[start[k]:start[k+1]].
func (ki keyIndex) groups() (start []int, byKey []int32) {
	start = make([]int, len(ki.keys)+1)
	for i, c := range ki.counts {
		start[i+1] = start[i] + c
	}
	next := slices.Clone(start[:len(ki.keys)])
	byKey = make([]int32, len(ki.of))
	for i, k := range ki.of {
		byKey[next[k]] = int32(i)
		next[k]++
	}
	return start, byKey
}
