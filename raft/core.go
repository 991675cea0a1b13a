package raft

import (
	"slices"
	"strconv"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Role is a node's role in the current term.
type Role uint8

// The roles. PreCandidate is a follower running a PreVote trial election.
const (
	Follower Role = iota
	PreCandidate
	Candidate
	Leader
)

var roleNames = [...]string{"follower", "pre-candidate", "candidate", "leader"}

func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "role(" + strconv.Itoa(int(r)) + ")"
}

// roleTransitions[from][to] is the role state machine, checked at every change as etcd's
// "invalid transition" is: only a candidate becomes leader (a pre-candidate must win a real
// election first), and a leader only ever steps down to follower, never straight into a
// campaign.
var roleTransitions = [...][4]bool{
	Follower:     {Follower: true, PreCandidate: true, Candidate: true},
	PreCandidate: {Follower: true, PreCandidate: true, Candidate: true},
	Candidate:    {Follower: true, PreCandidate: true, Candidate: true, Leader: true},
	Leader:       {Follower: true},
}

// setRole moves to role to, panicking on a transition the state machine does not allow.
func (r *raft) setRole(to Role) {
	if !roleTransitions[r.role][to] {
		panic(broken(r.id, "invalid role transition "+r.role.String()+" -> "+to.String(),
			"term", r.term))
	}
	r.role = to
	r.changed()
}

// changed says that the role, the term or the voters moved (see changes).
func (r *raft) changed() {
	if r.changes != nil {
		*r.changes++
	}
}

// outMsg is a message the core wants sent (by value: the outbox is reused, so sending
// allocates nothing until the adapter encodes it).
type outMsg struct {
	to nodeapi.NodeID
	m  message
}

// raft is the sans-IO consensus core. The adapter sets now, calls one input method (Step,
// Tick, Persisted, Propose, ...) and then drains the outputs: msgs, the hard-state and log
// watermarks (hsDirty, log.unstable), commit, readyReads, droppedReads, install and notes.
type raft struct {
	id  nodeapi.NodeID
	cfg *Config
	rng nodeapi.Rand
	// now and the deadlines below are readings of the node's monotonic clock (clock.go).
	now time.Duration
	// reach reports a protocol event (events.go) to the runtime; nil reports nothing.
	reach func(event string)
	// buggify asks the runtime whether a buggify site fires (buggify.go); nil: never.
	buggify func(site string) bool
	// changes, when set, is bumped whenever the role, the term or the voters change: the
	// System's count of what its Leader and Term answers depend on (system.go).
	changes *uint64

	// Persistent state (Figure 2), written by the adapter before dependent messages leave.
	term    uint64
	vote    nodeapi.NodeID
	hsDirty bool
	log     *raftLog
	// stable is the last index known durable on this node's own disk.
	stable uint64

	commit uint64
	role   Role
	lead   nodeapi.NodeID
	voters []nodeapi.NodeID

	electionDeadline time.Duration
	// leaderContact is when this node last heard from a leader (a leader: when it last
	// confirmed a quorum); the CheckQuorum lease is measured from it.
	leaderContact time.Duration
	votes         []voteRecord

	// Leader state.
	prs              []*progress
	heartbeatDue     time.Duration
	quorumCheckDue   time.Duration
	transferTarget   nodeapi.NodeID
	transferDeadline time.Duration
	readSeq          uint64
	reads            []readRequest
	waitingReads     []readCtx

	// snapshot is the latest durable snapshot, sent to followers that fell behind it.
	snapshot *snapshotRef
	// installing is set while the adapter persists a snapshot received from a leader.
	installing bool

	// Outputs.
	msgs         []outMsg
	readyReads   []readRequest
	droppedReads []readCtx
	install      *installRequest
	notes        []string
}

// voteRecord is one (pre-)vote response, kept per voter.
type voteRecord struct {
	from    nodeapi.NodeID
	granted bool
}

