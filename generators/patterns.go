package generators

import (
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
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
	PatternLeaderFlip scenario.FaultKind = "pattern/leader-flip"
	// PatternLeaderChurn crashes the leader of the moment three or four times in quick
	// succession: leaders of several terms with partly replicated logs (Figure 8).
	PatternLeaderChurn scenario.FaultKind = "pattern/leader-churn"
	// PatternElectionStorm crashes the leader and runs a crash storm over the election
	// that follows: voters crash right after granting a vote, before their vote is synced.
	PatternElectionStorm scenario.FaultKind = "pattern/election-storm"
	// PatternStaleRead slows every disk and crashes the leader right after one of its
	// events: a new leader is elected before it learns the last commit, and its own no-op
	// takes long to commit, so reads reach it while its commit index is stale.
	PatternStaleRead scenario.FaultKind = "pattern/stale-read"
	// PatternMembershipChurn asks for a membership change as the leader is cut off or
	// crashes, and for another change the moment each of the next leaders takes over.
	PatternMembershipChurn scenario.FaultKind = "pattern/membership-churn"
	// PatternFigure8 traps every new leader (so leaders of successive terms hold entries
	// no one else has) while a crash storm hits the leader of the moment (so an old leader
	// with a longer log is down while a newer one catches followers up), and cuts a node
	// off the moment it reports one of the target's protocol events (so a leader that has
	// just caught a follower up on old entries, and committed them, is cut off before its
	// own entries spread): the sequence of the Raft paper's Figure 8.
	PatternFigure8 scenario.FaultKind = "pattern/figure8"
)

// Patterns lists the pattern kinds.
func Patterns() []scenario.FaultKind {
	return []scenario.FaultKind{PatternLeaderFlip, PatternLeaderChurn, PatternElectionStorm,
		PatternStaleRead, PatternMembershipChurn, PatternFigure8}
}

func isPattern(k scenario.FaultKind) bool { return strings.HasPrefix(string(k), "pattern/") }

// drawFaultGroup draws one unit of the schedule: a plain fault or a pattern's faults.
func drawFaultGroup(t *rapid.T, k scenario.FaultKind, s scene) []scenario.Fault {
	if !isPattern(k) {
		return []scenario.Fault{drawFault(t, k, s)}
	}
	safety := time.Duration(s.Safety)
	at := drawDuration(t, "pattern.at", 0, safety*2/3, 10*time.Millisecond)
	ms := func(label string, lo, hi int) scenario.Duration {
		return drawDuration(t, label, time.Duration(lo)*time.Millisecond,
			time.Duration(hi)*time.Millisecond, 10*time.Millisecond)
	}
	var fs []scenario.Fault
	switch k {
	case PatternLeaderFlip:
		isolate := ms("flip.isolate", 1500, 5000)
		crashAt := at + isolate - ms("flip.lead", 50, 1000)
		fs = []scenario.Fault{
			{At: at, Kind: scenario.FaultIsolate, Node: scenario.LeaderTarget, For: isolate},
			{At: crashAt, Kind: scenario.FaultCrash, Node: scenario.LeaderTarget,
				For: ms("flip.down", 500, 3000)},
		}
	case PatternLeaderChurn:
		n := intRange(3, 4).Draw(t, "churn.count")
		for i := 0; i < n; i++ {
			fs = append(fs, scenario.Fault{At: at, Kind: scenario.FaultCrash,
				Node: scenario.LeaderTarget, For: ms("churn.down", 50, 2000),
				Torn: rapid.Bool().Draw(t, "torn")})
			at += ms("churn.gap", 300, 2500)
		}
	case PatternElectionStorm:
		fs = []scenario.Fault{
			{At: at, Kind: scenario.FaultCrash, Node: scenario.LeaderTarget,
				For: ms("storm.down", 100, 3000)},
			{At: at, Kind: scenario.FaultCrashStorm, For: ms("storm.for", 1000, 4000),
				Rate: rapid.SampledFrom([]float64{0.1, 0.3}).Draw(t, "storm.rate")},
		}
	case PatternStaleRead:
		fs = staleRead(t, s, at, ms)
	case PatternMembershipChurn:
		fs = membershipChurn(t, s, at, ms)
	case PatternFigure8:
		// Until the quiet phase: the sequence takes several elections, each a second or more.
		window := max(s.Safety-at, scenario.Duration(time.Second))
		fs = []scenario.Fault{
			{At: at, Kind: scenario.FaultLeaderTrap, For: window},
			{At: at, Kind: scenario.FaultCrashStorm, Node: scenario.LeaderTarget, For: window,
				Rate: rapid.SampledFrom([]float64{0.05, 0.2}).Draw(t, "figure8.rate")},
		}
		fs = append(fs, figure8Cuts(t, s, at, window, ms)...)
	}
	return clampToSafety(fs, s.Safety)
}

