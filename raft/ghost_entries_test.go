package raft

import (
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEntryRecordActsAsAMap: the ghost's entry record answers every lookup as a map would,
// through a random mix of indexes (dense, sparse, past the slice's bound), several terms per
// index and term 0.
func TestEntryRecordActsAsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var rec entryRecord
	want := map[entryKey]entryGhost{}
	for i := range 20000 {
		k := entryKey{index: rng.Uint64N(300), term: rng.Uint64N(4)}
		if i%50 == 0 {
			k.index = maxSlotIndex + rng.Uint64N(4)
		}
		g, ok := rec.get(k)
		wg, wok := want[k]
		require.Equal(t, wok, ok, "%v", k)
		require.Equal(t, wg, g, "%v", k)
		if !ok {
			eg := entryGhost{prevTerm: rng.Uint64(), hash: rng.Uint64()}
			rec.put(k, eg)
			want[k] = eg
		}
	}
	require.NotEmpty(t, rec.others, "several terms at an index reach the map")
	require.LessOrEqual(t, len(rec.first), 300, "indexes past the bound stay out of the slice")
}

// TestEntryHashIsFNV1a: the ghost's entry hash, which reads eight bytes at a time, is
// FNV-1a over the type byte and the data, byte by byte, at every length around a word.
func TestEntryHashIsFNV1a(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := range 40 {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		h := fnv.New64a()
		h.Write(append([]byte{byte(entryCommand)}, data...))
		require.Equal(t, h.Sum64(), entryHash(&Entry{Type: entryCommand, Data: data}), "%d bytes", n)
	}
}