// newRaft makes a core from recovered state (term, vote and log from the disk).
func newRaft(id nodeapi.NodeID, cfg *Config, rng nodeapi.Rand, now time.Duration,
	term uint64, vote nodeapi.NodeID, log *raftLog) *raft {
	r := &raft{id: id, cfg: cfg, rng: rng, now: now, term: term, vote: vote, log: log,
		leaderContact: neverContacted}
	r.commit = log.snapIndex
	r.voters = log.voters()
	r.resetElectionTimer()
	return r
}

// Step is the input for a consensus message from another node.
func (r *raft) Step(from nodeapi.NodeID, m *message) {
	if !m.Type.isRaft() || from == r.id {
		return
	}
	if !r.stepTerm(from, m) {
		return
	}
	if m.Term != r.term && m.Type != msgPreVote && m.Type != msgPreVoteResp {
		// Only pre-votes are about a term other than ours (the one their sender proposes).
		panic(broken(r.id, "message of term "+dec(m.Term)+" handled in another term",
			"type", m.Type, "term", r.term))
	}
	switch m.Type {
	case msgPreVote, msgVote:
		r.handleVoteRequest(from, m)
	case msgPreVoteResp, msgVoteResp:
		r.handleVoteResponse(from, m)
	case msgApp:
		r.handleAppend(from, m)
	case msgAppResp:
		r.handleAppendResponse(from, m)
	case msgSnap:
		r.handleSnapshot(from, m)
	case msgTimeoutNow:
		r.handleTimeoutNow(from, m)
	}
}

// stepTerm applies the term rules of Figure 2 (a higher term makes us a follower, a lower
// one is answered or ignored) with the PreVote and lease exceptions. It reports whether the
// message should be handled further.
func (r *raft) stepTerm(from nodeapi.NodeID, m *message) bool {
	switch {
	case m.Term > r.term:
		return r.stepHigherTerm(from, m)
	case m.Term < r.term:
		r.respondStale(from, m)
		return false
	}
	return true
}

func (r *raft) stepHigherTerm(from nodeapi.NodeID, m *message) bool {
	switch m.Type {
	case msgPreVote, msgVote:
		if r.inLease() && !m.Transfer {
			// We hear from a live leader: a campaign now can only be disruptive (§9.6).
			return false
		}
		if m.Type == msgPreVote {
			return true // a pre-vote request never changes our term
		}
	case msgPreVoteResp:
		if !m.Reject {
			// A grant for our proposed term: counted, the term moves only once we win.
			return r.role == PreCandidate && m.Term == r.term+1
		}
		// A rejection from a node in a later term: adopt its term (below).
	}
	lead := nodeapi.NodeID("")
	if m.Type == msgApp || m.Type == msgSnap || m.Type == msgTimeoutNow {
		lead = from
	}
	r.becomeFollower(m.Term, lead)
	return true
}

// respondStale answers a message from an older term so that its sender learns ours: a stale
// leader steps down, a stale (pre-)candidate gives up.
func (r *raft) respondStale(from nodeapi.NodeID, m *message) {
	switch m.Type {
	case msgApp, msgSnap:
		r.send(from, &message{Type: msgAppResp, Term: r.term, Reject: true})
	case msgPreVote:
		r.send(from, &message{Type: msgPreVoteResp, Term: r.term, Reject: true})
	case msgVote:
		r.send(from, &message{Type: msgVoteResp, Term: r.term, Reject: true})
	}
}

// inLease reports whether this node has heard from a leader within the election timeout
// (CheckQuorum only); such a node ignores vote requests.
func (r *raft) inLease() bool {
	return r.cfg.CheckQuorum && r.lead != "" &&
		r.now-r.leaderContact < r.cfg.ElectionTimeout
}

func (r *raft) send(to nodeapi.NodeID, m *message) {
	// Copied once, into the slot: append(r.msgs, outMsg{to: to, m: *m}) built the element
	// first and copied it again, and a message is some 300 bytes.
	n := len(r.msgs)
	r.msgs = slices.Grow(r.msgs, 1)[:n+1]
	r.msgs[n].to, r.msgs[n].m = to, *m
}

