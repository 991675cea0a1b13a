package raft

import (
	"errors"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

// Client is a client endpoint of the key-value store, built on the client kit
// (harness/nodeapi/client): it runs one operation at a time (and, independently, one
// membership change), finds the leader through redirect hints, retries with bounded backoff,
// and reports Outcome{Unknown: true} when the operation timeout passes without an answer.
// Writes carry (nonce, sequence number), the kit's session, so that the servers apply a
// retried write once; reads go through ReadIndex at the leader. Invoke and InvokeRouted
// (nodeapi.Router) are the kit's.
type Client struct {
	*client.Client
	admin *client.Call
	// in is the reused decoded response.
	in message
}

// ClientStats counts a client's traffic.
type ClientStats = client.Stats

var (
	_ nodeapi.Client = (*Client)(nil)
	_ nodeapi.Admin  = (*Client)(nil)
	_ nodeapi.Router = (*Client)(nil)
)

// errInvalidKind refuses an operation of a kind the key-value store lacks.
var errInvalidKind = errors.New("invalid operation kind")

func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*Client, error) {
	k, err := client.New(env, servers, client.Config{Name: "raft client",
		AttemptTimeout: cfg.AttemptTimeout, OperationTimeout: cfg.OperationTimeout,
		BackoffMin: cfg.RetryBackoffMin, BackoffMax: cfg.RetryBackoffMax}, codec{})
	if err != nil {
		return nil, err
	}
	k.Validate = func(op nodeapi.Op) error {
		if !validKind(op) {
			return errInvalidKind
		}
		return nil
	}
	return &Client{Client: k}, nil
}

// codec is the client kit's view of the Raft messages: a request carries the kit's
// session as its Nonce.
type codec struct{}

func (codec) EncodeRequest(r client.Request) []byte {
	return encodeMessage(&message{Type: msgClientReq, Seq: r.Seq, Nonce: r.Session, Op: r.Op})
}

func (codec) DecodeReply(frame []byte) (client.Reply, bool) {
	var m message
	if decodeMessageInto(frame, &m) != nil || m.Type != msgClientResp {
		return client.Reply{}, false
	}
	return reply(&m), true
}

// reply is the kit's reading of a response.
func reply(m *message) client.Reply {
	r := client.Reply{Seq: m.Seq, Leader: m.Leader, Result: m.Result, Text: m.Text}
	switch m.Status {
	case statusOK:
		r.Status = client.OK
	case statusNotLeader:
		r.Status = client.NotLeader
	case statusRetry:
		r.Status = client.Retry
	case statusFailed:
		r.Status = client.Failed
	}
	return r
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

// adminCall runs a membership request as a second call of the kit, beside the operation:
// it shares the leader guess and the sequence numbers.
func (c *Client) adminCall(action adminAction, id nodeapi.NodeID, done func(error)) {
	if c.admin != nil {
		c.Env().After(0, func() { done(errors.New("raft client: a membership change is running")) })
		return
	}
	seq := c.NextSeq()
	req := &message{Type: msgAdminReq, Seq: seq, Target: id, Action: action}
	c.admin = c.Start(seq, encodeMessage(req), func(_ client.Reply, err error) {
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

// HandleMessage delivers a server's response, decoded once for either call.
func (c *Client) HandleMessage(from nodeapi.NodeID, frame []byte) {
	m := &c.in
	if err := decodeMessageInto(frame, m); err != nil {
		return
	}
	switch {
	case m.Type == msgClientResp:
		c.Deliver(from, reply(m))
	case m.Type == msgAdminResp && c.admin != nil && m.Seq == c.admin.Seq():
		c.admin.Deliver(from, reply(m))
	}
}
