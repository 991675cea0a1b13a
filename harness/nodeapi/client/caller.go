package client

import (
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Caller is the engine of a client: the servers it knows, the one it tries first (learnt
// from hints), the round it walks when a server does not answer, and the session its
// requests are numbered in. Each request is a Call, retried until it is answered or its
// operation timeout passes; a client may run several Calls at once (an operation and a
// membership change), which share the leader guess and the sequence numbers.
type Caller struct {
	env     nodeapi.Env
	cfg     Config
	servers []nodeapi.NodeID
	// leader indexes servers: the server tried first.
	leader int
	// rotation indexes servers: where the round of servers tried in turn (when one does
	// not answer or knows no leader) stands. Following a hint moves leader, not rotation,
	// so that stale hints (a removed node naming a node that left, say) can never keep the
	// client circling among the same few servers while the leader waits untried.
	rotation int
	session  uint64
	seq      uint64
	stats    Stats
}

// Stats counts a client's traffic.
type Stats struct {
	Attempts, Redirects, Timeouts, Unknown uint64
}

// NewCaller makes the engine of a client of servers. It draws the session ID, then the
// server to try first, from env.Rand, in that order.
func NewCaller(env nodeapi.Env, servers []nodeapi.NodeID, cfg Config) (*Caller, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(servers) == 0 {
		return nil, errors.New(cfg.Name + ": a client needs at least one server")
	}
	c := &Caller{env: env, cfg: cfg, servers: slices.Clone(servers)}
	// The session ID tells this incarnation's sequence numbers from those of an earlier
	// client with the same name, so that the servers' sessions never confuse the two.
	c.session = env.Rand().Uint64()
	c.leader = env.Rand().IntN(len(c.servers))
	c.rotation = c.leader
	return c, nil
}

// Session is the client's session ID, fixed for its life.
func (c *Caller) Session() uint64 { return c.session }

// NextSeq returns the next sequence number of the session (1, 2, ...).
func (c *Caller) NextSeq() uint64 {
	c.seq++
	return c.seq
}

// Stats returns the client's counters.
func (c *Caller) Stats() Stats { return c.stats }

// Env is the client's Env.
func (c *Caller) Env() nodeapi.Env { return c.env }

// Config is the client's configuration, defaults filled in.
func (c *Caller) Config() Config { return c.cfg }

// Prefer points the client at server id for its next attempt, learning id if it is new (a
// server added by a membership change after the client was made).
func (c *Caller) Prefer(id nodeapi.NodeID) {
	if i := slices.Index(c.servers, id); i >= 0 {
		c.leader = i
		return
	}
	c.servers = append(c.servers, id)
	c.leader = len(c.servers) - 1
}

// Preferred is the server the next attempt goes to.
func (c *Caller) Preferred() nodeapi.NodeID { return c.servers[c.leader] }

// nextServer moves the round of servers on by one and tries that server next.
func (c *Caller) nextServer() {
	c.rotation = (c.rotation + 1) % len(c.servers)
	c.leader = c.rotation
}

// ErrTimedOut is the error of a Call that ran out of time: the request may still take
// effect.
var ErrTimedOut = errors.New("no answer within the operation timeout; it may still take effect")

// Start sends frame, the request numbered seq, to the preferred server and retries it
// until a server answers OK or Failed, or the operation timeout passes. finish is called
// exactly once: with the OK reply and a nil error, with the Failed reply and an error
// carrying its text, or with ErrTimedOut. The client hands the Call the replies numbered
// seq through Deliver.
func (c *Caller) Start(seq uint64, frame []byte, finish func(Reply, error)) *Call {
	p := &Call{}
	c.start(p, seq, frame, finish)
	return p
}

// start makes p, a new Call or an ended one that nobody else holds, the request numbered
// seq, and makes its first attempt. The callbacks p hands its timers are bound once per
// Call, so a Call reused for the next operation (Client does) allocates none of them.
func (c *Caller) start(p *Call, seq uint64, frame []byte, finish func(Reply, error)) {
	fns := p.fns
	if fns.timedOut == nil {
		fns = callFns{timedOut: p.timedOut, attemptTimedOut: p.attemptTimedOut,
			attempt: p.attempt}
	}
	*p = Call{c: c, seq: seq, frame: frame, finish: finish, backoff: c.cfg.BackoffMin,
		home: -1, fns: fns}
	p.deadline = c.env.After(c.cfg.OperationTimeout, fns.timedOut)
	p.attempt()
}

// dec renders a sequence number for messages.
func dec(n uint64) string { return strconv.FormatUint(n, 10) }

// jitter returns a wait between half of b and b.
func (c *Caller) jitter(b time.Duration) time.Duration {
	return b/2 + time.Duration(c.env.Rand().Uint64()%uint64(b/2+1))
}

// Servers lists the servers the client knows, in the order of its round.
func (c *Caller) Servers() []nodeapi.NodeID { return slices.Clone(c.servers) }

// StartRoundAt makes id, a server the client knows, both the preferred server and the
// start of the round; it reports whether id is known. Tests use it to fix where a client
// begins instead of the random server NewCaller draws.
func (c *Caller) StartRoundAt(id nodeapi.NodeID) bool {
	i := slices.Index(c.servers, id)
	if i < 0 {
		return false
	}
	c.leader, c.rotation = i, i
	return true
}

var _ nodeapi.Preferrer = (*Caller)(nil)
