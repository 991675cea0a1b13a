package raft

import (
	"testing"
	"time"
)

// The clock's elapsed agrees with time.Time.Sub, with and without monotonic readings, near
// and far.
func TestElapsedIsSub(t *testing.T) {
	base := time.Unix(1_700_000_000, 123_456_789)
	now := time.Now() //simfuzz:ok a real-runtime reading with a monotonic part, as the test needs
	cases := [][2]time.Time{
		{base, base},
		{base.Add(1500 * time.Millisecond), base},
		{base, base.Add(1500 * time.Millisecond)},
		{base.Add(-7 * time.Nanosecond), base.Add(3 * time.Hour)},
		{base.In(time.FixedZone("x", 3600)), base.Add(time.Second)},
		{time.Unix(1<<40, 0), base},
		{time.Unix(-1<<40, 5), base},
		{time.Time{}, base},
		{now, now.Add(-time.Second)},
		{now.Add(time.Second), base},
		{base, now},
		{now.Round(0), now.Add(-time.Hour)},
	}
	for _, c := range cases {
		clock := newMonoClock(c[1])
		if got, want := clock.elapsed(c[0]), c[0].Sub(c[1]); got != want {
			t.Errorf("elapsed(%v, %v) = %v, want %v", c[0], c[1], got, want)
		}
	}
}
