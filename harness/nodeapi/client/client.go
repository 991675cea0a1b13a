package client

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Client is a complete client endpoint over a Codec: it runs one operation at a time
// (closed loop) on a Caller. It implements nodeapi.Client and nodeapi.Router.
type Client struct {
	*Caller
	codec Codec
	// Validate, when set, refuses an operation before it is sent: Invoke then reports it
	// Unknown at once (logged), as it does an operation invoked while another runs.
	Validate func(nodeapi.Op) error
	op       *Call
	// done is the in-flight operation's completion, which finishFn (c.finish, bound once)
	// calls; spare is the ended Call of the last operation, which the next one reuses:
	// a closed loop then allocates no Call and no callback per operation.
	done     func(nodeapi.Outcome)
	finishFn func(Reply, error)
	spare    *Call
}

var (
	_ nodeapi.Client = (*Client)(nil)
	_ nodeapi.Router = (*Client)(nil)
)

// New makes a client of servers that speaks codec.
func New(env nodeapi.Env, servers []nodeapi.NodeID, cfg Config, codec Codec) (*Client, error) {
	c, err := NewCaller(env, servers, cfg)
	if err != nil {
		return nil, err
	}
	return &Client{Caller: c, codec: codec}, nil
}

// Invoke starts op; done is called exactly once, on virtual time.
func (c *Client) Invoke(op nodeapi.Op, done func(nodeapi.Outcome)) {
	c.InvokeRouted(op, nodeapi.Route{}, done)
}

// InvokeRouted is Invoke with a route (nodeapi.Router). The first attempt goes to route.To
// when it is set (a server the client did not know is learnt). A sticky operation hands the
// client back, when it ends, to the server its first attempt went to, however many
// redirects it followed, unless that server left an attempt unanswered. Without Sticky the
// client keeps the leader it found, as after Invoke.
func (c *Client) InvokeRouted(op nodeapi.Op, route nodeapi.Route, done func(nodeapi.Outcome)) {
	if !c.Accept(op, done) {
		return
	}
	if route.To != "" {
		c.Prefer(route.To)
	}
	seq := c.NextSeq()
	frame := c.codec.EncodeRequest(Request{Session: c.session, Seq: seq, Op: op})
	p := c.spare
	if p == nil {
		p = &Call{}
	}
	if c.finishFn == nil {
		c.finishFn = c.finish
	}
	c.spare, c.op, c.done = nil, p, done
	c.start(p, seq, frame, c.finishFn)
	if route.Sticky {
		c.op.Sticky()
	}
}

// finish ends the in-flight operation. Its Call has stopped its timers and touches nothing
// once it has called finish, so it is kept for the next operation (done may start that
// one at once, reusing it).
func (c *Client) finish(r Reply, err error) {
	done := c.done
	c.spare, c.op, c.done = c.op, nil, nil
	done(c.Outcome(r, err))
}

// Accept reports whether op may start now; if not, it logs why and reports op Unknown
// through done (later, on virtual time, as Invoke's contract asks).
func (c *Client) Accept(op nodeapi.Op, done func(nodeapi.Outcome)) bool {
	var err error
	if c.Validate != nil {
		err = c.Validate(op)
	}
	if c.op == nil && err == nil {
		return true
	}
	c.env.Logf("%s: refusing %v (busy=%v, error=%v)", c.cfg.Name, op, c.op != nil, err)
	c.env.After(0, func() { done(nodeapi.Outcome{Unknown: true}) })
	return false
}

// Outcome turns a Call's end into the operation's outcome: the result of an OK reply, or
// Unknown (counted) for a timeout or a Failed reply.
func (c *Caller) Outcome(r Reply, err error) nodeapi.Outcome {
	if err != nil {
		c.stats.Unknown++
		return nodeapi.Outcome{Unknown: true}
	}
	return nodeapi.Outcome{Result: r.Result}
}

// HandleMessage takes a server's reply; late, duplicated and damaged ones are dropped.
func (c *Client) HandleMessage(from nodeapi.NodeID, frame []byte) {
	if r, ok := c.codec.DecodeReply(frame); ok {
		c.Deliver(from, r)
	}
}

// Busy reports whether an operation is in flight.
func (c *Client) Busy() bool { return c.op != nil }

// Deliver hands the in-flight operation a reply the client decoded itself (a client whose
// HandleMessage also reads other replies); one for another sequence number is dropped.
func (c *Client) Deliver(from nodeapi.NodeID, r Reply) {
	if c.op != nil && r.Seq == c.op.seq {
		c.op.Deliver(from, r)
	}
}