// post queues a blank message to to and returns it, for the caller to fill in place: the
// most frequent messages (AppendEntries and their acks) are built there instead of being
// built elsewhere and copied in by send.
func (r *raft) post(to nodeapi.NodeID) *message {
	n := len(r.msgs)
	r.msgs = slices.Grow(r.msgs, 1)[:n+1]
	om := &r.msgs[n]
	*om = outMsg{to: to} // the slot may hold a sent message's fields
	return &om.m
}

// note records a notable moment (leader changes and the like) for the trace and reports.
func (r *raft) note(text string) { r.notes = append(r.notes, text) }

// setTerm moves to a newer term, forgetting the vote; the adapter persists it. The term
// never decreases: a node that went back could vote twice in a term or follow a deposed leader.
func (r *raft) setTerm(term uint64) {
	if term < r.term {
		panic(broken(r.id, "term must never decrease", "term", r.term, "new term", term))
	}
	if term > r.term {
		r.term, r.vote, r.hsDirty = term, "", true
		r.changed()
	}
}

// becomeFollower switches to follower in term (which may be the current one). The election
// timer restarts only on contact with a leader, or when stepping down as leader (which had
// no election deadline running). Adopting a later term from a vote request we refuse, or
// from a rejection, keeps the running deadline (Figure 3.1: only a leader's AppendEntries or
// a granted vote postpone an election): otherwise every candidate with a stale log would
// postpone the campaign of the node whose log can win, again and again.
func (r *raft) becomeFollower(term uint64, lead nodeapi.NodeID) {
	wasLeader := r.role == Leader
	r.setTerm(term)
	r.setRole(Follower)
	r.lead = lead
	r.votes = r.votes[:0]
	if wasLeader || lead != "" {
		r.resetElectionTimer()
	}
	if lead != "" {
		r.leaderContact = r.now
	}
	if wasLeader {
		r.reached(EventStepDown)
		r.clearLeaderState()
		r.note(string(r.id) + " stepped down in term " + dec(r.term))
	}
}

func (r *raft) clearLeaderState() {
	r.prs = nil
	r.transferTarget = ""
	for _, rd := range r.reads {
		r.droppedReads = append(r.droppedReads, rd.ctx)
	}
	r.droppedReads = append(r.droppedReads, r.waitingReads...)
	r.reads, r.waitingReads = nil, nil
}

// resetElectionTimer draws a new election deadline in [ET, 2*ET) from now.
func (r *raft) resetElectionTimer() {
	et := r.cfg.ElectionTimeout
	if r.bug(SiteEarlyElection) {
		et /= 4 // a spurious early timeout: the wait is a fraction of the timeout
	}
	r.electionDeadline = r.now + et + time.Duration(r.rng.Uint64()%uint64(et))
}

// Tick is the input for the passing of time: it acts on every deadline that is due.
func (r *raft) Tick() {
	if r.role != Leader {
		if r.now >= r.electionDeadline {
			r.electionTimeout()
		}
		return
	}
	if r.cfg.CheckQuorum && r.now >= r.quorumCheckDue {
		r.checkQuorum()
		if r.role != Leader {
			return
		}
	}
	if r.transferTarget != "" && r.now >= r.transferDeadline {
		r.note(string(r.id) + ": leadership transfer to " + string(r.transferTarget) +
			" timed out")
		r.transferTarget = ""
	}
	if r.now >= r.heartbeatDue {
		r.heartbeatDue = r.now + r.cfg.HeartbeatInterval
		r.broadcastHeartbeat()
	}
}

// nextDeadline is the earliest time at which Tick has work to do.
func (r *raft) nextDeadline() time.Duration {
	if r.role != Leader {
		return r.electionDeadline
	}
	next := r.heartbeatDue
	if r.cfg.CheckQuorum && r.quorumCheckDue < next {
		next = r.quorumCheckDue
	}
	if r.transferTarget != "" && r.transferDeadline < next {
		next = r.transferDeadline
	}
	return next
}

func (r *raft) isVoter(id nodeapi.NodeID) bool {
	_, ok := slices.BinarySearch(r.voters, id)
	return ok
}

func (r *raft) progress(id nodeapi.NodeID) *progress {
	for _, pr := range r.prs {
		if pr.id == id {
			return pr
		}
	}
	return nil
}
