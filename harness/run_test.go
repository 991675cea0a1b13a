package harness_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

func TestRunPassesACorrectHistory(t *testing.T) {
	res, err := harness.Run(fixtures.ToyScenario(), &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	require.True(t, res.Verdict.Linearizable())
	require.Len(t, res.History, 3, "two client ops and the liveness probe")
	require.Equal(t, "v1", res.History[1].Outcome.Result.Value)
	require.Positive(t, res.Events)
}

// A crash of the only server between the put and the get loses the write: the harness
// must report a linearizability failure with a deterministic message.
// Clients know the initial voters only: a spare is no member until it is added, and the
// probe knows the servers that exist when it starts, spares brought in included.
func TestClientsKnowMembersNotSpares(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Cluster.Spares = []nodeapi.NodeID{"n4", "n5"}
	sys := &fixtures.ToyKV{}
	_, err := harness.Run(s, sys, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, s.Cluster.Nodes, sys.Servers["c1"])
	require.Equal(t, s.Cluster.Nodes, sys.Servers[scenario.ProbeClient])

	s.Faults = []scenario.Fault{{At: scenario.Duration(100 * time.Millisecond),
		Kind: scenario.FaultAddVoter, Node: "n5"}}
	sys = &fixtures.ToyKV{}
	_, err = harness.Run(s, sys, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, s.Cluster.Nodes, sys.Servers["c1"])
	require.Equal(t, s.Cluster.Nodes, sys.Servers["admin"])
	require.Equal(t, append(slices.Clone(s.Cluster.Nodes), "n5"),
		sys.Servers[scenario.ProbeClient], "the probe knows the spare that was started")
}

func TestRunFindsALostWrite(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(200 * time.Millisecond),
		Kind: scenario.FaultCrash, Node: "n1", For: scenario.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLinearizability, res.Failure.Class)
	require.Contains(t, res.Failure.Message, `"k1"`)
	again, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, res.Failure.Message, again.Failure.Message)
	require.Equal(t, res.TraceHash, again.TraceHash)
	notes := report.Notes(res.Annotations)
	require.True(t, strings.HasPrefix(notes[0].Text, "n1: crash"), notes[0].Text)
	require.Equal(t, "node", notes[0].Tag)
}

// A server that never answers the probe key fails the liveness phase.
func TestRunReportsLiveness(t *testing.T) {
	res, err := harness.Run(fixtures.ToyScenario(), &fixtures.ToyKV{DropKey: harness.ProbeKey},
		harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "probe write")
}

// Faults on a node the world cannot act on are skipped and annotated, not fatal.
func TestRunSkipsImpossibleFaults(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{Kind: scenario.FaultRestart, Node: "n2"}}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	found := false
	for _, a := range res.Annotations {
		found = found || strings.HasPrefix(a.Text, "skipped restart")
	}
	require.True(t, found, "expected a 'skipped restart' annotation: %v", res.Annotations)
}

func TestRunRejectsInvalidScenario(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Safety = 0
	_, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.ErrorContains(t, err, "safety phase")
}

func TestReportShowsEverything(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(200 * time.Millisecond),
		Kind: scenario.FaultCrash, Node: "n1", For: scenario.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	text := report.Report{Scenario: s, Result: res, Repro: "simfuzz replay x.json"}.String()
	for _, want := range []string{"FAILURE (linearizability)", "repro: simfuzz replay x.json",
		"2 operations:", "c1[0] after 0s: put(k1, \"v1\")", "1 faults:",
		"at 200ms crash n1 for 100ms", "trace lines"} {
		require.Contains(t, text, want)
	}
}

func TestWriteArtifacts(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(200 * time.Millisecond),
		Kind: scenario.FaultCrash, Node: "n1", For: scenario.Duration(100 * time.Millisecond)}}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	a, err := report.WriteArtifacts(t.TempDir(), report.Report{Scenario: s, Result: res})
	require.NoError(t, err)
	back, err := scenario.LoadScenario(a.Scenario)
	require.NoError(t, err)
	require.Equal(t, s.Faults, back.Faults)
	html, err := os.ReadFile(a.HTML)
	require.NoError(t, err)
	require.Contains(t, string(html), "n1: crash")
	report, err := os.ReadFile(a.Report)
	require.NoError(t, err)
	require.Contains(t, string(report), "history view: "+a.HTML)
}

// A crash storm with rate 1 crashes its target right after the target's first event, at
// the same virtual time, and restarts it later; the run stays deterministic.
func TestCrashStorm(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(100 * time.Millisecond),
		Kind: scenario.FaultCrashStorm, Node: "n1", Rate: 1,
		For: scenario.Duration(time.Second)}}
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	var crashes, restarts []time.Duration
	for _, a := range res.Annotations {
		switch {
		case a.Node == "n1" && a.Text == "crash":
			crashes = append(crashes, a.At)
		case a.Node == "n1" && a.Text == "restart":
			restarts = append(restarts, a.At)
		}
	}
	require.NotEmpty(t, crashes, "the storm crashed nothing: %v", res.Annotations)
	require.NotEmpty(t, restarts)
	for _, c := range crashes {
		require.GreaterOrEqual(t, c, 100*time.Millisecond)
		require.Less(t, c, 1100*time.Millisecond)
	}
	again, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	require.Equal(t, res.TraceHash, again.TraceHash)

	s.Faults[0].Rate = 0
	require.ErrorContains(t, s.Validate(), "rate")
}

