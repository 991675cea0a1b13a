package lockd

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// The buggify sites of lockd (see nodeapi.Buggify): rare but legal paths of a real
// deployment, taken on purpose in simulation and never in production.
const (
	// SiteTinyAppend: an append that would carry several entries carries one only.
	SiteTinyAppend = "lockd.tiny-append"
	// SiteLateAck: a follower answers an append some time after the entries are durable
	// (a slow replication path), so the leader's commit waits on the other followers.
	SiteLateAck = "lockd.late-ack"
	// SiteLateReply: a command's answer leaves after the client's attempt timeout, so the
	// client retries a command that has already been applied.
	SiteLateReply = "lockd.late-reply"
)

// BuggifySites lists every buggify site of lockd, for its target.
func BuggifySites() []string { return []string{SiteTinyAppend, SiteLateAck, SiteLateReply} }

// Delays of the buggified paths.
const (
	lateAckAfter   = 60 * time.Millisecond
	lateReplyAfter = 700 * time.Millisecond // past the client's 500 ms attempt timeout
)

// sendLater sends m to to after d, unless the node has halted by then; the frame is
// encoded now, so later changes to the node's state do not leak into it.
func (n *Node) sendLater(d time.Duration, to nodeapi.NodeID, m *message) {
	frame := encodeMessage(m)
	n.env.After(d, func() {
		if !n.halted {
			n.env.Send(to, frame)
		}
	})
}

// replyToClient sends a client its answer, late when the late-reply site fires.
func (n *Node) replyToClient(to nodeapi.NodeID, m *message) {
	if m.Status == statusOK && nodeapi.Buggify(n.env, SiteLateReply) {
		n.sendLater(lateReplyAfter, to, m)
		return
	}
	n.send(to, m)
}
