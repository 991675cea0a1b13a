package raft

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// campaignKind says how an election starts.
type campaignKind uint8

const (
	// campaignPre runs a PreVote trial without touching the term.
	campaignPre campaignKind = iota
	// campaignElection bumps the term and asks for real votes.
	campaignElection
	// campaignTransfer is a real election started by TimeoutNow; voters honour it even
	// while they hear from the (transferring) leader.
	campaignTransfer
)

// electionTimeout fires when a follower or candidate heard from no leader in time.
func (r *raft) electionTimeout() {
	if !r.canCampaign() || r.installing {
		// Not (or no longer) a voter, or busy replacing its log with a snapshot: never
		// campaign, only wait to hear from a leader.
		r.resetElectionTimer()
		return
	}
	if r.cfg.PreVote {
		r.campaign(campaignPre)
	} else {
		r.campaign(campaignElection)
	}
}

// canCampaign reports whether this node may stand for election: a voter of its latest
// configuration may; a node whose own removal is still uncommitted in its log only when the
// remaining voters cannot elect a leader without it. That is the case when they are fewer
// than a quorum of the configuration before the removal (removing one of two voters): a
// remaining voter whose log lacks the removal counts votes in that configuration and needs
// ours, which we refuse because our log is more up-to-date. Otherwise standing only
// competes with the remaining voters (splitting their votes) and needs every one of them,
// as we do not count ourselves. Votes are counted in the latest configuration; once elected
// the node commits its removal and steps down.
func (r *raft) canCampaign() bool {
	if r.isVoter(r.id) {
		return true
	}
	ci := r.log.configIndex()
	if ci <= r.commit {
		return false
	}
	prev := r.log.votersAt(ci - 1)
	_, wasVoter := slices.BinarySearch(prev, r.id)
	return wasVoter && len(r.voters) < quorumSize(len(prev))
}

// campaign starts a (pre-)election: vote for ourselves and ask every other voter.
func (r *raft) campaign(kind campaignKind) {
	if r.installing {
		// Its log is being replaced: it would ask for votes with a log about to vanish.
		panic(broken(r.id, "campaign while installing a snapshot", "term", r.term))
	}
	typ, term := msgVote, r.term+1
	if kind == campaignPre {
		typ = msgPreVote
		r.setRole(PreCandidate)
	} else {
		r.setTerm(term)
		r.vote, r.hsDirty = r.id, true
		r.setRole(Candidate)
	}
	r.lead = ""
	r.votes = r.votes[:0]
	r.resetElectionTimer()
	if r.countVotes(r.id, true) {
		return
	}
	lastIndex, lastTerm := r.log.lastIndex(), r.log.lastTerm()
	if lastTerm > r.term {
		// No leader writes entries of a term later than its own, and we never follow one
		// of a later term without adopting that term.
		panic(broken(r.id, "log ends in a term after the current one", "last term", lastTerm,
			"term", r.term))
	}
	for _, v := range r.voters {
		if v == r.id {
			continue
		}
		r.send(v, &message{Type: typ, Term: term, LastIndex: lastIndex, LastTerm: lastTerm,
			Transfer: kind == campaignTransfer})
	}
}

// handleVoteRequest answers a RequestVote or PreVote (Figure 2, RequestVote receiver).
func (r *raft) handleVoteRequest(from nodeapi.NodeID, m *message) {
	grant := r.canGrantVote(from, m)
	if m.Type == msgPreVote {
		// A grant is about the proposed term; a rejection carries ours, so that a
		// pre-candidate behind us learns our term and proposes a later one next time.
		term := r.term
		if grant {
			term = m.Term
		}
		r.send(from, &message{Type: msgPreVoteResp, Term: term, Reject: !grant})
		return
	}
	if grant {
		r.assertCanVote(from, m.Term)
		r.vote, r.hsDirty = from, true
		r.resetElectionTimer()
		r.reached(EventVoteGrant)
	}
	r.send(from, &message{Type: msgVoteResp, Term: r.term, Reject: !grant})
}

// assertCanVote guards the vote about to be recorded: a node votes at most once per term
// (for one candidate) and only in its current term, else two leaders could win one term.
func (r *raft) assertCanVote(candidate nodeapi.NodeID, term uint64) {
	if r.vote != "" && r.vote != candidate {
		panic(broken(r.id, "second vote in one term", "term", r.term, "voted for", r.vote,
			"asked by", candidate))
	}
	if term != r.term {
		panic(broken(r.id, "vote granted outside the current term", "term", r.term,
			"request term", term))
	}
}

