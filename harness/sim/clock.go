package sim

import (
	"fmt"
	"math"
	"math/bits"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// clock is a node's local clock. It reads g + skew + (g-base)*drift/1e6 at virtual time g,
// where base is when it was last set: the skew is the offset at that moment, and the drift
// accumulates from then on. Set once at time zero this is Epoch + skew +
// elapsed*(1+drift/1e6); set later it steps by the change of skew only, never by drift that
// had not happened yet.
type clock struct {
	skew  int64
	drift int64 // parts per million
	base  int64
}

// local is the node's clock reading at virtual time g, as a duration since the epoch.
func (c *clock) local(g int64) int64 {
	if c.drift == 0 { // most clocks: scalePPM's divisions would add exactly 0
		return g + c.skew
	}
	return g + c.skew + scalePPM(g-c.base, c.drift)
}

// scalePPM returns d*ppm/1e6 without overflow for |ppm| <= 1e6.
func scalePPM(d, ppm int64) int64 {
	return d/1_000_000*ppm + d%1_000_000*ppm/1_000_000
}

// toGlobal converts a duration on the node's clock into virtual time, rounding up so that a
// timer never fires before its local duration has passed.
func (c *clock) toGlobal(d int64) int64 {
	if d <= 0 {
		return 0
	}
	if c.drift == 0 {
		return d
	}
	rate := uint64(1_000_000 + c.drift) // > 0: drift is bounded by MaxDriftPPM
	hi, lo := bits.Mul64(uint64(d), 1_000_000)
	q, r := bits.Div64(hi, lo, rate) // hi < rate since d < 2^63 and rate >= 500000
	if r != 0 {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// SetClock gives id a clock that is skew ahead of virtual time now (behind, if negative) and
// runs driftPPM parts per million fast (slow, if negative) from now on. SetClock(id, 0, 0)
// makes the clock exact again. Env.Now may step backwards, like a real clock set by NTP.
func (w *World) SetClock(id nodeapi.NodeID, skew time.Duration, driftPPM int64) error {
	n, err := w.lookup(id)
	if err != nil {
		return err
	}
	if skew < -MaxSkew || skew > MaxSkew {
		return fmt.Errorf("harness: SetClock %q: skew %v is outside [-%v, %v]",
			id, skew, MaxSkew, MaxSkew)
	}
	if driftPPM < -MaxDriftPPM || driftPPM > MaxDriftPPM {
		return fmt.Errorf("harness: SetClock %q: drift %d ppm is outside [-%d, %d]",
			id, driftPPM, MaxDriftPPM, MaxDriftPPM)
	}
	n.clock = clock{skew: int64(skew), drift: driftPPM, base: w.now}
	w.annotate(id, fmt.Sprintf("clock skew %v drift %d ppm", skew, driftPPM))
	return nil
}

// wallEpoch turns a node's clock reading into the time.Time that Env.Now returns: the
// epoch plus the reading. time.Time.Add, with its monotonic and overflow cases, was about
// 1 % of a campaign seed's instructions (every Env.Now of every node); for the usual epoch,
// UTC without a monotonic reading and far from the ends of time, time.Unix builds the
// same value (same wall, ext and location) with less work. Any other epoch keeps Add.
type wallEpoch struct {
	t    time.Time
	sec  int64 // t's Unix seconds and nanoseconds, when fast
	nsec int64
	fast bool
}

// maxFastEpochSec bounds the epochs of the fast path (about 34,000 years from 1970): a
// clock reading of at most 2^63 ns (292 years) cannot overflow any sum then.
const maxFastEpochSec = 1 << 40

func newWallEpoch(t time.Time) wallEpoch {
	e := wallEpoch{t: t, sec: t.Unix(), nsec: int64(t.Nanosecond())}
	e.fast = t == t.Round(0).UTC() && e.sec > -maxFastEpochSec && e.sec < maxFastEpochSec
	return e
}

// maxFastReading bounds the readings of the fast path, so that nsec+d cannot overflow.
const maxFastReading = 1 << 62

// at is the epoch plus d, exactly t.Add(d).
func (e *wallEpoch) at(d int64) time.Time {
	if e.fast && d < maxFastReading && d > -maxFastReading {
		return time.Unix(e.sec, e.nsec+d).UTC()
	}
	return e.t.Add(time.Duration(d))
}
