package main

import (
	"strings"
	"testing"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkCampaignSeed-2   	    2000	   1362681 ns/op	      1584 events/seed	  401322 B/op	    6126 allocs/op
BenchmarkCampaignSeed-2   	    2000	   1262681 ns/op	      1584 events/seed	  401300 B/op	    6125 allocs/op
PASS
`
	runs, err := parseBench(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0]["B/op"] != 401322 || runs[1]["allocs/op"] != 6125 ||
		runs[0]["events/seed"] != 1584 || runs[1]["ns/op"] != 1262681 {
		t.Fatalf("parsed %v", runs)
	}
	if _, err := parseBench("PASS\n"); err == nil {
		t.Fatal("no benchmark line must be an error")
	}
	if _, err := parseBench("BenchmarkCampaignSeed-2 10 5 ns/op\n"); err == nil {
		t.Fatal("a line without -benchmem figures must be an error")
	}
}

func TestStandardEvents(t *testing.T) {
	table := `| metric | measured | target |
|---|---|---|
| raft-kv standard 3-node: wall per seed | 20.00 ms | x |
| raft-kv standard 3-node: events/s      | 1000000  | x |
| raft-kv standard 5-node: wall per seed | 40.00 ms | x |
| raft-kv standard 5-node: events/s      | 1000000  | x |
`
	ev, err := standardEvents(table)
	if err != nil {
		t.Fatal(err)
	}
	if ev != 30000 { // (20000 + 40000) / 2
		t.Fatalf("events per standard seed %v, want 30000", ev)
	}
	if _, err := standardEvents(strings.Split(table, "raft-kv standard 5")[0]); err == nil {
		t.Fatal("a table without the 5-node rows must be an error")
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 2, 3}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
