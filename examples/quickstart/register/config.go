package register

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Config holds the timing and limits of servers and clients. Servers count time in ticks of
// their own timer and never read their clock: a skewed or drifting clock then only stretches
// their timeouts.
type Config struct {
	// Tick is the servers' timer period.
	Tick time.Duration
	// HeartbeatTicks is how often a primary tells the backups it is alive.
	HeartbeatTicks int
	// ElectionTicks is the minimum election timeout; each is drawn in [ElectionTicks,
	// 2*ElectionTicks). A server that heard from a primary within it refuses to vote.
	ElectionTicks int
	// AttemptTimeout is how long a client waits for one server before trying the next,
	// OperationTimeout when it gives up (the outcome is then unknown), RetryBackoff how
	// long it pauses when no server knows the primary.
	AttemptTimeout, OperationTimeout, RetryBackoff time.Duration
	// MaxSessions bounds the sessions the state remembers; the least recent is forgotten.
	MaxSessions int
	// MaxKeys bounds the keys of the register; a put of a new key beyond it is refused.
	MaxKeys int
	// MaxPending bounds the operations a primary holds unanswered.
	MaxPending int
	// AckBeforeBackup is a planted bug for the tutorial: the primary answers a write once
	// its own disk has synced it, without waiting for the backups.
	AckBeforeBackup bool
}

// DefaultConfig is the standard setting: 50 ms ticks, heartbeats every 100 ms, election
// timeouts of 1-2 s, client attempts of 500 ms and operations of 5 s.
func DefaultConfig() Config {
	return Config{Tick: 50 * time.Millisecond, HeartbeatTicks: 2, ElectionTicks: 20,
		AttemptTimeout: 500 * time.Millisecond, OperationTimeout: 5 * time.Second,
		RetryBackoff: 50 * time.Millisecond, MaxSessions: 1024, MaxKeys: 1024,
		MaxPending: 1024}
}

// Validate names the first setting out of range.
func (c Config) Validate() error {
	switch {
	case c.Tick <= 0:
		return fmt.Errorf("register: Tick %v must be positive", c.Tick)
	case c.HeartbeatTicks < 1 || c.ElectionTicks <= 2*c.HeartbeatTicks:
		return fmt.Errorf("register: ElectionTicks %d must exceed twice HeartbeatTicks %d "+
			"(at least 1)", c.ElectionTicks, c.HeartbeatTicks)
	case c.AttemptTimeout <= 0 || c.OperationTimeout < c.AttemptTimeout || c.RetryBackoff <= 0:
		return errors.New("register: client timeouts must be positive, the operation's " +
			"at least the attempt's")
	case c.MaxSessions < 1 || c.MaxKeys < 1 || c.MaxPending < 1:
		return errors.New("register: MaxSessions, MaxKeys and MaxPending must be positive")
	}
	return nil
}

// Knobs are the settings a fuzzing scenario may vary, each with its values, the default
// first.
var Knobs = map[string][]int64{"heartbeat_ticks": {2, 1, 4}}

// ApplyKnobs sets the knobs of a scenario (see Knobs), refusing an unknown one by name.
func (c *Config) ApplyKnobs(knobs map[string]int64) error {
	for _, name := range slices.Sorted(maps.Keys(knobs)) {
		v := knobs[name]
		if !slices.Contains(Knobs[name], v) {
			return fmt.Errorf("register: knob %s=%d is unknown or out of range", name, v)
		}
		c.HeartbeatTicks = int(v) // heartbeat_ticks, the only knob
	}
	return c.Validate()
}
