package generators

import (
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"pgregory.net/rapid"
)

// Patterns are correlated fault sequences, drawn as one unit of the schedule. Independent
// faults at random times rarely line up into the few sequences that break a consensus
// protocol; these are those sequences (Jepsen calls them nemeses), with random timings.
// They are swarm kinds like the others but never appear in a scenario: each expands into
// plain faults, which the structural shrinker can then remove one by one.
const (
	// PatternLeaderFlip isolates the leader, crashes the leader the majority elects in
	// the meantime, and heals while it is down: the old leader, with a log grown by
	// writes it could not commit, returns and may stand for election.
	PatternLeaderFlip harness.FaultKind = "pattern/leader-flip"
	// PatternLeaderChurn crashes the leader of the moment three or four times in quick
	// succession: leaders of several terms with partly replicated logs (Figure 8).
	PatternLeaderChurn harness.FaultKind = "pattern/leader-churn"
	// PatternElectionStorm crashes the leader and runs a crash storm over the election
	// that follows: voters crash right after granting a vote, before their vote is synced.
	PatternElectionStorm harness.FaultKind = "pattern/election-storm"
	// PatternStaleRead slows every disk and crashes the leader right after one of its
	// events: a new leader is elected before it learns the last commit, and its own no-op
	// takes long to commit, so reads reach it while its commit index is stale.
	PatternStaleRead harness.FaultKind = "pattern/stale-read"
	// PatternMembershipChurn adds a voter, crashes the leader while the change is barely
	// replicated, and asks for a removal just as a new leader takes over.
	PatternMembershipChurn harness.FaultKind = "pattern/membership-churn"
	// PatternFigure8 traps every new leader (so leaders of successive terms hold entries
	// no one else has) while a crash storm hits the leader of the moment (so a leader that
	// has just caught a follower up on old entries dies before its own entries spread):
	// the sequence of the Raft paper's Figure 8.
	PatternFigure8 harness.FaultKind = "pattern/figure8"
)

// Patterns lists the pattern kinds.
func Patterns() []harness.FaultKind {
	return []harness.FaultKind{PatternLeaderFlip, PatternLeaderChurn, PatternElectionStorm,
		PatternStaleRead, PatternMembershipChurn, PatternFigure8}
}

func isPattern(k harness.FaultKind) bool { return strings.HasPrefix(string(k), "pattern/") }

// drawFaultGroup draws one unit of the schedule: a plain fault or a pattern's faults.
func drawFaultGroup(t *rapid.T, k harness.FaultKind, s harness.Scenario,
	o Options) []harness.Fault {
	if !isPattern(k) {
		return []harness.Fault{drawFault(t, k, s, o)}
	}
	safety := time.Duration(s.Safety)
	at := drawDuration(t, "pattern.at", 0, safety*2/3, 10*time.Millisecond)
	ms := func(label string, lo, hi int) harness.Duration {
		return drawDuration(t, label, time.Duration(lo)*time.Millisecond,
			time.Duration(hi)*time.Millisecond, 10*time.Millisecond)
	}
	var fs []harness.Fault
	switch k {
	case PatternLeaderFlip:
		isolate := ms("flip.isolate", 1500, 5000)
		crashAt := at + isolate - ms("flip.lead", 50, 1000)
		fs = []harness.Fault{
			{At: at, Kind: harness.FaultIsolate, Node: harness.LeaderTarget, For: isolate},
			{At: crashAt, Kind: harness.FaultCrash, Node: harness.LeaderTarget,
				For: ms("flip.down", 500, 3000)},
		}
	case PatternLeaderChurn:
		n := rapid.IntRange(3, 4).Draw(t, "churn.count")
		for i := 0; i < n; i++ {
			fs = append(fs, harness.Fault{At: at, Kind: harness.FaultCrash,
				Node: harness.LeaderTarget, For: ms("churn.down", 50, 2000),
				Torn: rapid.Bool().Draw(t, "torn")})
			at += ms("churn.gap", 300, 2500)
		}
	case PatternElectionStorm:
		fs = []harness.Fault{
			{At: at, Kind: harness.FaultCrash, Node: harness.LeaderTarget,
				For: ms("storm.down", 100, 3000)},
			{At: at, Kind: harness.FaultCrashStorm, For: ms("storm.for", 1000, 4000),
				Rate: rapid.SampledFrom([]float64{0.1, 0.3}).Draw(t, "storm.rate")},
		}
	case PatternStaleRead:
		fs = staleRead(t, s, at, ms)
	case PatternMembershipChurn:
		fs = membershipChurn(t, s, at, ms)
	case PatternFigure8:
		window := ms("figure8.window", 2000, 6000)
		fs = []harness.Fault{
			{At: at, Kind: harness.FaultLeaderTrap, For: window},
			{At: at, Kind: harness.FaultCrashStorm, Node: harness.LeaderTarget, For: window,
				Rate: rapid.SampledFrom([]float64{0.05, 0.2}).Draw(t, "figure8.rate")},
		}
	}
	return clampToSafety(fs, s.Safety)
}

func staleRead(t *rapid.T, s harness.Scenario, at harness.Duration,
	ms func(string, int, int) harness.Duration) []harness.Fault {
	window := ms("stale.window", 1000, 4000)
	slow := s.Disk
	slow.SyncLatencyMin = harness.Duration(20 * time.Millisecond)
	slow.SyncLatencyMax = ms("stale.sync", 50, 300)
	var fs []harness.Fault
	for _, id := range s.Cluster.Nodes {
		d := slow
		fs = append(fs, harness.Fault{At: at, Kind: harness.FaultDisk, Node: id, Disk: &d,
			For: window})
	}
	return append(fs, harness.Fault{At: at + ms("stale.delay", 0, 500),
		Kind: harness.FaultCrashStorm, Node: harness.LeaderTarget, Rate: 0.2,
		For: window})
}

func membershipChurn(t *rapid.T, s harness.Scenario, at harness.Duration,
	ms func(string, int, int) harness.Duration) []harness.Fault {
	if len(s.Cluster.Spares) == 0 {
		return nil
	}
	crashAt := at + ms("churn.crash", 0, 100)
	victim := rapid.SampledFrom(s.Cluster.Nodes).Draw(t, "churn.remove")
	return []harness.Fault{
		{At: at, Kind: harness.FaultAddVoter, Node: s.Cluster.Spares[0]},
		{At: crashAt, Kind: harness.FaultCrash, Node: harness.LeaderTarget,
			For: ms("churn.down", 200, 3000)},
		{At: crashAt + ms("churn.remove_at", 900, 2600), Kind: harness.FaultRemoveVoter,
			Node: victim},
	}
}

// clampToSafety drops the faults of a pattern that would start after the safety phase.
func clampToSafety(fs []harness.Fault, safety harness.Duration) []harness.Fault {
	out := fs[:0]
	for _, f := range fs {
		if f.At <= safety {
			out = append(out, f)
		}
	}
	return out
}
