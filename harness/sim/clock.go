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
