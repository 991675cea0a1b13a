package raft

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// InvokeRouted is Invoke with a route (nodeapi.Router). The first attempt goes to route.To
// when it is set (a server the client did not know is learnt). A sticky operation hands the
// client back, when it ends, to the server its first attempt went to, however many
// redirects it followed, unless that server left an attempt unanswered. Without Sticky the
// client keeps the leader it found, as after Invoke.
func (c *Client) InvokeRouted(op nodeapi.Op, route nodeapi.Route, done func(nodeapi.Outcome)) {
	c.invoke(op, route, done)
}

// leftHome is called when an attempt goes unanswered: if it was the sticky operation's
// home that failed to answer, the home is given up (it may be down or cut off), and the
// client stays with whichever server answers next, as without Sticky.
func (p *rpc) leftHome() {
	if p.home >= 0 && p.target == p.c.servers[p.home] {
		p.home = -1
	}
}
