package lockd

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

// newClient makes a client endpoint of the lock service with the client kit
// (harness/nodeapi/client): it runs one operation at a time, finds the leader through the
// servers' hints, tries the next server when one does not answer within the attempt
// timeout, and reports Outcome{Unknown: true} when the operation timeout passes: the
// command may still apply. Every command carries the kit's (session, sequence number), so
// however often it is retried it takes effect at most once. An invalid op is refused with
// an unknown outcome.
func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*client.Client, error) {
	c, err := client.New(env, servers, client.Config{Name: "lockd client",
		AttemptTimeout: cfg.AttemptTimeout, OperationTimeout: cfg.OperationTimeout,
		BackoffMin: cfg.RetryBackoff, BackoffMax: cfg.RetryBackoff}, codec{})
	if err != nil {
		return nil, err
	}
	c.Validate = ValidateOp
	return c, nil
}

// codec is the kit's view of the lock service's client messages.
type codec struct{}

func (codec) EncodeRequest(r client.Request) []byte {
	return encodeMessage(&message{Type: msgClientReq, Session: r.Session, Seq: r.Seq, Op: r.Op})
}

func (codec) DecodeReply(frame []byte) (client.Reply, bool) {
	m, err := decodeMessage(frame)
	if err != nil || m.Type != msgClientResp {
		return client.Reply{}, false
	}
	r := client.Reply{Seq: m.Seq, Leader: m.Leader, Result: m.Result}
	switch m.Status {
	case statusOK:
		r.Status = client.OK
	case statusNotLeader:
		r.Status = client.NotLeader
	case statusInvalid:
		r.Status, r.Text = client.Failed, "invalid operation"
	default:
		return client.Reply{}, false
	}
	return r, true
}
