package raft

import (
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Client is a client endpoint of the key-value store. It runs one operation at a time (and,
// independently, one membership change), finds the leader through redirect hints, retries with
// bounded backoff, and reports Outcome{Unknown: true} when the operation timeout passes
// without an answer. Writes carry (nonce, sequence number) so that the servers apply a
// retried write once; reads go through ReadIndex at the leader.
type Client struct {
	env     nodeapi.Env
	cfg     *Config
	servers []nodeapi.NodeID
	// leader indexes servers: the server tried first.
	leader int
	// rotation indexes servers: where the round of servers tried in turn (when one does
	// not answer or knows no leader) stands. Following a hint moves leader, not rotation,
	// so that stale hints (a removed node naming a node that left, say) can never keep
	// the client circling among the same few servers while the leader waits untried.
	rotation int
	nonce    uint64
	seq      uint64
	op       *rpc
	admin    *rpc
	stats    ClientStats
	// in is the reused decoded response.
	in message
}

// ClientStats counts a client's traffic.
type ClientStats struct {
	Attempts, Redirects, Timeouts, Unknown uint64
}

var (
	_ nodeapi.Client = (*Client)(nil)
	_ nodeapi.Admin  = (*Client)(nil)
	_ nodeapi.Router = (*Client)(nil)
)

func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*Client, error) {
	if len(servers) == 0 {
		return nil, errors.New("raft: a client needs at least one server")
	}
	c := &Client{env: env, cfg: cfg, servers: slices.Clone(servers)}
	// The nonce tells this incarnation's sequence numbers from those of an earlier client
	// with the same name, so that the servers' sessions never confuse the two.
	c.nonce = env.Rand().Uint64()
	c.leader = env.Rand().IntN(len(c.servers))
	c.rotation = c.leader
	return c, nil
}

// Stats returns the client's counters.
func (c *Client) Stats() ClientStats { return c.stats }

// Invoke starts op; done is called exactly once, on virtual time.
func (c *Client) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.invoke(op, nodeapi.Route{}, done)
}

func (c *Client) invoke(op nodeapi.Op, route nodeapi.Route, done func(nodeapi.Outcome)) {
	if c.op != nil || !validKind(op) {
		c.env.Logf("raft client: refusing %v (busy=%v, kind valid=%v)", op, c.op != nil,
			validKind(op))
		c.env.After(0, func() { done(nodeapi.Outcome{Unknown: true}) })
		return
	}
	if route.To != "" {
		c.setLeader(route.To)
	}
	c.seq++
	c.op = c.startRPC(&message{Type: msgClientReq, Seq: c.seq, Nonce: c.nonce, Op: op},
		func(m *message, err error) {
			c.op = nil
			if err != nil {
				c.stats.Unknown++
				done(nodeapi.Outcome{Unknown: true})
				return
			}
			done(nodeapi.Outcome{Result: m.Result})
		})
	if route.Sticky {
		c.op.home = c.leader // the server the first attempt went to
	}
}

// AddVoter asks the cluster to add id as a voter; done gets nil once the change committed.
func (c *Client) AddVoter(id nodeapi.NodeID, done func(error)) {
	c.adminCall(adminAdd, id, done)
}

// RemoveVoter asks the cluster to remove voter id; done gets nil once the change committed.
func (c *Client) RemoveVoter(id nodeapi.NodeID, done func(error)) {
	c.adminCall(adminRemove, id, done)
}

// TransferLeadership asks the leader to hand leadership to id; done gets nil once the leader
// started the transfer (it completes, or is abandoned, within an election timeout).
func (c *Client) TransferLeadership(id nodeapi.NodeID, done func(error)) {
	c.adminCall(adminTransfer, id, done)
}

func (c *Client) adminCall(action adminAction, id nodeapi.NodeID, done func(error)) {
	if c.admin != nil {
		c.env.After(0, func() { done(errors.New("raft client: a membership change is running")) })
		return
	}
	c.seq++
	req := &message{Type: msgAdminReq, Seq: c.seq, Target: id, Action: action}
	c.admin = c.startRPC(req, func(_ *message, err error) {
		c.admin = nil
		if err != nil {
			err = wrap("raft client: "+action.String()+" "+string(id), err)
		}
		done(err)
	})
}

func (a adminAction) String() string {
	switch a {
	case adminAdd:
		return "add voter"
	case adminRemove:
		return "remove voter"
	case adminTransfer:
		return "transfer leadership to"
	}
	return "adminAction(" + strconv.Itoa(int(a)) + ")"
}

// HandleMessage delivers a server's response.
func (c *Client) HandleMessage(from nodeapi.NodeID, frame []byte) {
	m := &c.in
	if err := decodeMessageInto(frame, m); err != nil {
		return
	}
	switch {
	case m.Type == msgClientResp && c.op != nil && m.Seq == c.op.seq:
		c.op.response(from, m)
	case m.Type == msgAdminResp && c.admin != nil && m.Seq == c.admin.seq:
		c.admin.response(from, m)
	}
}

