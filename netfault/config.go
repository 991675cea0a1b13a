package netfault

import (
	"fmt"
	"math"
	"time"
)

// MaxDelay bounds every duration in a LinkConfig. It keeps virtual times far from int64
// overflow and catches unit mistakes (seconds given as hours) in user input.
const MaxDelay = 24 * time.Hour

// Validate reports the first field of c that is out of range, naming it, or nil. The
// harness calls it on user input before SetLink/SetAllLinks, which panic on a bad config
// because by then a bad value is a caller bug.
//
// Rules: probabilities (SpikeRate, Loss, Duplicate, Corrupt) lie in [0, 1]; durations lie
// in [0, MaxDelay]; LatencyMax >= LatencyMin. SpikeRate > 0 with SpikeMax == 0 is allowed and
// means no spike can happen (the interval (0, 0] is empty).
func (c LinkConfig) Validate() error {
	probs := [...]struct {
		name string
		p    float64
	}{{"SpikeRate", c.SpikeRate}, {"Loss", c.Loss}, {"Duplicate", c.Duplicate},
		{"Corrupt", c.Corrupt}}
	for _, pr := range probs {
		if math.IsNaN(pr.p) || pr.p < 0 || pr.p > 1 {
			return fmt.Errorf("netfault: LinkConfig.%s = %v, want a probability in [0, 1]",
				pr.name, pr.p)
		}
	}
	durs := [...]struct {
		name string
		d    time.Duration
	}{{"LatencyMin", c.LatencyMin}, {"LatencyMax", c.LatencyMax}, {"SpikeMax", c.SpikeMax}}
	for _, d := range durs {
		if d.d < 0 || d.d > MaxDelay {
			return fmt.Errorf("netfault: LinkConfig.%s = %v, want in [0, %v]",
				d.name, d.d, MaxDelay)
		}
	}
	if c.LatencyMax < c.LatencyMin {
		return fmt.Errorf("netfault: LinkConfig.LatencyMax = %v is below LatencyMin = %v",
			c.LatencyMax, c.LatencyMin)
	}
	return nil
}

// Validate reports whether the network configuration is usable; see LinkConfig.Validate.
func (c Config) Validate() error {
	if err := c.Default.Validate(); err != nil {
		return fmt.Errorf("Config.Default: %w", err)
	}
	return nil
}

// mustValid panics on a config the caller should have validated: by the time it reaches the
// network a bad value is a bug in the caller, not user input.
func mustValid(where string, c LinkConfig) {
	if err := c.Validate(); err != nil {
		panic(fmt.Sprintf("netfault: %s with invalid config (call Validate first): %v",
			where, err))
	}
}

// Stats counts the network's decisions since New. The network never sees a message handed
// to its receiver, so there is no "delivered" count: a message sent once ends as exactly one
// of lost, filtered, partitioned at send, dropped at arrival, dropped while held, or handed
// over by the caller after Arrive said Deliver, or overflowed a link's capacity. A held
// datagram is still that one message, only late; a replayed copy is one more, as a
// duplicate is.
type Stats struct {
	// Sent counts Send calls.
	Sent uint64
	// Lost counts datagrams lost by the link's Loss probability.
	Lost uint64
	// Duplicated counts extra copies made by the link's Duplicate probability.
	Duplicated uint64
	// Corrupted counts messages whose payload had a bit flipped (a duplicate of a corrupted
	// message is counted once).
	Corrupted uint64
	// Spiked counts deliveries that drew a latency spike.
	Spiked uint64
	// Filtered counts messages the filter hook dropped.
	Filtered uint64
	// PartitionedAtSend counts messages sent while their path was cut.
	PartitionedAtSend uint64
	// DroppedAtArrival counts Arrive calls that answered Drop.
	DroppedAtArrival uint64
	// Held counts Arrive calls that answered Hold.
	Held uint64
	// Released counts held messages handed back by an Unclog call.
	Released uint64
	// DroppedHeld counts held messages discarded by DropHeld.
	DroppedHeld uint64
	// Overflowed counts messages a full link dropped (see SetCapacity): the new message at
	// send, or one in flight, which Arrive then drops without counting it again.
	Overflowed uint64
	// HeldOverflow counts messages dropped at arrival because MaxHeld were held already.
	HeldOverflow uint64
	// AgeHeld counts datagrams a hold rule delayed; they arrive like any other delivery.
	AgeHeld uint64
	// AgeReplayed counts the extra, late copies replay rules made (like Duplicated, these
	// are deliveries beyond the one per Send).
	AgeReplayed uint64
	// AgeOverflow counts the times a rule left a datagram alone because MaxAged aged
	// deliveries were in flight already.
	AgeOverflow uint64
}
