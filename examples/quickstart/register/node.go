package register

import (
	"cmp"
	"errors"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// role is what a server does in its view.
type role uint8

const (
	backup role = iota
	candidate
	primary
)

// String names the role, for the trace.
func (r role) String() string { return [...]string{"backup", "candidate", "primary"}[r] }

// Node is one server of the register. Every method runs on the node's own Env, one at a
// time; it never blocks, starts goroutines, reads the clock or draws from global randomness.
type Node struct {
	env   nodeapi.Env
	cfg   *Config
	id    nodeapi.NodeID
	peers []nodeapi.NodeID // every server, this one included, sorted
	audit *ghost

	// The durable record (see record), written whole by persist.
	gen      uint64
	view     uint64
	votedFor nodeapi.NodeID
	label    uint64
	version  uint64
	st       state

	role    role
	primary nodeapi.NodeID // the primary of view, once heard from
	ticks   int            // ticks since start
	idle    int            // ticks since the primary was heard from, or a vote given
	timeout int            // the election timeout, in ticks
	votes   map[nodeapi.NodeID]bool
	pre     bool // the votes are pre-votes

	// Primary only: each backup's durable version in this view, the committed version,
	// the answers waiting for it (by version), and the digest of each uncommitted version.
	acked   map[nodeapi.NodeID]uint64
	commit  uint64
	waiting map[uint64]waiter
	digests map[uint64]uint32

	syncing, dirty bool
	durable        mark
	afterSync      []queued // messages that may leave once a write is durable
	halted         bool
}

// waiter is a client waiting for the answer of the operation at some version.
type waiter struct {
	client nodeapi.NodeID
	seq    uint64
	result nodeapi.Result
}

// queued is a message held until the record generation gen is durable.
type queued struct {
	gen uint64
	to  nodeapi.NodeID
	m   message
}

func newNode(env nodeapi.Env, boot nodeapi.Boot, cfg *Config) (*Node, error) {
	if !slices.Contains(boot.Peers, env.ID()) {
		return nil, errors.New("register: the server " + string(env.ID()) +
			" is not among the peers (membership is fixed)")
	}
	r, err := load(env)
	if err != nil {
		return nil, err
	}
	n := &Node{env: env, cfg: cfg, id: env.ID(), peers: slices.Sorted(slices.Values(boot.Peers)),
		gen: r.Gen, view: r.View, votedFor: r.VotedFor, label: r.Label, version: r.Version,
		st: r.State}
	n.durable = mark{gen: r.Gen, label: r.Label, version: r.Version}
	n.timeout = n.electionTimeout()
	env.After(cfg.Tick, n.tick)
	return n, nil
}

func (n *Node) electionTimeout() int {
	return n.cfg.ElectionTicks + n.env.Rand().IntN(n.cfg.ElectionTicks)
}

// tick runs every Tick: a primary sends heartbeats, a server that has not heard from a
// primary for its election timeout starts a pre-vote.
func (n *Node) tick() {
	n.env.After(n.cfg.Tick, n.tick)
	if n.halted {
		return
	}
	n.ticks++
	n.idle++
	if n.role == primary {
		if n.ticks%n.cfg.HeartbeatTicks == 0 {
			n.heartbeat()
		}
		return
	}
	if n.idle >= n.timeout {
		n.startPreVote()
	}
}

// HandleMessage takes a datagram; damaged ones, and server messages from strangers, are
// dropped.
func (n *Node) HandleMessage(from nodeapi.NodeID, frame []byte) {
	m, err := decode(frame)
	if err != nil || n.halted {
		return
	}
	if m.Type == msgRequest {
		n.onRequest(from, &m)
		return
	}
	if !slices.Contains(n.peers, from) || from == n.id {
		return
	}
	switch m.Type {
	case msgPrepare, msgState, msgHeartbeat:
		n.onPrimaryMessage(from, &m)
	case msgAck:
		n.onAck(from, &m)
	case msgVoteReq:
		n.onVoteRequest(from, &m)
	case msgVote:
		n.onVote(from, &m)
	}
}

func (n *Node) send(to nodeapi.NodeID, m *message) { n.env.Send(to, encode(m)) }

// sendAfterSync sends m once the latest write is durable.
func (n *Node) sendAfterSync(to nodeapi.NodeID, m message) {
	if len(n.afterSync) < n.cfg.MaxPending {
		n.afterSync = append(n.afterSync, queued{gen: n.gen, to: to, m: m})
	}
}

// others are the servers but this one.
func (n *Node) others() []nodeapi.NodeID {
	out := make([]nodeapi.NodeID, 0, len(n.peers)-1)
	for _, p := range n.peers {
		if p != n.id {
			out = append(out, p)
		}
	}
	return out
}

func (n *Node) majority() int { return len(n.peers)/2 + 1 }

// synced runs when a Sync made the record of generation m.gen durable: held messages
// leave, a backup acks, a primary may answer clients.
func (n *Node) synced(m mark) {
	n.durable = m
	keep := n.afterSync[:0]
	for _, q := range n.afterSync {
		if q.gen <= m.gen {
			n.send(q.to, &q.m)
		} else {
			keep = append(keep, q)
		}
	}
	n.afterSync = keep
	switch n.role {
	case primary:
		n.advanceCommit()
	case backup:
		n.ackDurable()
	}
}

// adoptView moves to a later view as a backup, waiting to hear from its primary.
func (n *Node) adoptView(view uint64) {
	if n.role == primary {
		nodeapi.Reach(n.env, EventStepDown)
	}
	if view > n.view {
		n.view, n.votedFor = view, ""
	}
	n.env.Logf("view %d: backup (was %v)", n.view, n.role)
	n.role, n.primary = backup, ""
	n.acked, n.waiting, n.digests, n.votes = nil, nil, nil, nil
	n.idle, n.timeout = 0, n.electionTimeout()
}

// compareLabels orders states by view label, then version.
func compareLabels(label1, version1, label2, version2 uint64) int {
	return cmp.Or(cmp.Compare(label1, label2), cmp.Compare(version1, version2))
}