// errTimedOut is the cause of an operation that ran out of time.
var errTimedOut = errors.New("no answer within the operation timeout; it may still take effect")

// rpc is one request being retried until it is answered or its time runs out.
type rpc struct {
	c      *Client
	seq    uint64
	frame  []byte
	finish func(m *message, err error)
	target nodeapi.NodeID
	// home indexes the server a sticky operation hands the client back to when it ends;
	// -1 for an operation that is not sticky, or whose home left an attempt unanswered.
	home    int
	backoff time.Duration
	// redirects counts consecutive hints followed without an answer, to stop hint loops.
	redirects                     int
	attemptTimer, retry, deadline nodeapi.Timer
	done                          bool
	// answered: the current attempt has had its answer (a hint or a retry). A copy of that
	// answer (the network duplicates datagrams) must change nothing: acting on it again
	// would move the round of servers on twice and skip a server for good.
	answered bool
}

func (c *Client) startRPC(req *message, finish func(*message, error)) *rpc {
	p := &rpc{c: c, seq: req.Seq, frame: encodeMessage(req), finish: finish,
		backoff: c.cfg.RetryBackoffMin, home: -1}
	p.deadline = c.env.After(c.cfg.OperationTimeout, p.timedOut)
	p.attempt()
	return p
}

func (p *rpc) attempt() {
	if p.done {
		return
	}
	c := p.c
	p.target = c.servers[c.leader]
	p.answered = false
	c.stats.Attempts++
	c.env.Send(p.target, p.frame)
	p.attemptTimer.Stop()
	p.attemptTimer = c.env.After(c.cfg.AttemptTimeout, p.attemptTimedOut)
}

// attemptTimedOut moves on to the next server: the one asked may be down or cut off.
func (p *rpc) attemptTimedOut() {
	if p.done {
		return
	}
	p.c.stats.Timeouts++
	p.leftHome()
	p.c.nextServer()
	p.redirects = 0
	p.attempt()
}

func (p *rpc) timedOut() {
	if !p.done {
		p.end(nil, errTimedOut)
	}
}

func (p *rpc) end(m *message, err error) {
	if p.done {
		// Invoke promises one completion: a second would record an operation twice.
		panic("raft client: invariant broken: request " + dec(p.seq) + " finished twice")
	}
	p.done = true
	p.attemptTimer.Stop()
	p.retry.Stop()
	p.deadline.Stop()
	if p.home >= 0 {
		p.c.leader = p.home
	}
	p.finish(m, err)
}

func (p *rpc) response(from nodeapi.NodeID, m *message) {
	if p.done {
		return
	}
	switch m.Status {
	case statusOK:
		p.end(m, nil)
	case statusFailed:
		p.end(m, errors.New(m.Text))
	case statusNotLeader, statusRetry:
		if from != p.target || p.answered {
			return // a late answer from a server we no longer wait for, or a copy
		}
		p.answered = true
		p.attemptTimer.Stop()
		if m.Status == statusRetry {
			p.retryLater()
		} else {
			p.notLeader(from, m.Leader)
		}
	}
}

// notLeader follows the server's hint at once, or tries the next server after a backoff when
// there is no useful hint (an election is under way).
func (p *rpc) notLeader(from, hint nodeapi.NodeID) {
	c := p.c
	if hint != "" && hint != from && p.redirects < 2*len(c.servers) {
		c.stats.Redirects++
		p.redirects++
		c.setLeader(hint)
		p.attempt()
		return
	}
	p.redirects = 0
	c.nextServer()
	p.retryLater()
}

// retryLater attempts again after the backoff, which doubles up to RetryBackoffMax; the wait
// is jittered so that clients do not retry in lockstep.
func (p *rpc) retryLater() {
	c := p.c
	wait := p.backoff/2 + time.Duration(c.env.Rand().Uint64()%uint64(p.backoff/2+1))
	p.backoff = min(2*p.backoff, c.cfg.RetryBackoffMax)
	p.retry.Stop()
	p.retry = c.env.After(wait, p.attempt)
}

// nextServer moves the round of servers on by one and tries that server next.
func (c *Client) nextServer() {
	c.rotation = (c.rotation + 1) % len(c.servers)
	c.leader = c.rotation
}

// setLeader points the client at id, learning it as a server if it is new (added by a
// membership change after the client was created).
func (c *Client) setLeader(id nodeapi.NodeID) {
	if i := slices.Index(c.servers, id); i >= 0 {
		c.leader = i
		return
	}
	c.servers = append(c.servers, id)
	c.leader = len(c.servers) - 1
}
