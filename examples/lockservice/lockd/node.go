package lockd

import (
	"errors"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

type role uint8

const (
	follower role = iota
	preCandidate
	candidate
	leader
)

// Node is one replica of the lock service: Raft-style leader election (with PreVote and
// CheckQuorum) and log replication, and the lock state machine over the committed log. Its
// callbacks never block; everything it does goes through its nodeapi.Env.
type Node struct {
	env   nodeapi.Env
	cfg   *Config
	id    nodeapi.NodeID
	peers []nodeapi.NodeID // the other voters, sorted
	annot nodeapi.Annotator
	audit auditor // the simulator's invariant checks; nil elsewhere

	// Durable state: written to the write-ahead log, and synced before anything that
	// depends on it leaves the node.
	term uint64
	vote nodeapi.NodeID
	log  []Entry // log[i] has index i+1; never compacted
	wal  wal
	sync syncer

	role      role
	leader    nodeapi.NodeID
	commit    uint64
	applied   uint64
	elapsed   int // ticks since the leader was last heard from, or since the election began
	timeout   int // this round's election timeout in ticks
	heartbeat int // leader: ticks since the last broadcast
	votes     map[nodeapi.NodeID]bool
	progress  map[nodeapi.NodeID]*progress
	sm        *stateMachine
	waiters   map[uint64]waiter // leader: the client waiting on each session's command
	ticker    nodeapi.Timer
	halted    bool // stopped, or a disk write failed
	serves    bool // the runtime checks serving rules (serving.go)
}

// waiter is a client whose command this leader proposed and has not yet answered.
type waiter struct {
	seq  uint64
	from nodeapi.NodeID
}

var (
	_ nodeapi.Node    = (*Node)(nil)
	_ nodeapi.Stopper = (*Node)(nil)
)

// newNode recovers a node from its disk and starts its ticker.
func newNode(env nodeapi.Env, boot nodeapi.Boot, cfg *Config) (*Node, error) {
	if !slices.Contains(boot.Peers, env.ID()) {
		return nil, errors.New("lockd: " + string(env.ID()) + " is not among the boot " +
			"peers (membership changes are not supported)")
	}
	st, err := recoverDisk(env.Disk())
	if err != nil {
		return nil, err
	}
	n := &Node{env: env, cfg: cfg, id: env.ID(), term: st.term, vote: st.vote, log: st.log,
		wal: wal{disk: env.Disk()}, sm: newStateMachine(), waiters: map[uint64]waiter{}}
	for _, p := range boot.Peers {
		if p != n.id && !slices.Contains(n.peers, p) {
			n.peers = append(n.peers, p)
		}
	}
	slices.Sort(n.peers)
	n.annot, _ = env.(nodeapi.Annotator)
	_, n.serves = env.(nodeapi.ServeReporter)
	if st.torn {
		nodeapi.Reach(env, EventTornTail)
	}
	if st.reread {
		nodeapi.Reach(env, EventReread)
	}
	// What was read may sit in a cache and not yet be durable on a real disk: one Sync
	// before this incarnation counts its log as synced.
	n.whenDurable(func() {})
	n.resetElection()
	n.ticker = env.After(cfg.Tick, n.tick)
	return n, nil
}

// Stop ends the node gracefully: it sends nothing more.
func (n *Node) Stop() {
	n.halted = true
	n.ticker.Stop()
}

// halt stops a node whose disk refused a write: it can no longer keep its promises.
func (n *Node) halt(err error) {
	if err != nil && !n.halted {
		n.env.Logf("lockd: halting: %v", err)
		n.Stop()
	}
}

// HandleMessage delivers a datagram. A damaged one is dropped like a lost one.
func (n *Node) HandleMessage(from nodeapi.NodeID, frame []byte) {
	if n.halted {
		return
	}
	m, err := decodeMessage(frame)
	if err != nil {
		return
	}
	if m.Type == msgClientReq {
		n.handleClient(from, m)
		return
	}
	if !slices.Contains(n.peers, from) {
		return
	}
	if m.Term > n.term && !n.ignoresTerm(m) {
		n.becomeFollower(m.Term, "")
	}
	switch m.Type {
	case msgPreVote:
		n.handlePreVote(from, m)
	case msgPreVoteResp:
		n.handlePreVoteResp(from, m)
	case msgVote:
		n.handleVote(from, m)
	case msgVoteResp:
		n.handleVoteResp(from, m)
	case msgAppend:
		n.handleAppend(from, m)
	case msgAppendResp:
		n.handleAppendResp(from, m)
	}
}

// ignoresTerm reports whether a message with a higher term leaves the node's term alone: a
// pre-vote asks about a term nobody has entered, and a vote request that arrives while a
// leader is known to be alive would only depose it.
func (n *Node) ignoresTerm(m *message) bool {
	return m.Type == msgPreVote || (m.Type == msgVote && n.inLease())
}

// inLease reports whether the node has heard from a live leader within the minimum
// election timeout (a leader always trusts itself until CheckQuorum says otherwise).
func (n *Node) inLease() bool {
	return n.role == leader || (n.leader != "" && n.elapsed < n.cfg.ElectionTicks)
}

func (n *Node) tick() {
	if n.halted {
		return
	}
	n.ticker = n.env.After(n.cfg.Tick, n.tick)
	n.elapsed++
	if n.role == leader {
		n.leaderTick()
		return
	}
	if n.elapsed >= n.timeout {
		if n.role == candidate {
			nodeapi.Reach(n.env, EventCandidateTimeout)
		}
		n.startPreVote()
	}
}

// becomeFollower enters term (a newer one resets the vote, durably) under lead.
func (n *Node) becomeFollower(term uint64, lead nodeapi.NodeID) {
	if n.role == leader && term > n.term {
		nodeapi.Reach(n.env, EventDeposed)
	}
	if term > n.term {
		n.term, n.vote = term, ""
		n.persistHard()
	}
	if n.role == leader {
		n.env.Logf("lockd: %s steps down in term %d", n.id, n.term)
	}
	n.role, n.leader, n.votes, n.progress = follower, lead, nil, nil
	clear(n.waiters) // their clients retry elsewhere; sessions make the retry safe
	n.resetElection()
}

func (n *Node) resetElection() {
	n.elapsed = 0
	n.timeout = n.cfg.ElectionTicks + n.env.Rand().IntN(n.cfg.ElectionTicks)
}

func (n *Node) persistHard() { n.halt(n.wal.appendHard(n.term, n.vote)) }

// send encodes m and sends it; a successful append answer may leave late (SiteLateAck).
func (n *Node) send(to nodeapi.NodeID, m *message) {
	if m.Type == msgAppendResp && m.Success && nodeapi.Buggify(n.env, SiteLateAck) {
		n.sendLater(lateAckAfter, to, m)
		return
	}
	n.env.Send(to, encodeMessage(m))
}

func (n *Node) broadcast(m *message) {
	frame := encodeMessage(m)
	for _, p := range n.peers {
		n.env.Send(p, frame)
	}
}

func (n *Node) lastIndex() uint64 { return uint64(len(n.log)) }

// termAt returns the term of the entry at index (0 for index 0 or past the end).
func (n *Node) termAt(index uint64) uint64 {
	if index == 0 || index > n.lastIndex() {
		return 0
	}
	return n.log[index-1].Term
}

// hasQuorum reports whether the set holds a majority of the voters (this node included).
func (n *Node) hasQuorum(set map[nodeapi.NodeID]bool) bool {
	return len(set) > (len(n.peers)+1)/2
}
