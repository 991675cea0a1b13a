package harness_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// beepKV is the toy KV whose node "n2" reports the event "beep" every 250 ms of its life,
// and whose leader is whoever it is told (for EventLeaderElected).
type beepKV struct {
	fixtures.ToyKV
	leader nodeapi.NodeID
}

func (s *beepKV) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := s.ToyKV.NewNode(env, boot)
	if err == nil && env.ID() == "n2" {
		var beep func()
		beep = func() {
			nodeapi.Reach(env, "beep")
			env.After(250*time.Millisecond, beep)
		}
		env.After(250*time.Millisecond, beep)
	}
	return n, err
}

func (s *beepKV) Leader() nodeapi.NodeID { return s.leader }

func beepScenario(trigger scenario.Fault) scenario.Scenario {
	s := fixtures.ToyScenario()
	s.Safety = scenario.Duration(3 * time.Second)
	s.Faults = []scenario.Fault{trigger}
	return s
}

// annotated returns the annotations that contain text.
func annotated(res *harness.RunResult, text string) []sim.Annotation {
	var out []sim.Annotation
	for _, a := range res.Annotations {
		if strings.Contains(a.Text, text) {
			out = append(out, a)
		}
	}
	return out
}

func TestTriggerFiresOnTheReportedEventAtTheReporter(t *testing.T) {
	s := beepScenario(scenario.Fault{At: scenario.Duration(600 * time.Millisecond),
		Kind: scenario.FaultTrigger, For: scenario.Duration(2 * time.Second), On: "beep",
		Count: 2, Then: &scenario.Fault{Kind: scenario.FaultPause, Node: scenario.SelfTarget,
			At: scenario.Duration(10 * time.Millisecond), For: scenario.Duration(300 * time.Millisecond)}})
	res, err := harness.Run(s, &beepKV{}, harness.RunOptions{})
	require.NoError(t, err)
	fired := annotated(res, "fired trigger on beep by n2")
	// n2 beeps at 250 ms, 500 ms, ...; armed at 600 ms, the beep of 750 ms fires it; n2
	// pauses from 760 ms to 1.06 s (its 1 s beep waits for the resume), and beeps again
	// at 1.06 s, the second and last firing.
	require.Len(t, fired, 2, "Count bounds the firings: %v", res.Annotations)
	require.Equal(t, 760*time.Millisecond, fired[0].At, "Then.At after the event")
	require.Equal(t, nodeapi.NodeID("n2"), fired[0].Node, "@self is the reporter")
	require.Contains(t, fired[0].Text, "pause n2 for 300ms")
	require.Greater(t, res.Reached["beep"], uint64(10), "the events are counted")
}

