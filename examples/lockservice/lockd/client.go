package lockd

import (
	"errors"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Client is a client endpoint of the lock service. It runs one operation at a time, finds
// the leader through the servers' hints, tries the next server when one does not answer
// within the attempt timeout, and reports Outcome{Unknown: true} when the operation timeout
// passes: the command may still apply. Every command carries (session, sequence number),
// so however often it is retried it takes effect at most once.
type Client struct {
	env     nodeapi.Env
	cfg     *Config
	servers []nodeapi.NodeID
	guess   int // index in servers of the presumed leader
	session uint64
	seq     uint64
	call    *call
}

// call is the operation in flight.
type call struct {
	seq     uint64
	frame   []byte
	done    func(nodeapi.Outcome)
	target  nodeapi.NodeID
	hops    int // redirects followed since the last answer, to break hint loops
	attempt nodeapi.Timer
	retry   nodeapi.Timer
	expiry  nodeapi.Timer
}

var _ nodeapi.Client = (*Client)(nil)

func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*Client, error) {
	if len(servers) == 0 {
		return nil, errors.New("lockd: a client needs at least one server")
	}
	c := &Client{env: env, cfg: cfg, servers: slices.Clone(servers)}
	// The session tells this incarnation's commands from those of an earlier client of the
	// same name, whose sequence numbers started at 1 too.
	c.session = env.Rand().Uint64()
	c.guess = env.Rand().IntN(len(servers))
	return c, nil
}

// Invoke starts op; done is called exactly once, on virtual time. An invalid op, or one
// invoked while another runs, is refused with an unknown outcome.
func (c *Client) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	if err := ValidateOp(op); err != nil || c.call != nil {
		c.env.Logf("lockd client: refusing %v (busy %v, error %v)", op, c.call != nil, err)
		c.env.After(0, func() { done(nodeapi.Outcome{Unknown: true}) })
		return
	}
	c.seq++
	req := &message{Type: msgClientReq, Session: c.session, Seq: c.seq, Op: op}
	k := &call{seq: c.seq, frame: encodeMessage(req), done: done}
	c.call = k
	k.expiry = c.env.After(c.cfg.OperationTimeout, func() {
		c.finish(nodeapi.Outcome{Unknown: true})
	})
	c.send()
}

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
	k.retry.Stop()
	k.expiry.Stop()
	c.call = nil
	k.done(out)
}

func (c *Client) next() { c.guess = (c.guess + 1) % len(c.servers) }

// HandleMessage takes a server's answer; late, duplicated and damaged ones are dropped.
func (c *Client) HandleMessage(from nodeapi.NodeID, frame []byte) {
	m, err := decodeMessage(frame)
	k := c.call
	if err != nil || k == nil || m.Type != msgClientResp || m.Seq != k.seq {
		return
	}
	switch m.Status {
	case statusOK:
		c.finish(nodeapi.Outcome{Result: m.Result})
	case statusInvalid:
		c.finish(nodeapi.Outcome{Unknown: true})
	case statusNotLeader:
		if from == k.target {
			c.redirect(from, m.Leader)
		}
	}
}

// redirect follows a not-leader answer's hint at once, or, without a useful one (an
// election is under way), tries the next server after a jittered pause.
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
	wait := c.cfg.RetryBackoff/2 + time.Duration(c.env.Rand().IntN(int(c.cfg.RetryBackoff/2)+1))
	k.retry.Stop()
	k.retry = c.env.After(wait, c.send)
}
