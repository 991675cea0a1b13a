package raft

import (
	"math"
	"strings"
	"testing"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// rotateSize bounds what rotate writes, with varints at their longest and fields of every
// length, so rotate's buffer is allocated once at its size and never grows.
func TestRotateSizeBoundsTheSegment(t *testing.T) {
	big := uint64(math.MaxUint64)
	log := &raftLog{snapIndex: big - 100, snapTerm: big,
		baseVoters: []nodeapi.NodeID{"n1", nodeapi.NodeID(strings.Repeat("v", 300))}}
	for i := range 40 {
		log.entries = append(log.entries, Entry{Index: big - 99 + uint64(i), Term: big,
			Type: entryCommand, Data: []byte(strings.Repeat("d", i*i))})
	}
	log.entries = append(log.entries, Entry{Index: big - 59, Term: big, Type: entryNoop})
	vote := nodeapi.NodeID(strings.Repeat("c", 200))
	d := newMemDisk()
	w := wal{disk: d}
	if _, err := w.rotate(big, vote, log); err != nil {
		t.Fatal(err)
	}
	written := d.files[w.current()]
	if n := rotateSize(vote, log); len(written) > n || cap(w.buf) != n {
		t.Fatalf("rotate wrote %d bytes in a buffer of %d; rotateSize %d must bound it and "+
			"be the buffer's only size", len(written), cap(w.buf), n)
	}
	// A second rotation of the same log reuses the buffer.
	before := &w.buf[:1][0]
	if _, err := w.rotate(big, vote, log); err != nil {
		t.Fatal(err)
	}
	if &w.buf[:1][0] != before {
		t.Fatal("a rotation of a log that fits the buffer allocated a new one")
	}
}

// entryRecords counts the entry records of a segment as rotate writes it (hard state,
// base, entries) and stops at a torn tail; replay then finds its room made.
func TestEntryRecordsCountsASegment(t *testing.T) {
	log := &raftLog{baseVoters: []nodeapi.NodeID{"n1"}}
	for i := range 30 {
		log.entries = append(log.entries, Entry{Index: uint64(i + 1), Term: 1,
			Type: entryCommand, Data: []byte("cmd")})
	}
	d := newMemDisk()
	w := wal{disk: d}
	if _, err := w.rotate(1, "n1", log); err != nil {
		t.Fatal(err)
	}
	seg := d.files[w.current()]
	if got := entryRecords(seg); got != 30 {
		t.Fatalf("counted %d entry records, want 30", got)
	}
	if got := entryRecords(seg[:len(seg)-3]); got != 29 {
		t.Fatalf("counted %d entry records in a torn segment, want 29", got)
	}
	rec, err := recoverDisk(d, []nodeapi.NodeID{"n1"})
	if err != nil {
		t.Fatal(err)
	}
	// Room for a quarter more, up to the allocator's size class: at most what one
	// allocation of that many entries holds (grown one entry at a time, the log would have
	// room for 32).
	most := cap(append([]Entry(nil), make([]Entry, 30+30/4)...))
	if n, c := len(rec.log.entries), cap(rec.log.entries); n != 30 || c < 30+30/4 || c > most {
		t.Fatalf("recovered %d entries with room for %d, want 30 and %d to %d", n, c,
			30+30/4, most)
	}
}
