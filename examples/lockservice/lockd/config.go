package lockd

import (
	"fmt"
	"sort"
	"time"
)

// Config holds the timing and limits of servers and clients. Servers count time in ticks of
// their own clock, never by reading it: a skewed or drifting clock then only stretches the
// timeouts, which the protocol tolerates.
type Config struct {
	// Tick is the servers' timer period.
	Tick time.Duration
	// HeartbeatTicks is how often a leader sends appends to every follower.
	HeartbeatTicks int
	// ElectionTicks is the minimum election timeout; each timeout is drawn in
	// [ElectionTicks, 2*ElectionTicks). It is also the lease: a follower that heard from a
	// leader within it refuses pre-votes and votes, and a leader that did not hear from a
	// majority within it steps down (CheckQuorum).
	ElectionTicks int
	// MaxEntriesPerAppend bounds the entries of one append message.
	MaxEntriesPerAppend int
	// MaxLogEntries bounds the log, which is never compacted: a leader with a full log
	// refuses new commands (clients time out). Ample for simulated runs; a production
	// deployment would add snapshots.
	MaxLogEntries int
	// AttemptTimeout is how long a client waits for one server before trying the next;
	// OperationTimeout is when it gives up on an operation (its outcome is then unknown);
	// RetryBackoff is the pause before retrying when no leader is known.
	AttemptTimeout, OperationTimeout, RetryBackoff time.Duration
}

// DefaultConfig is the standard setting: 100 ms heartbeats, 1-2 s election timeouts, 500 ms
// client attempts and a 5 s operation timeout, as in the standard benchmark scenario.
func DefaultConfig() Config {
	return Config{Tick: 50 * time.Millisecond, HeartbeatTicks: 2, ElectionTicks: 20,
		MaxEntriesPerAppend: 64, MaxLogEntries: 1 << 20,
		AttemptTimeout: 500 * time.Millisecond, OperationTimeout: 5 * time.Second,
		RetryBackoff: 50 * time.Millisecond}
}

// Validate names the first setting out of range.
func (c Config) Validate() error {
	switch {
	case c.Tick <= 0:
		return fmt.Errorf("lockd: Config.Tick %v must be positive", c.Tick)
	case c.HeartbeatTicks < 1 || c.ElectionTicks <= 2*c.HeartbeatTicks:
		return fmt.Errorf("lockd: Config.ElectionTicks %d must exceed twice HeartbeatTicks %d "+
			"(at least 1)", c.ElectionTicks, c.HeartbeatTicks)
	case c.MaxEntriesPerAppend < 1 || c.MaxEntriesPerAppend > maxEntriesPerMessage:
		return fmt.Errorf("lockd: Config.MaxEntriesPerAppend %d is outside [1, %d]",
			c.MaxEntriesPerAppend, maxEntriesPerMessage)
	case c.MaxLogEntries < 1:
		return fmt.Errorf("lockd: Config.MaxLogEntries %d must be positive", c.MaxLogEntries)
	case c.AttemptTimeout <= 0 || c.OperationTimeout < c.AttemptTimeout || c.RetryBackoff <= 0:
		return fmt.Errorf("lockd: client timeouts (attempt %v, operation %v, backoff %v) are "+
			"invalid", c.AttemptTimeout, c.OperationTimeout, c.RetryBackoff)
	}
	return nil
}

// ApplyKnobs sets the knobs a fuzzing scenario varies: heartbeat_ticks and
// max_entries_per_append. An unknown knob is refused by name, so a typo in a scenario file
// is not silently ignored.
func (c *Config) ApplyKnobs(knobs map[string]int64) error {
	names := make([]string, 0, len(knobs))
	for k := range knobs {
		names = append(names, k)
	}
	sort.Strings(names) // report the first unknown knob the same way every time
	for _, k := range names {
		v := int(knobs[k])
		switch k {
		case "heartbeat_ticks":
			c.HeartbeatTicks = v
		case "max_entries_per_append":
			c.MaxEntriesPerAppend = v
		default:
			return fmt.Errorf("lockd: system knob %q is unknown", k)
		}
	}
	return c.Validate()
}
