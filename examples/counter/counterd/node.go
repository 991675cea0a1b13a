package counterd

import (
	"slices"
	"strconv"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/nodeapi/client"
)

// Node is one server. Only the primary, the first server of the cluster, serves.
type Node struct {
	env     nodeapi.Env
	cfg     Config
	primary nodeapi.NodeID
	st      state
	// durable is the session sequence numbers whose answer is durable: a retry of an
	// operation still waiting for its Sync is dropped (the Sync's answer goes out).
	durable map[uint64]uint64
}

// newNode recovers a server from its disk.
func newNode(env nodeapi.Env, boot nodeapi.Boot, cfg Config) (*Node, error) {
	st, err := load(env.Disk())
	if err != nil {
		return nil, err
	}
	n := &Node{env: env, cfg: cfg, st: st, durable: map[uint64]uint64{}}
	for id, s := range st.sessions {
		n.durable[id] = s.seq
	}
	if len(boot.Peers) > 0 {
		n.primary = slices.Min(boot.Peers)
	}
	return n, nil
}

// HandleMessage serves a client's request, or redirects it to the primary.
func (n *Node) HandleMessage(from nodeapi.NodeID, frame []byte) {
	req, err := decodeRequest(frame)
	if err != nil {
		return
	}
	if n.env.ID() != n.primary {
		n.env.Send(from, encodeReply(client.Reply{Seq: req.Seq, Status: client.NotLeader,
			Leader: n.primary}))
		return
	}
	if s, ok := n.st.sessions[req.Session]; ok && req.Seq <= s.seq && !n.cfg.NoSessions {
		if req.Seq == s.seq && n.durable[req.Session] == s.seq {
			n.answer(from, req.Seq, s.result) // a retry of what is done: answered again
		}
		return // an older request, or one still waiting for its Sync
	}
	n.apply(from, req)
}

// apply performs req, saves the state and answers once a Sync made it durable.
func (n *Node) apply(from nodeapi.NodeID, req client.Request) {
	if req.Op.Kind == Add {
		amount, err := strconv.ParseInt(req.Op.Value, 10, 64)
		if err != nil {
			n.env.Send(from, encodeReply(client.Reply{Seq: req.Seq, Status: client.Failed}))
			return
		}
		n.st.total += amount
	}
	result := strconv.FormatInt(n.st.total, 10)
	n.st.sessions[req.Session] = session{seq: req.Seq, result: result}
	if err := save(n.env.Disk(), &n.st); err != nil {
		n.failStop("write: " + err.Error())
		return
	}
	n.env.Disk().Sync(func(err error) {
		if err != nil {
			n.failStop("sync: " + err.Error())
			return
		}
		if n.durable[req.Session] < req.Seq {
			n.durable[req.Session] = req.Seq
		}
		n.answer(from, req.Seq, result)
	})
}

func (n *Node) answer(to nodeapi.NodeID, seq uint64, result string) {
	n.env.Send(to, encodeReply(client.Reply{Seq: seq, Status: client.OK,
		Result: nodeapi.Result{Value: result}}))
}

// failStop gives up the incarnation: a failed write or Sync may have lost what the node
// holds in memory, and only the disk can be trusted.
func (n *Node) failStop(reason string) {
	if fs, ok := n.env.(nodeapi.FailStopper); ok {
		fs.FailStop(reason)
	}
}
