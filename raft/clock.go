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
}

// monoEpoch anchors readings as time.Time values for the core, which only compares them.
var monoEpoch = time.Unix(0, 0).UTC()

func newMonoClock(wall time.Time) monoClock {
	return monoClock{wallBase: wall, limit: math.MaxInt64}
}

// read returns the monotonic reading for wall-clock time wall.
func (c *monoClock) read(wall time.Time) time.Time {
	d := max(wall.Sub(c.wallBase), 0)
	if c.limit-c.base < d {
		d = c.limit - c.base
	}
	c.last = max(c.last, c.base+d)
	return monoEpoch.Add(c.last)
}

// fired resyncs the clock when the timer armed for deadline (a reading) fires at wall.
func (c *monoClock) fired(deadline time.Time, wall time.Time) {
	c.base = max(c.last, deadline.Sub(monoEpoch))
	c.last, c.wallBase, c.limit = c.base, wall, math.MaxInt64
}

// armed records the deadline of the timer just armed.
func (c *monoClock) armed(deadline time.Time) { c.limit = deadline.Sub(monoEpoch) }
