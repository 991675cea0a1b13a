package raft

import "github.com/simfuzz/simfuzz/harness/nodeapi"

// TransferLeadership is the leader's input for handing leadership to target (§3.10): stop
// taking proposals, bring target's log up to date, then send it TimeoutNow so that it starts
// an election at once. The transfer is abandoned after an election timeout.
func (r *raft) TransferLeadership(target nodeapi.NodeID) (status, string) {
	switch {
	case r.role != Leader:
		return statusNotLeader, ""
	case target == r.id:
		return statusOK, ""
	case !r.isVoter(target):
		return statusFailed, string(target) + " is not a voter"
	}
	pr := r.progress(target)
	if pr == nil {
		// becomeLeader and syncConfig keep one progress per other voter.
		panic(broken(r.id, "leader has no progress for a voter", "voter", target))
	}
	r.transferTarget = target
	r.transferDeadline = r.now + r.cfg.ElectionTimeout
	r.note(string(r.id) + " transferring leadership to " + string(target) + " in term " +
		dec(r.term))
	if pr.match == r.log.lastIndex() {
		r.send(target, &message{Type: msgTimeoutNow, Term: r.term})
	} else {
		r.sendAppend(pr, false)
	}
	return statusOK, ""
}

// handleTimeoutNow starts an election at once, as the leader asked.
func (r *raft) handleTimeoutNow(from nodeapi.NodeID, _ *message) {
	if r.role == Leader || !r.canCampaign() || r.installing {
		return
	}
	r.note(string(r.id) + " got TimeoutNow from " + string(from) + " in term " + dec(r.term))
	r.campaign(campaignTransfer)
}