// figure8Cuts arms, for window, a trigger on each of some of the target's events (and on a
// new leader) that cuts the reporting node off from the other servers at once, one to four
// times. Which event marks the moment a leader acts on entries of an earlier term (a
// commit by counting, a catch-up) is the system's to say, not the generator's; cutting the
// node off, rather than crashing it, also drops the appends it sent in that event. Each
// event is armed with probability 1/2, so that a draw shrinks to the one trigger it needs.
func figure8Cuts(t *rapid.T, s scene, at, window scenario.Duration,
	ms func(string, int, int) scenario.Duration) []scenario.Fault {
	var fs []scenario.Fault
	for _, event := range append([]string{nodeapi.EventLeaderElected}, s.o.Events...) {
		if !rapid.Bool().Draw(t, "figure8.cut."+event) {
			continue
		}
		fs = append(fs, scenario.Fault{At: at, Kind: scenario.FaultTrigger, On: event,
			Count: intRange(1, 4).Draw(t, "figure8.cut_count"), For: window,
			Then: &scenario.Fault{Kind: scenario.FaultIsolate, Node: scenario.SelfTarget,
				For: ms("figure8.cut_for", 100, 1500)}})
	}
	return fs
}

func staleRead(t *rapid.T, s scene, at scenario.Duration,
	ms func(string, int, int) scenario.Duration) []scenario.Fault {
	window := ms("stale.window", 1000, 4000)
	slow := s.Disk
	slow.SyncLatencyMin = scenario.Duration(20 * time.Millisecond)
	slow.SyncLatencyMax = ms("stale.sync", 50, 300)
	var fs []scenario.Fault
	for _, id := range s.Cluster.Nodes {
		d := slow
		fs = append(fs, scenario.Fault{At: at, Kind: scenario.FaultDisk, Node: id, Disk: &d,
			For: window})
	}
	return append(fs, scenario.Fault{At: at + ms("stale.delay", 0, 500),
		Kind: scenario.FaultCrashStorm, Node: scenario.LeaderTarget, Rate: 0.2,
		For: window})
}

// membershipChurn asks for a membership change (a spare's addition or a removal) as the
// leader goes: it is cut off from the other servers (clients still reach it, so it
// appends the change but cannot replicate it), or it crashes 0-100 ms later. The moment
// each of the next one to three leaders is elected it is asked for another change: a
// leader must not change the configuration before it knows the committed one (its no-op
// committed), and only a request that reaches it at once tests that. With probability
// 1/2 each of those leaders is also cut off at that moment, so that a change it accepted
// at once stays its own, and the next leader, asked again, builds on another
// configuration (the single-server change bug of Ongaro's dissertation, §4.1).
func membershipChurn(t *rapid.T, s scene, at scenario.Duration,
	ms func(string, int, int) scenario.Duration) []scenario.Fault {
	if len(s.Cluster.Spares) == 0 {
		return nil
	}
	down := ms("churn.down", 500, 3000)
	first := scenario.Fault{At: at, Kind: scenario.FaultAddVoter, Node: s.Cluster.Spares[0]}
	if rapid.Bool().Draw(t, "churn.remove_first") {
		first = scenario.Fault{At: at, Kind: scenario.FaultRemoveVoter,
			Node: rapid.SampledFrom(s.Cluster.Nodes).Draw(t, "churn.remove")}
	}
	gone := scenario.Fault{At: at + ms("churn.crash", 0, 100), Kind: scenario.FaultCrash,
		Node: scenario.LeaderTarget, For: down}
	if rapid.Bool().Draw(t, "churn.isolate") {
		gone = scenario.Fault{At: at, Kind: scenario.FaultIsolate, Node: scenario.LeaderTarget,
			For: down}
	}
	// The new leader removes a node, perhaps itself (handing leadership on), or adds the
	// other spare; each of the next one to three leaders is asked the same at once.
	second := scenario.Fault{Kind: scenario.FaultRemoveVoter, Node: scenario.SelfTarget}
	if !rapid.Bool().Draw(t, "churn.remove_self") {
		second.Node = rapid.SampledFrom(s.Cluster.Nodes).Draw(t, "churn.remove_second")
	}
	if spare := s.Cluster.Spares[len(s.Cluster.Spares)-1]; spare != first.Node &&
		rapid.Bool().Draw(t, "churn.add_second") {
		second = scenario.Fault{Kind: scenario.FaultAddVoter, Node: spare}
	}
	// The election after the leader is gone takes a few election timeouts; the old leader
	// may win it again after it returns, which is a new leader too.
	window := down + scenario.Duration(time.Second)
	fs := []scenario.Fault{gone, first,
		{At: gone.At, Kind: scenario.FaultTrigger, On: nodeapi.EventLeaderElected, For: window,
			Count: intRange(1, 3).Draw(t, "churn.count"), Then: &second},
	}
	if rapid.Bool().Draw(t, "churn.cut") {
		cut := scenario.Fault{Kind: scenario.FaultIsolate, Node: scenario.SelfTarget,
			For: ms("churn.cut_for", 100, 1500)}
		fs = append(fs, scenario.Fault{At: gone.At, Kind: scenario.FaultTrigger,
			On: nodeapi.EventLeaderElected, For: window, Count: fs[2].Count, Then: &cut})
	}
	return fs
}

// clampToSafety drops the faults of a pattern that would start after the safety phase.
func clampToSafety(fs []scenario.Fault, safety scenario.Duration) []scenario.Fault {
	out := fs[:0]
	for _, f := range fs {
		if f.At <= safety {
			out = append(out, f)
		}
	}
	return out
}
