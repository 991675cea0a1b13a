package etcdraft

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"go.etcd.io/raft/v3"
)

// Deterministic elections.
//
// etcd/raft v3.7.0 draws every randomized election timeout from crypto/rand
// (raft.resetRandomizedElectionTimeout calls globalRand.Intn, a lockedRand over
// crypto/rand.Int(crypto/rand.Reader, ...)) and offers no configuration hook. A simulated
// world that ticks every RawNode therefore elects leaders at times no seed controls: the
// same scenario runs differently twice, and no failure can be replayed or shrunk.
//
// The draw is only ever consulted in one place: tickElection, the tick function of a
// follower, pre-candidate or candidate, compares electionElapsed with it. A leader ticks
// tickHeartbeat, which uses the fixed ElectionTick (for CheckQuorum) and never the random
// value. So this node ticks its RawNode only while it leads, and runs the follower's
// timer itself, with the node's seeded Env.Rand:
//
//   - After ElectionTicks without hearing from a leader it calls RawNode.ForgetLeader.
//     With CheckQuorum, etcd's follower refuses (pre-)votes while it has a leader and
//     electionElapsed < ElectionTick. An unticked follower's electionElapsed stays 0, so
//     that lease is exactly "has a leader"; forgetting the leader after ElectionTicks of
//     silence ends it at the moment etcd's own tick would have.
//   - After a timeout drawn from [ElectionTicks, 2*ElectionTicks) it calls
//     RawNode.Campaign (MsgHup), as tickElection does, and draws the next timeout.
//   - The sole voter of its configuration campaigns after one tick: nobody else can lead
//     it, so waiting out a timeout would only stall a single-node cluster's first write
//     after every restart.
//
// The silence is measured from the events that reset etcd's electionElapsed: a change of
// term or role (raft.reset), an append, heartbeat or snapshot from the leader of the
// node's term (stepFollower), and a vote granted (Step, MsgVote). observe detects them
// after every input. The lease and the campaign therefore keep etcd's semantics, etcd's
// CheckQuorum, PreVote, vote and lease logic all run unchanged, and crypto/rand is still
// read (reset draws) but its value never reaches any decision.
//
// The alternative, replacing crypto/rand.Reader, was rejected: on Go 1.26 crypto/rand.Int
// does still read the Reader it is passed (only Prime and the key generators now ignore
// custom readers), but the variable is process-global. Worlds of a campaign run in
// parallel goroutines, so a seeded reader would have to be selected per world with no
// goroutine identity to select by, or guarded by a lock held for a whole run (serialising
// the campaign); and every other user of crypto/rand in the process would read it too.
//
// Config.EtcdElectionTimer restores etcd's own timer (every node ticked), the behaviour a
// test uses to show the determinism check catching the crypto/rand draw.
type elections struct {
	n *Node
	// timer is the follower's timer (lease expiry, then campaign); ticker drives a leader.
	timer, ticker nodeapi.Timer
	ticking       bool
	// timeoutTicks is the current randomized election timeout.
	timeoutTicks int
	// batch is how many ticks one ticker event delivers (see tick).
	batch int
}

func (e *elections) init(n *Node) {
	e.n = n
	e.batch = 1
	if !n.cfg.EtcdElectionTimer {
		e.batch = gcd(n.cfg.HeartbeatTicks, n.cfg.ElectionTicks)
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (e *elections) ticks(k int) time.Duration { return time.Duration(k) * e.n.cfg.Tick }

// reset restarts the election timeout after an event that restarts etcd's: a leader gets
// its ticker, anyone else a fresh follower timer.
func (e *elections) reset() {
	n := e.n
	e.timer.Stop()
	if n.stopped {
		return
	}
	if n.cfg.EtcdElectionTimer || n.state == raft.StateLeader {
		e.startTicker()
		return
	}
	e.stopTicker()
	if e.soleVoter() {
		// Nobody else can lead its configuration: waiting out a timeout only delays the
		// first write after a restart. A refused campaign (unapplied configuration
		// changes) retries a tick later.
		e.timer = n.env.After(n.cfg.Tick, e.campaign)
		return
	}
	e.timeoutTicks = n.cfg.ElectionTicks + n.env.Rand().IntN(n.cfg.ElectionTicks)
	e.timer = n.env.After(e.ticks(n.cfg.ElectionTicks), e.leaseExpired)
}

// soleVoter reports whether this node is the only voter of its applied configuration.
func (e *elections) soleVoter() bool {
	v := e.n.confState.GetVoters()
	return len(v) == 1 && v[0] == e.n.id && len(e.n.confState.GetVotersOutgoing()) == 0
}

// leaseExpired ends the follower's lease: ElectionTicks have passed without a leader.
func (e *elections) leaseExpired() {
	n := e.n
	if n.state == raft.StateFollower && n.lead != raft.None {
		n.stats.LeasesExpired++
		_ = n.rn.ForgetLeader()
		n.observe(nil)
	}
	e.timer = n.env.After(e.ticks(e.timeoutTicks-n.cfg.ElectionTicks), e.campaign)
}

// campaign is etcd's election timeout firing: MsgHup. etcd restarts the timeout whether
// or not the campaign started (a node with unapplied configuration changes refuses).
func (e *elections) campaign() {
	n := e.n
	term, state := n.term, n.state
	n.stats.Campaigns++
	_ = n.rn.Campaign()
	n.observe(nil)
	if n.term == term && n.state == state {
		e.reset()
	}
	n.pump()
}

func (e *elections) startTicker() {
	if !e.ticking {
		e.ticking = true
		e.ticker = e.n.env.After(e.ticks(e.batch), e.tick)
	}
}

func (e *elections) stopTicker() {
	if e.ticking {
		e.ticking = false
		e.ticker.Stop()
	}
}

// tick advances etcd's logical clock: heartbeats and CheckQuorum on a leader (and, with
// EtcdElectionTimer, etcd's own election timeout everywhere).
//
// A leader's tick function acts only when its counters reach HeartbeatTicks or
// ElectionTicks, and nothing else reads them, so one event every batch (their greatest
// common divisor) delivering batch ticks acts at exactly the same moments as one event
// per tick, with a tenth of the events at the default settings. (A leadership transfer
// restarts etcd's election count at any moment; its abort may then come up to a batch
// late.)
func (e *elections) tick() {
	n := e.n
	e.ticking = false
	for range e.batch {
		if n.stopped || (!n.cfg.EtcdElectionTimer && n.state != raft.StateLeader) {
			return
		}
		n.rn.Tick()
		n.observe(nil)
	}
	e.startTicker()
	n.pump()
}

func (e *elections) stop() {
	e.timer.Stop()
	e.stopTicker()
}
