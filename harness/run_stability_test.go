package harness_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// stabilityScenario is the toy scenario with a 5 s stability window over a persistent cut.
func stabilityScenario() scenario.Scenario {
	s := fixtures.ToyScenario()
	s.Stability = scenario.Duration(5 * time.Second)
	s.Faults = []scenario.Fault{{At: scenario.Duration(time.Second), Kind: scenario.FaultCut,
		Node: "n2", Peer: "n3", Persist: true}}
	return s
}

func probeOps(res *harness.RunResult) int {
	n := 0
	for _, op := range res.History {
		if op.Op.Key == harness.ProbeKey {
			n++
		}
	}
	return n
}

// A stable system passes with the figures of a healthy window: no leader change, no time
// without a leader, every probe write acknowledged quickly. Each probe write is in the
// history, for the checker.
func TestStabilityWindowMeasuresAHealthySystem(t *testing.T) {
	res, err := harness.Run(stabilityScenario(), &termKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	st := res.Stability
	require.NotNil(t, st)
	require.Equal(t, 5*time.Second, st.Window)
	require.True(t, st.LeaderReported)
	require.True(t, st.TermReported)
	require.Zero(t, st.LeaderChanges)
	require.Zero(t, st.Leaderless)
	require.Equal(t, uint64(7), st.TermStart)
	require.Zero(t, st.TermRise())
	require.Greater(t, st.Probes, 40, "a probe every 100 ms and a few ms per write")
	require.Equal(t, st.Probes, st.Acked)
	require.Equal(t, 1.0, st.Availability())
	require.Less(t, st.LatencyMax, 10*time.Millisecond)
	require.Less(t, st.LongestGap, 120*time.Millisecond)
	require.Equal(t, 1+st.Probes, probeOps(res)-pendingAtClose(res),
		"the liveness probe and every window probe are in the history")
	require.True(t, res.Verdict.Linearizable())
	text := report.Report{Scenario: stabilityScenario(), Result: res}.String()
	require.Contains(t, text, "stability window 5s: 0 leader changes, leaderless 0s, "+
		"term 7->7, probe writes")

	res, err = harness.Run(fixtures.ToyScenario(), &termKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Stability, "no window, no figures")

	res, err = harness.Run(stabilityScenario(), &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	st = res.Stability
	require.False(t, st.LeaderReported)
	require.False(t, st.TermReported)
	require.Positive(t, st.Acked, "a system that reports nothing is judged on its probes")
	require.NotContains(t, st.String(), "leader")
	require.NotContains(t, st.String(), "term")
}

// pendingAtClose is 1 if the last probe write was still pending when the window closed.
func pendingAtClose(res *harness.RunResult) int {
	last := res.History[len(res.History)-1]
	if last.Op.Key == harness.ProbeKey && last.Outcome.Unknown {
		return 1
	}
	return 0
}

// termKV is the toy KV with a stable leader and a term of 7 that rises by one every
// riseEvery of virtual time after the window opens (never with riseEvery 0).
type termKV struct {
	leaderKV
	riseEvery time.Duration
}

func (s *termKV) Term() uint64 {
	t := s.elapsed()
	if s.riseEvery == 0 {
		return 7
	}
	return 7 + uint64(t/s.riseEvery)
}

// A term that keeps rising under a leader that never changes (a node forcing elections it
// cannot win, say) is disruption, reported with the figures.
func TestStabilityWindowFailsARisingTerm(t *testing.T) {
	res, err := harness.Run(stabilityScenario(), &termKV{riseEvery: 2 * time.Second},
		harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "the term rose by 2, more than 1 in the "+
		"stability window 5s: 0 leader changes, leaderless 0s, term 7->9")
	require.Equal(t, uint64(2), res.Stability.TermRise())

	res, err = harness.Run(stabilityScenario(), &termKV{riseEvery: 4 * time.Second},
		harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "one election round is tolerated: %v", res.Failure)
	require.Equal(t, uint64(1), res.Stability.TermRise())
}

// Two leader changes are one election, tolerated, unless the cluster stays leaderless for
// longer than a round of it. Leaderless time is measured from the first event that saw no
// leader to the first that saw one again, so each end is late by at most a tick (10 ms).
func TestStabilityWindowFailsALongLeaderlessStretch(t *testing.T) {
	res, err := harness.Run(stabilityScenario(),
		&leaderKV{downFrom: 2500 * time.Millisecond, downTo: 4990 * time.Millisecond},
		harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "more than 1s")
	require.InDelta(t, 2490*time.Millisecond, res.Stability.Leaderless,
		float64(10*time.Millisecond))
	require.Equal(t, 2, res.Stability.LeaderChanges)
	require.False(t, res.Stability.TermReported, "leaderKV reports no term")
	require.NotContains(t, res.Failure.Message, "term")

	res, err = harness.Run(stabilityScenario(),
		&leaderKV{downFrom: 4500 * time.Millisecond, downTo: 10 * time.Second},
		harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "half a second without a leader is tolerated: %v",
		res.Failure)
	require.InDelta(t, 500*time.Millisecond, res.Stability.Leaderless,
		float64(10*time.Millisecond), "a stretch still open when the window closes counts")
	require.Equal(t, 1, res.Stability.LeaderChanges)

	res, err = harness.Run(stabilityScenario(),
		&leaderKV{flapEvery: 800 * time.Millisecond}, harness.RunOptions{})
	require.NoError(t, err)
	require.Contains(t, res.Failure.Message, "leader changed")
	require.GreaterOrEqual(t, res.Stability.LeaderChanges, 6)
}

// Leaderless time is measured between the events that saw the leader go and come back,
// not counted in samples: a 15 ms gap is seen, and measured as at most a tick longer.
func TestStabilityWindowMeasuresLeaderlessTimeFromEvents(t *testing.T) {
	res, err := harness.Run(stabilityScenario(),
		&leaderKV{downFrom: time.Second, downTo: time.Second + 15*time.Millisecond},
		harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "%v", res.Failure)
	require.Equal(t, 2, res.Stability.LeaderChanges)
	require.InDelta(t, 15*time.Millisecond, res.Stability.Leaderless,
		float64(10*time.Millisecond))
}

// muteKV answers probe writes until the stability window is half a second old, then
// ignores them: the leader looks fine, but nobody can write.
type muteKV struct {
	leaderKV
}

func (s *muteKV) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := s.leaderKV.NewNode(env, boot) // the clock and the heartbeat
	if err != nil {
		return nil, err
	}
	return &muteServer{ToyServer: n.(*fixtures.ToyServer), sys: s}, nil
}

type muteServer struct {
	*fixtures.ToyServer
	sys *muteKV
}

func (n *muteServer) HandleMessage(from nodeapi.NodeID, msg []byte) {
	var req fixtures.ToyReq
	if json.Unmarshal(msg, &req) == nil && req.Op.Key == harness.ProbeKey &&
		n.sys.asked && n.sys.elapsed() > 500*time.Millisecond {
		return
	}
	n.ToyServer.HandleMessage(from, msg)
}

// A window in which probe writes stop being acknowledged fails on availability, even for a
// system whose leader and term look stable.
func TestStabilityWindowFailsUnacknowledgedProbes(t *testing.T) {
	res, err := harness.Run(stabilityScenario(), &muteKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.NotNil(t, res.Failure)
	require.Equal(t, harness.ClassLiveness, res.Failure.Class)
	require.Contains(t, res.Failure.Message, "no probe write acknowledged for 4.")
	st := res.Stability
	require.Zero(t, st.LeaderChanges)
	require.Positive(t, st.TimedOut, "the toy client gives up after 1 s")
	require.Less(t, st.Acked, st.Probes)
	require.Less(t, st.Availability(), 0.7)
	require.Contains(t, res.Failure.Message, "timed out")
}