func TestTriggerWaitsForItsWindowAndItsEvent(t *testing.T) {
	other := beepScenario(scenario.Fault{Kind: scenario.FaultTrigger,
		For: scenario.Duration(2 * time.Second), On: "boop",
		Then: &scenario.Fault{Kind: scenario.FaultCrash, Node: scenario.SelfTarget}})
	res, err := harness.Run(other, &beepKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Empty(t, annotated(res, "fired trigger"), "no node reports boop")

	// A window that closes before the first beep never fires.
	early := beepScenario(scenario.Fault{Kind: scenario.FaultTrigger,
		For: scenario.Duration(200 * time.Millisecond), On: "beep",
		Then: &scenario.Fault{Kind: scenario.FaultCrash, Node: scenario.SelfTarget}})
	res, err = harness.Run(early, &beepKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Empty(t, annotated(res, "fired trigger"))
}

func TestTriggerOnLeaderElected(t *testing.T) {
	sys := &beepKV{leader: "n1"}
	s := beepScenario(scenario.Fault{Kind: scenario.FaultTrigger,
		For: scenario.Duration(2 * time.Second), On: nodeapi.EventLeaderElected,
		Then: &scenario.Fault{Kind: scenario.FaultCrash, Node: scenario.SelfTarget,
			For: scenario.Duration(100 * time.Millisecond)}})
	// The "election": n3 leads from 1 s on.
	res, err := harness.Run(s, &leaderAt{beepKV: sys, at: time.Second, next: "n3"},
		harness.RunOptions{})
	require.NoError(t, err)
	fired := annotated(res, "fired trigger on "+nodeapi.EventLeaderElected)
	require.Len(t, fired, 1, "%v", res.Annotations)
	require.Equal(t, nodeapi.NodeID("n3"), fired[0].Node, "the new leader, not the old")
	require.Equal(t, uint64(1), res.Reached[nodeapi.EventLeaderElected])
}

// leaderAt reports leader next from time at on (read on n1's clock, which starts at 0).
type leaderAt struct {
	*beepKV
	at    time.Duration
	next  nodeapi.NodeID
	env   nodeapi.Env
	start time.Time
}

func (s *leaderAt) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	if env.ID() == "n1" && s.env == nil {
		s.env, s.start = env, env.Now()
	}
	return s.beepKV.NewNode(env, boot)
}

func (s *leaderAt) Leader() nodeapi.NodeID {
	if s.env != nil && s.env.Now().Sub(s.start) >= s.at {
		return s.next
	}
	return s.beepKV.leader
}

func TestTriggerValidation(t *testing.T) {
	act := &scenario.Fault{Kind: scenario.FaultCrash, Node: scenario.SelfTarget}
	for _, c := range []struct {
		f    scenario.Fault
		want string
	}{
		{scenario.Fault{Kind: scenario.FaultTrigger, For: scenario.Duration(time.Second), Then: act},
			"on: a trigger needs an event name"},
		{scenario.Fault{Kind: scenario.FaultTrigger, For: scenario.Duration(time.Second), On: "x"},
			"then: a trigger needs an action"},
		{scenario.Fault{Kind: scenario.FaultTrigger, On: "x", Then: act},
			"for: a trigger needs a duration"},
		{scenario.Fault{Kind: scenario.FaultTrigger, For: scenario.Duration(time.Second), On: "x",
			Count: 99, Then: act}, "count: 99 is outside"},
		{scenario.Fault{Kind: scenario.FaultTrigger, For: scenario.Duration(time.Second), On: "x",
			Then: &scenario.Fault{Kind: scenario.FaultCrashStorm, Rate: 0.1}},
			`then.kind: "crash-storm" cannot be a trigger's action`},
		{scenario.Fault{Kind: scenario.FaultTrigger, For: scenario.Duration(time.Second), On: "x",
			Then: &scenario.Fault{Kind: scenario.FaultCrash, Node: "n9"}},
			`then.node: unknown node "n9"`},
		{scenario.Fault{Kind: scenario.FaultTrigger, For: scenario.Duration(time.Second), On: "x",
			Then: &scenario.Fault{Kind: scenario.FaultCrash, Node: "n1",
				At: scenario.Duration(time.Minute)}}, "then.at: delay 1m0s is outside"},
		{scenario.Fault{Kind: scenario.FaultCrash, Node: "n1", Then: act},
			"then: only a trigger has an action, not crash"},
		{scenario.Fault{Kind: scenario.FaultCrash, Node: scenario.SelfTarget},
			`node: unknown node "@self"`},
	} {
		s := fixtures.ValidScenario()
		s.Faults = []scenario.Fault{c.f}
		err := s.Validate()
		require.Error(t, err, "%+v", c.f)
		require.Contains(t, err.Error(), c.want)
	}
}

func TestTriggerRendersAndRoundTrips(t *testing.T) {
	s := fixtures.ValidScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(time.Second), Kind: scenario.FaultTrigger,
		For: scenario.Duration(2 * time.Second), On: "leader", Count: 3,
		Then: &scenario.Fault{Kind: scenario.FaultIsolate, Node: scenario.SelfTarget,
			At: scenario.Duration(20 * time.Millisecond), For: scenario.Duration(time.Second)}}}
	require.NoError(t, s.Validate())
	require.Equal(t, "at 1s trigger on leader ×3 then isolate @self for 1s after 20ms for 2s",
		s.Faults[0].String())
	back, err := scenario.DecodeScenario(strings.NewReader(fixtures.JSON(s)))
	require.NoError(t, err)
	require.Equal(t, s.Faults, back.Faults)
}
