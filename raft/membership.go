package raft

import (
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Membership changes add or remove one voter at a time (§4.1 of the Raft dissertation). A
// configuration takes effect on each node as soon as its config entry is appended to that
// node's log (and is undone if the entry is truncated), not when it commits.

// ProposeConfChange is the leader's input for adding (add) or removing a voter. It returns
// the index of the config entry, or 0 with statusOK when target already has the asked
// membership; any other status says why nothing was appended.
func (r *raft) ProposeConfChange(target nodeapi.NodeID, add bool) (uint64, status, string) {
	if r.role != Leader {
		return 0, statusNotLeader, ""
	}
	if r.transferTarget != "" {
		return 0, statusRetry, "leadership transfer in progress"
	}
	if ok, why := r.confChangeAllowed(); !ok {
		r.reached(EventConfRefused)
		return 0, statusRetry, why
	}
	voters := slices.Clone(r.voters)
	i, member := slices.BinarySearch(voters, target)
	switch {
	case member == add:
		return 0, statusOK, ""
	case add:
		voters = slices.Insert(voters, i, target)
	case len(voters) == 1:
		return 0, statusFailed, "cannot remove " + string(target) + ", the last voter"
	default:
		voters = slices.Delete(voters, i, i+1)
	}
	index := r.appendLocal(Entry{Type: entryConfig, Data: configData(voters)})
	r.reached(EventConfAppend)
	verb := "remove"
	if add {
		verb = "add"
	}
	r.note("config change: " + verb + " " + string(target) + " at index " + dec(index) +
		" -> " + idList(voters))
	r.broadcastAppend()
	return index, statusOK, ""
}

// confChangeAllowed is the single-server safety rule: a new leader must first commit its
// no-op (an entry of its term), and at most one configuration entry may be uncommitted.
func (r *raft) confChangeAllowed() (bool, string) {
	if !r.committedInCurrentTerm() {
		return false, "leader has not committed an entry of its term yet"
	}
	if r.log.configIndex() > r.commit {
		return false, "another configuration change is not committed yet"
	}
	return true, ""
}

// syncConfig adopts the configuration of the log's latest config entry and, on a leader,
// adds progress for new voters and drops it for removed ones.
func (r *raft) syncConfig() {
	r.voters = r.log.voters()
	r.changed()
	for i := 1; i < len(r.voters); i++ {
		if r.voters[i-1] >= r.voters[i] {
			// Membership tests search the set, and a duplicate would count twice in a quorum.
			panic(broken(r.id, "voter set not sorted and distinct", "voters",
				idList(r.voters)))
		}
	}
	if r.role != Leader {
		return
	}
	kept := r.prs[:0]
	for _, pr := range r.prs {
		if r.isVoter(pr.id) {
			kept = append(kept, pr)
		}
	}
	clear(r.prs[len(kept):])
	r.prs = kept
	for _, v := range r.voters {
		if v != r.id && r.progress(v) == nil {
			r.prs = append(r.prs, newProgress(v, r.log.lastIndex()+1))
		}
	}
	slices.SortFunc(r.prs, func(a, b *progress) int {
		return cmpNodeID(a.id, b.id)
	})
	if r.transferTarget != "" && !r.isVoter(r.transferTarget) {
		r.transferTarget = ""
	}
}

func cmpNodeID(a, b nodeapi.NodeID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// stepDownAfterRemoval ends the leadership of a leader whose own removal has committed. It
// hands over to the most up-to-date voter with TimeoutNow so that the cluster need not wait
// for an election timeout.
func (r *raft) stepDownAfterRemoval() {
	var best *progress
	for _, pr := range r.prs {
		if best == nil || pr.match > best.match {
			best = pr
		}
	}
	if best != nil && best.match == r.log.lastIndex() {
		r.send(best.id, &message{Type: msgTimeoutNow, Term: r.term})
	}
	r.note(string(r.id) + " removed from the configuration, stepping down")
	r.becomeFollower(r.term, "")
}
