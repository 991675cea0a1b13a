package register

import (
	"errors"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Client is a client endpoint of the register. It runs one operation at a time, follows the
// servers' hints to the primary, tries the next server when one does not answer within the
// attempt timeout, and reports Outcome{Unknown: true} when the operation timeout passes.
// Its operations carry (session, sequence number), so a retried one applies once.
type Client struct {
	env     nodeapi.Env
	cfg     *Config
	servers []nodeapi.NodeID
	guess   int // index in servers of the presumed primary
	session uint64
	seq     uint64
	call    *call
}

// call is the operation in flight.
type call struct {
	frame   []byte
	done    func(nodeapi.Outcome)
	target  nodeapi.NodeID
	hops    int // hints followed in a row, to break loops of stale hints
	attempt nodeapi.Timer
	expiry  nodeapi.Timer
}

func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*Client, error) {
	if len(servers) == 0 {
		return nil, errors.New("register: a client needs at least one server")
	}
	c := &Client{env: env, cfg: cfg, servers: slices.Clone(servers)}
	// A new session for every incarnation: an earlier client of the same name numbered
	// its operations from 1 too.
	c.session = env.Rand().Uint64()
	c.guess = env.Rand().IntN(len(servers))
	return c, nil
}

// Invoke starts op; done is called exactly once, on virtual time. An operation invoked
// while another runs is refused with an unknown outcome.
func (c *Client) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	if c.call != nil {
		c.env.After(0, func() { done(nodeapi.Outcome{Unknown: true}) })
		return
	}
	c.seq++
	req := message{Type: msgRequest, Session: c.session, Seq: c.seq, Op: op}
	k := &call{frame: encode(&req), done: done}
	c.call = k
	k.expiry = c.env.After(c.cfg.OperationTimeout, func() {
		c.finish(nodeapi.Outcome{Unknown: true})
	})
	c.send()
}

// send sends the operation to the presumed primary and moves on if it does not answer.
func (c *Client) send() {
	k := c.call
	k.target = c.servers[c.guess]
	c.env.Send(k.target, k.frame)
	k.attempt.Stop()
	k.attempt = c.env.After(c.cfg.AttemptTimeout, func() {
		c.next()
		c.send()
	})
}

func (c *Client) finish(out nodeapi.Outcome) {
	k := c.call
	k.attempt.Stop()
	k.expiry.Stop()
	c.call = nil
	k.done(out)
}

func (c *Client) next() { c.guess = (c.guess + 1) % len(c.servers) }

// HandleMessage takes a server's answer; late, duplicated and damaged ones are dropped.
func (c *Client) HandleMessage(from nodeapi.NodeID, frame []byte) {
	m, err := decode(frame)
	k := c.call
	if err != nil || k == nil || m.Type != msgReply || m.Seq != c.seq {
		return
	}
	switch m.Status {
	case statusOK:
		c.finish(nodeapi.Outcome{Result: m.Result})
	case statusRefused:
		c.finish(nodeapi.Outcome{Unknown: true})
	case statusNotPrimary:
		if from == k.target {
			c.redirect(from, m.Primary)
		}
	}
}

// redirect follows a hint at once, or without one (a view change is under way) tries the
// next server after a short pause.
func (c *Client) redirect(from, hint nodeapi.NodeID) {
	k := c.call
	k.attempt.Stop()
	if i := slices.Index(c.servers, hint); i >= 0 && hint != from && k.hops < len(c.servers) {
		k.hops++
		c.guess = i
		c.send()
		return
	}
	k.hops = 0
	c.next()
	wait := c.cfg.RetryBackoff + time.Duration(c.env.Rand().IntN(int(c.cfg.RetryBackoff)))
	k.attempt = c.env.After(wait, c.send)
}
