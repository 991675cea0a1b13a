package raft

import (
	"errors"
	"strconv"
	"time"
)

// Config tunes a cluster. DefaultConfig matches the standard benchmark
// (docs/ARCHITECTURE.md); every field must be set (Validate rejects zero values) so that a
// forgotten field is an error, not a silently different protocol.
type Config struct {
	// HeartbeatInterval is how often a leader contacts each follower when idle.
	HeartbeatInterval time.Duration
	// ElectionTimeout is the base election timeout; each wait is drawn uniformly from
	// [ElectionTimeout, 2*ElectionTimeout) so that candidates rarely collide. It is also the
	// CheckQuorum period and the leader lease that makes followers ignore vote requests.
	ElectionTimeout time.Duration
	// PreVote makes a node win a trial election before it bumps its term, so a node that was
	// cut off cannot depose a healthy leader when it returns.
	PreVote bool
	// CheckQuorum makes a leader step down when it has not heard from a quorum within an
	// election timeout, and makes followers ignore vote requests while they hear from one.
	CheckQuorum bool
	// MaxInflightAppends bounds the AppendEntries messages with entries that a leader has
	// outstanding towards one follower.
	MaxInflightAppends int
	// MaxEntriesPerAppend bounds the entries carried by one AppendEntries message.
	MaxEntriesPerAppend int
	// MaxPendingProposals bounds the client writes a leader holds awaiting commit.
	MaxPendingProposals int
	// MaxPendingReads bounds the ReadIndex reads a leader holds awaiting confirmation.
	MaxPendingReads int
	// SnapshotThreshold is how many applied entries past the last snapshot trigger a new one.
	SnapshotThreshold uint64
	// SyncRetryDelay is the wait before a failed disk sync is retried.
	SyncRetryDelay time.Duration
	// AttemptTimeout is how long a client waits for one server before trying another.
	AttemptTimeout time.Duration
	// OperationTimeout is how long a client tries in total before reporting Unknown.
	OperationTimeout time.Duration
	// RetryBackoffMin and RetryBackoffMax bound the client's wait before a retry; the wait
	// doubles on each consecutive failure.
	RetryBackoffMin, RetryBackoffMax time.Duration
}

// DefaultConfig returns the configuration of the standard benchmark: 100 ms heartbeats, a
// 1-2 s randomized election timeout, PreVote and CheckQuorum on, a snapshot every 1000
// entries, 500 ms client attempts within a 5 s operation timeout.
func DefaultConfig() Config {
	return Config{
		HeartbeatInterval:   100 * time.Millisecond,
		ElectionTimeout:     time.Second,
		PreVote:             true,
		CheckQuorum:         true,
		MaxInflightAppends:  32,
		MaxEntriesPerAppend: 64,
		MaxPendingProposals: 4096,
		MaxPendingReads:     4096,
		SnapshotThreshold:   1000,
		SyncRetryDelay:      5 * time.Millisecond,
		AttemptTimeout:      500 * time.Millisecond,
		OperationTimeout:    5 * time.Second,
		RetryBackoffMin:     10 * time.Millisecond,
		RetryBackoffMax:     200 * time.Millisecond,
	}
}

// Validate reports the first problem with c, naming the field, or nil.
func (c Config) Validate() error {
	var errs []error
	positive := func(name string, d time.Duration) {
		if d <= 0 {
			errs = append(errs, errors.New("raft config: "+name+" must be positive, got "+
				d.String()))
		}
	}
	atLeastOne := func(name string, v int) {
		if v < 1 {
			errs = append(errs, errors.New("raft config: "+name+" must be at least 1, got "+
				strconv.Itoa(v)))
		}
	}
	positive("HeartbeatInterval", c.HeartbeatInterval)
	positive("ElectionTimeout", c.ElectionTimeout)
	positive("SyncRetryDelay", c.SyncRetryDelay)
	positive("AttemptTimeout", c.AttemptTimeout)
	positive("OperationTimeout", c.OperationTimeout)
	positive("RetryBackoffMin", c.RetryBackoffMin)
	positive("RetryBackoffMax", c.RetryBackoffMax)
	atLeastOne("MaxInflightAppends", c.MaxInflightAppends)
	atLeastOne("MaxEntriesPerAppend", c.MaxEntriesPerAppend)
	atLeastOne("MaxPendingProposals", c.MaxPendingProposals)
	atLeastOne("MaxPendingReads", c.MaxPendingReads)
	if c.SnapshotThreshold < 1 {
		errs = append(errs, errors.New("raft config: SnapshotThreshold must be at least 1"))
	}
	if c.HeartbeatInterval >= c.ElectionTimeout && c.ElectionTimeout > 0 {
		errs = append(errs, errors.New("raft config: HeartbeatInterval ("+
			c.HeartbeatInterval.String()+") must be shorter than ElectionTimeout ("+
			c.ElectionTimeout.String()+")"))
	}
	if c.RetryBackoffMax < c.RetryBackoffMin {
		errs = append(errs, errors.New("raft config: RetryBackoffMax ("+
			c.RetryBackoffMax.String()+") is below RetryBackoffMin ("+
			c.RetryBackoffMin.String()+")"))
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
