package sim

import (
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// benchDisk is a one-node world of idle nodes whose disk syncs in 1 ms, and the node's disk.
func benchDisk(b *testing.B) (*World, *simDisk) {
	w, err := NewWorld(idleSys{}, Options{Seed: 1,
		Disk: DiskFaults{SyncLatencyMin: time.Millisecond, SyncLatencyMax: time.Millisecond}})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.AddNode("n1", nodeapi.Boot{}); err != nil {
		b.Fatal(err)
	}
	return w, w.nodes[0].disk
}

var benchRecord = make([]byte, 64)

// BenchmarkDiskWAL measures the disk's hot path as a write-ahead log uses it: one op is one
// 64-byte append; every 8th append asks for a sync and the world completes the oldest
// sync; every 1024th truncates the log and writes and renames a snapshot.
func BenchmarkDiskWAL(b *testing.B) {
	w, d := benchDisk(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if err := d.Append("wal", benchRecord); err != nil {
			b.Fatal(err)
		}
		if i%8 == 7 {
			d.Sync(func(error) {})
			if ok, err := w.Step(); !ok || err != nil {
				b.Fatalf("step: %v %v", ok, err)
			}
		}
		if i%1024 == 1023 {
			benchSnapshot(b, d)
		}
	}
}

func benchSnapshot(b *testing.B, d *simDisk) {
	for _, err := range []error{d.WriteFile("snap.tmp", benchRecord),
		d.Rename("snap.tmp", "snap"), d.Truncate("wal", 0)} {
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiskCrash measures crashes with torn writes: one op is 64 appends, one sync
// completed, 32 more appends left pending, a torn crash and a restart.
func BenchmarkDiskCrash(b *testing.B) {
	w, d := benchDisk(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for j := range 96 {
			if err := d.Append("wal", benchRecord); err != nil {
				b.Fatal(err)
			}
			if j == 63 {
				d.Sync(func(error) {})
				if ok, err := w.Step(); !ok || err != nil {
					b.Fatalf("step: %v %v", ok, err)
				}
			}
		}
		if err := w.Crash("n1", CrashOptions{TornWrite: true}); err != nil {
			b.Fatal(err)
		}
		if err := w.Restart("n1"); err != nil {
			b.Fatal(err)
		}
		if err := d.Truncate("wal", 0); err != nil {
			b.Fatal(err)
		}
	}
}