// leaderKV is the toy KV with a leader that the test scripts by virtual time: n1 leads,
// except from downFrom to downTo after the leader was first asked for (when the stability
// window opens), and, with flapEvery, it leads and is gone in turns of that length. The
// first server ticks every 10 ms, as a heartbeat would, so that the runner, which looks at
// the leader after every server event, sees each scripted change within 10 ms.
type leaderKV struct {
	fixtures.ToyKV
	downFrom, downTo, flapEvery time.Duration
	clock                       nodeapi.Env // the first server's, for the time
	asked                       bool
	since                       time.Time // when the leader was first asked for
}

func (s *leaderKV) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	if s.clock == nil {
		s.clock = env
		var tick func()
		tick = func() { env.After(10*time.Millisecond, tick) }
		tick()
	}
	return s.ToyKV.NewNode(env, boot)
}

// elapsed is the virtual time since the leader was first asked for.
func (s *leaderKV) elapsed() time.Duration {
	if !s.asked {
		s.asked, s.since = true, s.clock.Now()
	}
	return s.clock.Now().Sub(s.since)
}

func (s *leaderKV) Leader() nodeapi.NodeID {
	t := s.elapsed()
	if t >= s.downFrom && t < s.downTo ||
		s.flapEvery > 0 && (t/s.flapEvery)%2 == 1 {
		return ""
	}
	return "n1"
}

func TestStabilityWindow(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Stability = scenario.Duration(time.Second)
	s.Faults = []scenario.Fault{{At: scenario.Duration(time.Second), Kind: scenario.FaultCut,
		Node: "n2", Peer: "n3", Persist: true}}
	res, err := harness.Run(s, &leaderKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "a stable leader must pass")
	require.GreaterOrEqual(t, res.SimTime, time.Duration(s.Safety+s.Stability))

	res, err = harness.Run(s, &leaderKV{flapEvery: 100 * time.Millisecond},
		harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "stability window")

	s.Faults[0].Kind = scenario.FaultCrash
	require.ErrorContains(t, s.Validate(), "only a cut can persist")
	s.Faults[0].Kind, s.Stability = scenario.FaultCut, 0
	require.ErrorContains(t, s.Validate(), "needs a stability window")
}

// A run that uses up its event budget fails as a runaway, deterministically.
func TestEventBudget(t *testing.T) {
	res, err := harness.Run(fixtures.ToyScenario(), &fixtures.ToyKV{},
		harness.RunOptions{MaxEvents: 5})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "event budget of 5 events used up")
}

// Split cuts the named groups apart and leaves unnamed endpoints (clients) reaching all.
func TestSplitKeepsUnnamedEndpointsConnected(t *testing.T) {
	w, err := sim.NewWorld(&fixtures.ToyKV{}, sim.Options{Seed: 1})
	require.NoError(t, err)
	for _, id := range []nodeapi.NodeID{"n1", "n2", "n3"} {
		require.NoError(t, w.AddNode(id, nodeapi.Boot{}))
	}
	_, err = w.AddClient("c1", []nodeapi.NodeID{"n1"})
	require.NoError(t, err)
	require.NoError(t, w.Split([]nodeapi.NodeID{"n1"}, []nodeapi.NodeID{"n2", "n3"}))
	net := w.Net() // endpoints are numbered in the order they were added
	require.False(t, net.Reachable(0, 1))
	require.False(t, net.Reachable(2, 0))
	require.True(t, net.Reachable(1, 2))
	require.True(t, net.Reachable(3, 0))
	require.True(t, net.Reachable(1, 3))
	w.Heal()
	require.True(t, net.Reachable(0, 1))
	require.Error(t, w.Split([]nodeapi.NodeID{"n9"}))
}

// alternatingKV reports n1 and n2 as leader in turn, every `every` calls.
type alternatingKV struct {
	fixtures.ToyKV
	every, calls int
}

func (s *alternatingKV) Leader() nodeapi.NodeID {
	s.calls++
	return []nodeapi.NodeID{"n1", "n2"}[(s.calls/s.every)%2]
}

// A leader trap isolates each new leader from the other servers as soon as it appears,
// and only while the trap lasts.
func TestLeaderTrap(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(100 * time.Millisecond),
		Kind: scenario.FaultLeaderTrap, For: scenario.Duration(time.Second)}}
	res, err := harness.Run(s, &alternatingKV{every: 1}, harness.RunOptions{})
	require.NoError(t, err)
	var traps []time.Duration
	for _, a := range res.Annotations {
		if a.Text == "isolate from servers" && (a.Node == "n1" || a.Node == "n2") {
			traps = append(traps, a.At)
		}
	}
	require.NotEmpty(t, traps, "no leader was trapped: %v", res.Annotations)
	for _, at := range traps {
		require.GreaterOrEqual(t, at, 100*time.Millisecond)
		require.Less(t, at, 1100*time.Millisecond)
	}
	s.Faults[0].For = 0
	require.ErrorContains(t, s.Validate(), "leader trap needs a duration")
	_, err = harness.Run(fixtures.ToyScenario(), &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
}

// The quiet phase heals the network's loss and corruption too: with every message lost
// in the safety phase the operation's outcome is unknown, but the liveness phase judges
// the system on a network that delivers.
func TestLivenessPhaseHealsLoss(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Network.Loss, s.Network.Corrupt = 1, 1
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	require.True(t, res.History[0].Outcome.Unknown, "the safety phase lost everything")
	require.False(t, res.History[len(res.History)-1].Outcome.Unknown, "the probe got through")
}
