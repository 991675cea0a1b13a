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
