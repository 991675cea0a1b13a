package client

import (
	"errors"
	"time"
)

// Config bounds a client's waits. The zero value of a field takes its default.
type Config struct {
	// Name prefixes the client's log lines ("raft client: ..."); default "client".
	Name string
	// AttemptTimeout is how long the client waits for one server before trying the next
	// one of the round (default 500ms).
	AttemptTimeout time.Duration
	// OperationTimeout is how long the client tries in all before it reports the
	// operation Unknown (default 5s): the request may still take effect.
	OperationTimeout time.Duration
	// BackoffMin and BackoffMax bound the pause before a retry that no hint directs (no
	// leader known, the leader asked to retry): it starts at BackoffMin, doubles up to
	// BackoffMax, and is jittered to between half and all of it (defaults 10ms, 200ms).
	BackoffMin, BackoffMax time.Duration
}

// Defaults of Config.
const (
	DefaultAttemptTimeout   = 500 * time.Millisecond
	DefaultOperationTimeout = 5 * time.Second
	DefaultBackoffMin       = 10 * time.Millisecond
	DefaultBackoffMax       = 200 * time.Millisecond
)

// withDefaults fills the zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Name == "" {
		c.Name = "client"
	}
	for _, f := range []struct {
		v   *time.Duration
		def time.Duration
	}{{&c.AttemptTimeout, DefaultAttemptTimeout}, {&c.OperationTimeout, DefaultOperationTimeout},
		{&c.BackoffMin, DefaultBackoffMin}, {&c.BackoffMax, DefaultBackoffMax}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	// No fmt here: it links os, which node code must not depend on.
	switch {
	case c.AttemptTimeout < 0 || c.OperationTimeout < 0 || c.BackoffMin < 0:
		return c, errors.New(c.Name + ": a timeout or a backoff is negative")
	case c.BackoffMax < c.BackoffMin:
		return c, errors.New(c.Name + ": BackoffMax (" + c.BackoffMax.String() +
			") is below BackoffMin (" + c.BackoffMin.String() + ")")
	}
	return c, nil
}
