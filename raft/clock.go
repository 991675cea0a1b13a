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
}

// A reading is the time since the clock started, as a time.Duration: the core only adds
// durations to readings and compares them, which integers do for a fraction of time.Time's
// cost. neverContacted is a reading further in the past than any election timeout, the
// value of a time that has not happened yet (no contact with a leader so far).
const neverContacted = time.Duration(math.MinInt64 / 4)

func newMonoClock(wall time.Time) monoClock {
	return monoClock{wallBase: wall, limit: math.MaxInt64, seen: wall}
}

// read returns the monotonic reading for wall-clock time wall.
func (c *monoClock) read(wall time.Time) time.Duration {
	if wall != c.seen {
		c.seen, c.since = wall, max(elapsed(wall, c.wallBase), 0)
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
	c.last, c.wallBase, c.limit = c.base, wall, math.MaxInt64
	c.seen, c.since = wall, 0
}

// armed records the deadline of the timer just armed.
func (c *monoClock) armed(deadline time.Duration) { c.limit = deadline }

// elapsed is t.Sub(u). For two times without a monotonic clock reading (the simulator's
// wall clocks) less than a century apart it is computed from their seconds and
// nanoseconds, as Sub does, without Sub's overflow check, which costs more than the rest
// of a reading; anything else goes to Sub.
func elapsed(t, u time.Time) time.Duration {
	const century = 100 * 366 * 24 * 60 * 60 // seconds: far from overflowing a Duration
	if t == t.Round(0) && u == u.Round(0) {
		if s := t.Unix() - u.Unix(); s > -century && s < century {
			return time.Duration(s)*time.Second + time.Duration(t.Nanosecond()-u.Nanosecond())
		}
	}
	return t.Sub(u)
}
