package etcdraft

import (
	"errors"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	kvop "github.com/simfuzz/simfuzz/harness/nodeapi/kv"
)

// Client is a client endpoint of the store. It runs one operation at a time (and,
// independently, one membership change). It finds the leader by following the servers'
// hints, moves to another server when one does not answer within AttemptTimeout, backs off
// (jittered, doubling) after refusals, and gives up after OperationTimeout with an unknown
// outcome. A write carries (client, nonce, sequence number), so however often it is
// retried, and on whichever leader, the state machine applies it once.
type Client struct {
	env     nodeapi.Env
	cfg     *Config
	servers []nodeapi.NodeID
	// next indexes servers: the one to try first.
	next      int
	nonce     uint64
	seq       uint64
	op, admin *call
}

var (
	_ nodeapi.Client = (*Client)(nil)
	_ nodeapi.Admin  = (*Client)(nil)
)

func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*Client, error) {
	if len(servers) == 0 {
		return nil, errors.New("etcdraft: a client needs at least one server")
	}
	c := &Client{env: env, cfg: cfg, servers: slices.Clone(servers)}
	// The nonce separates this incarnation's sessions from any earlier client's of the
	// same name; the first server is drawn so that clients spread out.
	c.nonce = env.Rand().Uint64()
	c.next = env.Rand().IntN(len(servers))
	return c, nil
}

// Invoke starts op; done is called exactly once, on virtual time.
func (c *Client) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	if c.op != nil || !kvop.Valid(op.Kind) {
		c.env.Logf("etcdraft client: refusing %v (busy %v)", op, c.op != nil)
		c.env.After(0, func() { done(nodeapi.Outcome{Unknown: true}) })
		return
	}
	c.seq++
	req := request{seq: c.seq, nonce: c.nonce, act: actOp, op: op}
	c.op = c.start(&req, func(r *response, err error) {
		c.op = nil
		if err != nil {
			done(nodeapi.Outcome{Unknown: true})
			return
		}
		done(nodeapi.Outcome{Result: r.result})
	})
}

// AddVoter asks the cluster to add id as a voter; done gets nil once the change applied.
func (c *Client) AddVoter(id nodeapi.NodeID, done func(error)) {
	c.adminCall(actAddVoter, id, done)
}

// RemoveVoter asks the cluster to remove voter id; done gets nil once the change applied.
func (c *Client) RemoveVoter(id nodeapi.NodeID, done func(error)) {
	c.adminCall(actRemoveVoter, id, done)
}

func (c *Client) adminCall(act action, id nodeapi.NodeID, done func(error)) {
	if c.admin != nil {
		c.env.After(0, func() { done(errors.New("etcdraft client: a change is running")) })
		return
	}
	c.seq++
	req := request{seq: c.seq, nonce: c.nonce, act: act, target: id}
	c.admin = c.start(&req, func(_ *response, err error) {
		c.admin = nil
		if err != nil {
			err = errors.New("etcdraft client: membership change of " + string(id) + ": " +
				err.Error())
		}
		done(err)
	})
}

// HandleMessage delivers a server's response.
func (c *Client) HandleMessage(from nodeapi.NodeID, msg []byte) {
	kind, payload, err := unframe(msg)
	if err != nil || kind != frameResponse {
		return
	}
	r, err := decodeResponse(payload)
	if err != nil {
		return
	}
	for _, p := range []*call{c.op, c.admin} {
		if p != nil && p.seq == r.seq {
			p.response(from, &r)
		}
	}
}

// errTimedOut is why an operation ended without an answer.
var errTimedOut = errors.New("no answer within the operation timeout; it may still apply")

// call is one request, retried until it is answered or its time runs out.
type call struct {
	c      *Client
	seq    uint64
	frame  []byte
	finish func(*response, error)
	// target is the server asked last; hops counts hints followed since an answer.
	target                  nodeapi.NodeID
	hops                    int
	backoff                 time.Duration
	attempt, retry, timeout nodeapi.Timer
	done                    bool
}

func (c *Client) start(req *request, finish func(*response, error)) *call {
	p := &call{c: c, seq: req.seq, frame: encodeRequest(req), finish: finish,
		backoff: c.cfg.RetryBackoffMin}
	p.timeout = c.env.After(c.cfg.OperationTimeout, func() { p.end(nil, errTimedOut) })
	p.send()
	return p
}

func (p *call) send() {
	if p.done {
		return
	}
	c := p.c
	p.target = c.servers[c.next]
	c.env.Send(p.target, p.frame)
	p.attempt.Stop()
	p.attempt = c.env.After(c.cfg.AttemptTimeout, p.attemptTimedOut)
}

// attemptTimedOut moves to the next server: the one asked may be down or cut off.
func (p *call) attemptTimedOut() {
	if p.done {
		return
	}
	p.c.next = (p.c.next + 1) % len(p.c.servers)
	p.hops = 0
	p.send()
}

func (p *call) end(r *response, err error) {
	if p.done {
		return
	}
	p.done = true
	p.attempt.Stop()
	p.retry.Stop()
	p.timeout.Stop()
	p.finish(r, err)
}

func (p *call) response(from nodeapi.NodeID, r *response) {
	if p.done {
		return
	}
	switch r.status {
	case statusOK:
		p.end(r, nil)
	case statusFailed:
		p.end(r, errors.New(r.text))
	case statusNotLeader:
		if from == p.target {
			p.notLeader(from, r.leader)
		}
	case statusRetry:
		p.attempt.Stop()
		p.retryLater()
	}
}

// notLeader follows the server's hint at once, or tries the next server after a backoff
// when there is no useful hint (an election is under way). Hops are bounded so that
// servers with stale, circular hints cannot keep the client spinning.
func (p *call) notLeader(from, hint nodeapi.NodeID) {
	c := p.c
	p.attempt.Stop()
	if hint != "" && hint != from && p.hops < 2*len(c.servers) {
		p.hops++
		c.point(hint)
		p.send()
		return
	}
	p.hops = 0
	c.next = (c.next + 1) % len(c.servers)
	p.retryLater()
}

// retryLater sends again after the backoff, jittered to half of it or more so that
// clients do not retry in lockstep; the backoff doubles up to RetryBackoffMax.
func (p *call) retryLater() {
	c := p.c
	wait := p.backoff/2 + time.Duration(c.env.Rand().Uint64()%uint64(p.backoff/2+1))
	p.backoff = min(2*p.backoff, c.cfg.RetryBackoffMax)
	p.retry.Stop()
	p.retry = c.env.After(wait, p.send)
}

// point makes id the server tried first, learning it if it is new (a voter added after
// the client was created).
func (c *Client) point(id nodeapi.NodeID) {
	if i := slices.Index(c.servers, id); i >= 0 {
		c.next = i
		return
	}
	c.servers = append(c.servers, id)
	c.next = len(c.servers) - 1
}
