package raft

import (
	"math"
	"time"
)

// monoClock turns the node's wall clock, which a fault (or NTP) may step by hours, into the
// monotonic time the core's timeouts need. Env offers only the wall clock (Now) and timers
// (After), which measure durations at the local clock's rate and ignore steps. So the
// reading follows the wall clock between timer firings, clamped to what the armed timer
// allows (its deadline has not passed while it has not fired, and time never runs backwards),
// and is reset to the timer's deadline whenever the timer fires. A step therefore distorts
// the reading by at most the armed timer's horizon (100 ms on a leader) and only until the
// next firing.
type monoClock struct {
	// base is the reading at the last resync, wallBase the wall clock then.
	base     time.Duration
	wallBase time.Time
	// limit is the armed timer's deadline: readings stay at or below it until it fires.
	limit time.Duration
	// last is the latest reading, so that readings never decrease.
	last time.Duration
	// seen and since cache the last wall time read and max(seen - wallBase, 0): a node
	// reads the clock twice or more per input at one wall time (tick, then rearm), and
	// Time.Sub is the dearest part of a read. The cache holds until wallBase moves.
	seen  time.Time
	since time.Duration
	// base is wallBase in Unix seconds and nanoseconds, and wallOnly is set when wallBase
	// carries no monotonic clock reading (the simulator's clocks): Time.Sub then takes the
	// wall clock difference whatever the other time carries, which elapsed computes for a
	// fraction of Sub's cost.
	baseSec  int64
	baseNsec int
	wallOnly bool
}

// A reading is the time since the clock started, as a time.Duration: the core only adds
// durations to readings and compares them, which integers do for a fraction of time.Time's
// cost. neverContacted is a reading further in the past than any election timeout, the
// value of a time that has not happened yet (no contact with a leader so far).
const neverContacted = time.Duration(math.MinInt64 / 4)

func newMonoClock(wall time.Time) monoClock {
	c := monoClock{limit: math.MaxInt64}
	c.setBase(wall)
	return c
}

// setBase makes wall the wall clock time of the reading base.
func (c *monoClock) setBase(wall time.Time) {
	c.wallBase, c.seen, c.since = wall, wall, 0
	c.baseSec, c.baseNsec = wall.Unix(), wall.Nanosecond()
	c.wallOnly = wall == wall.Round(0) // Round(0) strips a monotonic reading
}

// elapsed is wall.Sub(c.wallBase).
func (c *monoClock) elapsed(wall time.Time) time.Duration {
	const century = 100 * 366 * 24 * 60 * 60 // seconds: far from overflowing a Duration
	if c.wallOnly {
		if s := wall.Unix() - c.baseSec; s > -century && s < century {
			return time.Duration(s)*time.Second + time.Duration(wall.Nanosecond()-c.baseNsec)
		}
	}
	return wall.Sub(c.wallBase)
}

// read returns the monotonic reading for wall-clock time wall.
func (c *monoClock) read(wall time.Time) time.Duration {
	if wall != c.seen {
		c.seen, c.since = wall, max(c.elapsed(wall), 0)
	}
	d := c.since
	if c.limit-c.base < d {
		d = c.limit - c.base
	}
	c.last = max(c.last, c.base+d)
	return c.last
}

// fired resyncs the clock when the timer armed for deadline (a reading) fires at wall.
func (c *monoClock) fired(deadline time.Duration, wall time.Time) {
	c.base = max(c.last, deadline)
	c.last, c.limit = c.base, math.MaxInt64
	c.setBase(wall)
}

// armed records the deadline of the timer just armed.
func (c *monoClock) armed(deadline time.Duration) { c.limit = deadline }
