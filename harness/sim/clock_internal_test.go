package sim

import (
	"math"
	"testing"
	"time"
)

// Env.Now must return exactly what epoch.Add returned (wall, ext and location alike), on
// the fast path and off it, for readings before the epoch, around second boundaries, and
// at the extremes where Add saturates.
func TestWallEpochIsAdd(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("UTC+1", 3600)
	}
	epochs := []struct {
		t    time.Time
		fast bool
	}{
		{DefaultEpoch, true},
		{time.Date(2026, 1, 1, 0, 0, 0, 999_999_999, time.UTC), true},
		{time.Date(1969, 12, 31, 23, 59, 59, 5, time.UTC), true},
		{time.Unix(0, 0).UTC(), true},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, paris), false},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.Local), time.Local == time.UTC},
		{time.Now(), false}, // a monotonic reading
		{time.Date(99999, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Time{}, true}, // year 1: still well inside the fast range
		{time.Unix(-1<<41, 0).UTC(), false},
	}
	ds := []int64{0, 1, -1, 999_999_999, 1_000_000_000, -1_000_000_001, int64(time.Hour),
		-int64(MaxSkew), 60e9 + 7, maxFastReading - 1, -maxFastReading + 1, maxFastReading,
		math.MaxInt64, math.MinInt64}
	for _, ep := range epochs {
		e := newWallEpoch(ep.t)
		if e.fast != ep.fast {
			t.Errorf("epoch %v: fast = %v, want %v", ep.t, e.fast, ep.fast)
		}
		for _, d := range ds {
			got, want := e.at(d), ep.t.Add(time.Duration(d))
			if got != want {
				t.Errorf("epoch %v + %d: got %#v, want %#v", ep.t, d, got, want)
			}
		}
	}
}

// local's shortcut for a clock without drift reads what the full formula reads.
func TestClockLocalWithoutDriftIsTheFormula(t *testing.T) {
	for _, c := range []clock{{}, {skew: 5e6}, {skew: -int64(MaxSkew), base: 3e9},
		{skew: 7, drift: 100, base: 1e9}, {drift: -MaxDriftPPM}} {
		for _, g := range []int64{0, 1, 999_999, 1e9 + 3, 60e9, math.MaxInt64 / 2} {
			if got, want := c.local(g), g+c.skew+scalePPM(g-c.base, c.drift); got != want {
				t.Errorf("%+v.local(%d) = %d, want %d", c, g, got, want)
			}
		}
	}
	if got := (&clock{skew: 2, drift: 1000}).local(1e9); got != 1e9+2+1e6 {
		t.Errorf("a clock 1000 ppm fast reads %d after 1 s, want %d", got, int64(1e9+2+1e6))
	}
}
