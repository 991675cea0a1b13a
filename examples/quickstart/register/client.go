package register

import (
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

// newClient makes a client endpoint of the register with simfuzz's client kit
// (harness/nodeapi/client), which does the client's whole job: one operation at a time,
// the servers' hints followed to the primary, the next server tried when one does not
// answer within the attempt timeout, Outcome{Unknown: true} when the operation timeout
// passes, and (session, sequence number) on every operation so a retried one applies once.
// All the register supplies is its wire format, codec.
func newClient(env nodeapi.Env, servers []nodeapi.NodeID, cfg *Config) (*client.Client, error) {
	// The pause before a retry without a hint is between RetryBackoff and twice that.
	return client.New(env, servers, client.Config{Name: "register client",
		AttemptTimeout: cfg.AttemptTimeout, OperationTimeout: cfg.OperationTimeout,
		BackoffMin: 2 * cfg.RetryBackoff, BackoffMax: 2 * cfg.RetryBackoff}, codec{})
}

// codec is the kit's view of the register's client messages.
type codec struct{}

func (codec) EncodeRequest(r client.Request) []byte {
	return encode(&message{Type: msgRequest, Session: r.Session, Seq: r.Seq, Op: r.Op})
}

func (codec) DecodeReply(frame []byte) (client.Reply, bool) {
	m, err := decode(frame)
	if err != nil || m.Type != msgReply {
		return client.Reply{}, false
	}
	r := client.Reply{Seq: m.Seq, Leader: m.Primary, Result: m.Result}
	switch m.Status {
	case statusOK:
		r.Status = client.OK
	case statusNotPrimary:
		r.Status = client.NotLeader
	case statusRefused:
		r.Status, r.Text = client.Failed, "refused"
	default:
		return client.Reply{}, false
	}
	return r, true
}
