package harness

import (
	"fmt"
	"strings"
	"time"
)

// What a correct system achieves in a stability window: connected except for one cut link,
// which PreVote and CheckQuorum (or their equivalents) make harmless. The built-in Raft KV,
// the lock service and etcd's Raft hold their leader and their term through every window
// of a 10,000-seed campaign, and their probe writes never wait more than a quarter of a
// second. One election round is tolerated all the same, in case the window opens while one
// is due; anything more is a system being disrupted.
const (
	// maxLeaderChanges bounds the leader changes (a change to "no leader" counts): one
	// election is a change to none and one to the winner.
	maxLeaderChanges = 2
	// maxLeaderless bounds the time without a leader: one election round. A round takes a
	// few round trips; one that has not elected anybody within the shortest election
	// timeout of the built-in systems (1 s) is followed by another.
	maxLeaderless = time.Second
	// maxTermRise bounds how far the highest term may rise: one election round.
	maxTermRise = 1
	// maxProbeGap bounds the longest stretch of the window without an acknowledged probe
	// write: the rest of an election that was due (at most the longest election timeout
	// of the built-in systems, 2 s). A healthy window's longest is some 100-250 ms: the
	// 100 ms pause between probes and one write's latency.
	maxProbeGap = 2 * time.Second
)

// StabilityStats are the figures of a stability window. Leader figures are kept only for a
// System that reports its leader (LeaderReporter), term figures only for one that reports
// its term (TermReporter); the probe figures are kept for every system.
type StabilityStats struct {
	Window time.Duration
	// LeaderReported says whether LeaderChanges and Leaderless were measured: the leader
	// is sampled every 10 ms, and a change to "no leader" counts as a change.
	LeaderReported bool
	LeaderChanges  int
	Leaderless     time.Duration
	// TermReported says whether TermStart and TermEnd (the highest term at the window's
	// start and the highest sampled in it) were measured.
	TermReported       bool
	TermStart, TermEnd uint64
	// Probes counts the probe operations issued (closed loop, 100 ms apart), Acked those
	// acknowledged, TimedOut those the client gave up on (outcome unknown); the rest were
	// still pending when the window closed, a second or more after they were issued (a
	// younger one is left out).
	Probes, Acked, TimedOut int
	// LatencyMedian and LatencyMax are over the acknowledged probes; LongestGap is the
	// longest stretch of the window without an acknowledgement (from the window's start
	// to the first, between two, from the last to the window's end).
	LatencyMedian, LatencyMax, LongestGap time.Duration
	// ProbeNoun names the probe operation in messages, "write" or "read" (the workload's
	// Probe kind, model.Workload.ProbeNoun); empty reads as "write".
	ProbeNoun string
}

// probeNoun is ProbeNoun with its default.
func (s *StabilityStats) probeNoun() string {
	if s.ProbeNoun == "" {
		return "write"
	}
	return s.ProbeNoun
}

// TermRise is how far the term rose during the window (0 when not reported).
func (s *StabilityStats) TermRise() uint64 {
	if !s.TermReported || s.TermEnd < s.TermStart {
		return 0
	}
	return s.TermEnd - s.TermStart
}

// Availability is the fraction of probe writes acknowledged (0 when none was issued).
func (s *StabilityStats) Availability() float64 {
	if s.Probes == 0 {
		return 0
	}
	return float64(s.Acked) / float64(s.Probes)
}

// String renders the figures on one line, for reports and failure messages; it is
// deterministic (virtual times only).
func (s *StabilityStats) String() string {
	var parts []string
	if s.LeaderReported {
		parts = append(parts, fmt.Sprintf("%d leader changes, leaderless %v",
			s.LeaderChanges, s.Leaderless))
	}
	if s.TermReported {
		parts = append(parts, fmt.Sprintf("term %d->%d", s.TermStart, s.TermEnd))
	}
	probes := fmt.Sprintf("probe %ss %d/%d acknowledged", s.probeNoun(), s.Acked, s.Probes)
	if s.TimedOut > 0 {
		probes += fmt.Sprintf(" (%d timed out)", s.TimedOut)
	}
	if s.Acked > 0 {
		probes += fmt.Sprintf(", latency median %v max %v", s.LatencyMedian, s.LatencyMax)
	}
	parts = append(parts, probes, fmt.Sprintf("longest without an ack %v", s.LongestGap))
	return fmt.Sprintf("stability window %v: %s", s.Window, strings.Join(parts, ", "))
}

// verdict is the liveness failure the figures amount to, or nil: the first bound a correct
// system would have kept and this one did not. firstChange describes the first leader
// change, for the message.
func (s *StabilityStats) verdict(firstChange string) *Failure {
	var what string
	switch {
	case s.LeaderReported && s.LeaderChanges > maxLeaderChanges:
		what = fmt.Sprintf("leader changed %d times (first: %s), more than %d",
			s.LeaderChanges, firstChange, maxLeaderChanges)
	case s.LeaderReported && s.Leaderless > maxLeaderless:
		what = fmt.Sprintf("no leader for %v, more than %v", s.Leaderless, maxLeaderless)
	case s.TermRise() > maxTermRise:
		what = fmt.Sprintf("the term rose by %d, more than %d", s.TermRise(), maxTermRise)
	case s.LongestGap > maxProbeGap:
		what = fmt.Sprintf("no probe %s acknowledged for %v, more than %v", s.probeNoun(),
			s.LongestGap, maxProbeGap)
	default:
		return nil
	}
	return &Failure{Class: ClassLiveness, Message: what + " in the " + s.String()}
}