// canGrantVote is the vote rule: we have not voted for someone else in this term (and know no
// leader of it), or this is a pre-vote for a later term; and the candidate's log is at least
// as up-to-date as ours.
func (r *raft) canGrantVote(from nodeapi.NodeID, m *message) bool {
	canVote := r.vote == from || (r.vote == "" && r.lead == "") ||
		(m.Type == msgPreVote && m.Term > r.term)
	return canVote && r.isUpToDate(m.LastIndex, m.LastTerm)
}

// isUpToDate is the election restriction (§5.4.1): a log is more up-to-date if its last term
// is higher, or the last terms are equal and it is at least as long.
func (r *raft) isUpToDate(lastIndex, lastTerm uint64) bool {
	ourTerm := r.log.lastTerm()
	return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= r.log.lastIndex())
}

// handleVoteResponse counts a (pre-)vote answer for the election we are running.
func (r *raft) handleVoteResponse(from nodeapi.NodeID, m *message) {
	switch {
	case r.role == PreCandidate && m.Type == msgPreVoteResp && !m.Reject && m.Term == r.term+1:
	case r.role == PreCandidate && m.Type == msgPreVoteResp && m.Reject && m.Term == r.term:
	case r.role == Candidate && m.Type == msgVoteResp && m.Term == r.term:
	default:
		return // an answer to an election we are no longer running
	}
	r.countVotes(from, !m.Reject)
}

// countVotes records one voter's answer and acts when the election is decided; it reports
// whether it was.
func (r *raft) countVotes(from nodeapi.NodeID, granted bool) bool {
	yes, no := r.recordVote(from, granted)
	q := quorumSize(len(r.voters))
	switch {
	case yes >= q && r.role == PreCandidate:
		r.campaign(campaignElection)
	case yes >= q:
		r.becomeLeader()
	case no >= q:
		r.becomeFollower(r.term, "")
	default:
		return false
	}
	return true
}

// recordVote stores the answer of a distinct voter (a duplicated or repeated response counts
// once; a non-voter's does not count) and returns the tallies.
func (r *raft) recordVote(from nodeapi.NodeID, granted bool) (yes, no int) {
	if r.isVoter(from) && !r.hasVoted(from) {
		r.votes = append(r.votes, voteRecord{from: from, granted: granted})
	}
	for _, v := range r.votes {
		if v.granted {
			yes++
		} else {
			no++
		}
	}
	return yes, no
}

func (r *raft) hasVoted(id nodeapi.NodeID) bool {
	for _, v := range r.votes {
		if v.from == id {
			return true
		}
	}
	return false
}

// becomeLeader takes over the term: fresh progress for every other voter, a no-op entry so
// that an entry of this term can commit (and with it everything before), and a first round of
// AppendEntries.
func (r *raft) becomeLeader() {
	if r.vote != r.id {
		// A candidate votes for itself when it bumps the term, and never for anyone else.
		panic(broken(r.id, "leader did not vote for itself in its term", "term", r.term,
			"vote", r.vote))
	}
	r.setRole(Leader)
	r.lead = r.id
	r.votes = r.votes[:0]
	r.leaderContact = r.now
	r.heartbeatDue = r.now + r.cfg.HeartbeatInterval
	r.quorumCheckDue = r.now + r.cfg.ElectionTimeout
	r.prs = r.prs[:0]
	for _, v := range r.voters {
		if v != r.id {
			r.prs = append(r.prs, newProgress(v, r.log.lastIndex()+1))
		}
	}
	r.note("leader " + string(r.id) + " term " + dec(r.term))
	r.reached(EventLeader)
	if r.log.lastIndex() > r.commit {
		r.reached(EventLeaderBehind)
	}
	r.appendLocal(Entry{Type: entryNoop})
	r.broadcastHeartbeat()
}

// checkQuorum steps a leader down when fewer than a quorum of voters (itself included)
// answered it during the last election timeout.
func (r *raft) checkQuorum() {
	r.quorumCheckDue = r.now + r.cfg.ElectionTimeout
	active := 0
	for _, v := range r.voters {
		if v == r.id {
			active++
			continue
		}
		if pr := r.progress(v); pr != nil && pr.recentActive {
			active++
		}
	}
	for _, pr := range r.prs {
		pr.recentActive = false
	}
	if active < quorumSize(len(r.voters)) {
		r.note(string(r.id) + " lost quorum in term " + dec(r.term))
		r.becomeFollower(r.term, "")
		return
	}
	r.leaderContact = r.now
}

// quorumSize is the number of voters that form a majority.
func quorumSize(voters int) int { return voters/2 + 1 }
