package etcdraft

import (
	"errors"
	"fmt"
	"time"

	"go.etcd.io/raft/v3"
)

// Config tunes the key-value store around etcd/raft. DefaultConfig matches the standard
// benchmark scenario of simfuzz (100 ms heartbeats, an election timeout of about one
// second, PreVote and CheckQuorum on); Validate rejects zero values so that a forgotten
// field is an error, not a silently different protocol.
type Config struct {
	// Tick is the length of one etcd/raft logical clock tick on the node's local clock.
	Tick time.Duration
	// HeartbeatTicks and ElectionTicks are etcd's HeartbeatTick and ElectionTick: a leader
	// heartbeats every HeartbeatTicks; a follower that has not heard from its leader for
	// ElectionTicks stops honouring its lease, and campaigns after a timeout drawn from
	// [ElectionTicks, 2*ElectionTicks). See election.go for who draws it.
	HeartbeatTicks, ElectionTicks int
	// PreVote and CheckQuorum are etcd's options of the same names. simfuzz's stability
	// window assumes both (a leader must survive one cut link), so the fuzz target varies
	// PreVote only.
	PreVote, CheckQuorum bool
	// MaxSizePerMsg, MaxInflightMsgs and MaxCommittedSizePerReady are passed to etcd.
	// MaxSizePerMsg 0 means one entry per append message. MaxCommittedSizePerReady is set
	// explicitly because etcd defaults a zero to MaxSizePerMsg, and a zero budget for
	// committed entries stalls their application after a restart.
	MaxSizePerMsg, MaxCommittedSizePerReady uint64
	MaxInflightMsgs                         int
	// SnapshotEntries is how many applied entries past the last snapshot make the node
	// snapshot its state machine and compact its log and write-ahead log.
	SnapshotEntries uint64
	// MaxPending bounds the client requests (writes, reads, membership changes) a node holds
	// awaiting commit or a read index; beyond it clients are told to retry.
	MaxPending int
	// SyncRetryDelay is the wait before a failed disk sync is retried.
	SyncRetryDelay time.Duration
	// AttemptTimeout is how long a client waits for one server before trying another;
	// OperationTimeout is how long it tries in all before reporting an unknown outcome.
	AttemptTimeout, OperationTimeout time.Duration
	// RetryBackoffMin and RetryBackoffMax bound a client's wait before retrying after a
	// refusal; the wait doubles on each consecutive one.
	RetryBackoffMin, RetryBackoffMax time.Duration
	// EtcdElectionTimer hands the election timer back to etcd: every node's RawNode is
	// ticked, and etcd draws each randomized election timeout from crypto/rand. That is
	// how a stock etcd application behaves, and it is nondeterministic under simulation;
	// it exists so that a test can show the determinism check catching it.
	EtcdElectionTimer bool
	// TraceMessages logs every raft message sent and received, decoded, to the trace
	// (Env.Logf): for reading a replayed failure, too slow for campaigns.
	TraceMessages bool
}

// DefaultConfig returns the configuration of the standard benchmark scenario: a 10 ms tick,
// heartbeats every 10 ticks, an election timeout of 100-200 ticks, PreVote and CheckQuorum,
// 1 MiB messages, 256 appends in flight, a snapshot every 1000 entries, and 500 ms client
// attempts within a 5 s operation timeout.
func DefaultConfig() Config {
	return Config{
		Tick: 10 * time.Millisecond, HeartbeatTicks: 10, ElectionTicks: 100,
		PreVote: true, CheckQuorum: true,
		MaxSizePerMsg: 1 << 20, MaxCommittedSizePerReady: 1 << 20, MaxInflightMsgs: 256,
		SnapshotEntries: 1000, MaxPending: 4096, SyncRetryDelay: 5 * time.Millisecond,
		AttemptTimeout: 500 * time.Millisecond, OperationTimeout: 5 * time.Second,
		RetryBackoffMin: 10 * time.Millisecond, RetryBackoffMax: 200 * time.Millisecond,
	}
}

// Validate reports the first problem with c, naming the field, or nil.
func (c Config) Validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Tick", c.Tick}, {"SyncRetryDelay", c.SyncRetryDelay},
		{"AttemptTimeout", c.AttemptTimeout}, {"OperationTimeout", c.OperationTimeout},
		{"RetryBackoffMin", c.RetryBackoffMin}, {"RetryBackoffMax", c.RetryBackoffMax}} {
		if d.v <= 0 {
			return fmt.Errorf("etcdraft config: %s must be positive, got %v", d.name, d.v)
		}
	}
	for _, n := range []struct {
		name string
		v    int
	}{{"HeartbeatTicks", c.HeartbeatTicks}, {"MaxInflightMsgs", c.MaxInflightMsgs},
		{"MaxPending", c.MaxPending}, {"SnapshotEntries", int(min(c.SnapshotEntries, 1<<30))},
		{"MaxCommittedSizePerReady", int(min(c.MaxCommittedSizePerReady, 1<<30))}} {
		if n.v < 1 {
			return fmt.Errorf("etcdraft config: %s must be at least 1, got %d", n.name, n.v)
		}
	}
	if c.ElectionTicks <= c.HeartbeatTicks {
		return fmt.Errorf("etcdraft config: ElectionTicks (%d) must exceed HeartbeatTicks (%d)",
			c.ElectionTicks, c.HeartbeatTicks)
	}
	if c.RetryBackoffMax < c.RetryBackoffMin {
		return errors.New("etcdraft config: RetryBackoffMax is below RetryBackoffMin")
	}
	return nil
}

// raftConfig is etcd's configuration for replica id over storage, which holds a snapshot
// at index applied: etcd hands out the committed entries after it for (re-)application.
func (c *Config) raftConfig(id uint64, storage raft.Storage, applied uint64,
	logger raft.Logger) *raft.Config {
	return &raft.Config{
		ID: id, ElectionTick: c.ElectionTicks, HeartbeatTick: c.HeartbeatTicks,
		Storage: storage, Applied: applied,
		MaxSizePerMsg: c.MaxSizePerMsg, MaxCommittedSizePerReady: c.MaxCommittedSizePerReady,
		MaxInflightMsgs: c.MaxInflightMsgs, CheckQuorum: c.CheckQuorum, PreVote: c.PreVote,
		ReadOnlyOption: raft.ReadOnlySafe, Logger: logger,
		// A removed leader must stop leading: without this it keeps heartbeating a
		// configuration it is no longer part of.
		StepDownOnRemoval: true,
	}
}
