package harness_test

import (
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

func dur(d time.Duration) scenario.Duration { return scenario.Duration(d) }

// ageScenario is the toy KV with a hold of every client request to n1 (the toy's only
// server) and a replay of its answers.
func ageScenario() scenario.Scenario {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{
		{At: dur(400 * time.Millisecond), Kind: scenario.FaultHold, Node: "c1", Peer: "n1",
			For: dur(300 * time.Millisecond), Age: dur(time.Minute)},
		{At: dur(600 * time.Millisecond), Kind: scenario.FaultReplay, Node: "n1",
			Rate: 0.5, For: dur(time.Second), Age: dur(2 * time.Second)},
	}
	return s
}

// Hold and replay faults survive the JSON round trip with readable fields.
func TestAgeFaultsRoundTrip(t *testing.T) {
	s := ageScenario()
	s.Faults[1].MsgKind = "append-resp"
	text := fixtures.JSON(s)
	require.Contains(t, text, `"kind": "hold"`)
	require.Contains(t, text, `"age": "1m0s"`)
	require.Contains(t, text, `"msg_kind": "append-resp"`)
	back, err := scenario.DecodeScenario(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, s, back)

	for bad, want := range map[string]string{
		strings.Replace(text, `"age": "1m0s"`, `"age": "soon"`, 1): `field "faults[0].age": ` +
			`bad duration "soon"`,
		strings.Replace(text, `"msg_kind": "append-resp"`, `"msg_kind": 3`, 1): `field ` +
			`"faults[1].msg_kind": want a string, not the JSON number 3`,
	} {
		_, err := scenario.DecodeScenario(strings.NewReader(bad))
		require.ErrorContains(t, err, want)
	}
}

// Reports render the selector and settings a hold or replay reads, with defaults applied.
func TestAgeFaultString(t *testing.T) {
	s := ageScenario()
	require.Equal(t, "at 400ms hold c1->n1 age 1m0s for 300ms", s.Faults[0].String())
	require.Equal(t, "at 600ms replay n1->any rate 0.5 age 2s for 1s", s.Faults[1].String())
	f := scenario.Fault{At: dur(time.Second), Kind: scenario.FaultHold,
		Node: scenario.LeaderTarget, MsgKind: "append", For: dur(time.Second)}
	require.Equal(t, "at 1s hold @leader->any msg append age 10s for 1s", f.String())
	f.Node = ""
	require.Equal(t, "at 1s hold any->any msg append age 10s for 1s", f.String())
}

// Every bad field of a hold or replay is refused, naming the field.
func TestAgeFaultValidation(t *testing.T) {
	cases := map[string]func(f *scenario.Fault){
		"faults[0].rate: 1.5 is outside [0, 1]": func(f *scenario.Fault) { f.Rate = 1.5 },
		"faults[0].age: -1s is outside [0, 10m0s]": func(f *scenario.Fault) {
			f.Age = dur(-time.Second)
		},
		"faults[0].age: 1h0m0s is outside": func(f *scenario.Fault) { f.Age = dur(time.Hour) },
		`faults[0].msg_kind: "two words" is not a message kind`: func(f *scenario.Fault) {
			f.MsgKind = "two words"
		},
		"faults[0].msg_kind: 65 bytes, at most 64": func(f *scenario.Fault) {
			f.MsgKind = strings.Repeat("x", 65)
		},
		"faults[0].for: a hold needs a duration": func(f *scenario.Fault) { f.For = 0 },
		`faults[0].peer: unknown node "n9"`:      func(f *scenario.Fault) { f.Peer = "n9" },
		`faults[0].peer: unknown node "@leader"`: func(f *scenario.Fault) {
			f.Peer = scenario.LeaderTarget
		},
		`faults[0].node: unknown node "n9"`: func(f *scenario.Fault) { f.Node = "n9" },
	}
	for want, mutate := range cases {
		t.Run(want, func(t *testing.T) {
			s := ageScenario()
			mutate(&s.Faults[0])
			require.ErrorContains(t, s.Validate(), "scenario: "+want)
		})
	}
	s := ageScenario()
	s.Faults[0].Node, s.Faults[0].Peer = scenario.LeaderTarget, ""
	require.NoError(t, s.Validate(), "a hold may aim at the leader's messages")
	s.Faults[1].Kind = scenario.FaultCrash
	s.Faults[1].MsgKind = "x y"
	require.ErrorContains(t, s.Validate(), "faults[1].msg_kind",
		"a settings field is checked even where the kind does not read it")
}

// A message kind must be one the system labels; Run refuses the scenario otherwise.
func TestRunRefusesUnlabelledMessageKinds(t *testing.T) {
	s := ageScenario()
	s.Faults[1].MsgKind = "append"
	_, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.ErrorContains(t, err, `scenario: faults[1].msg_kind: "append", but the system `+
		"does not label its messages")
	_, err = harness.Run(s, &labelKV{}, harness.RunOptions{})
	require.NoError(t, err)
	s.Faults[1].MsgKind = "vote"
	_, err = harness.Run(s, &labelKV{}, harness.RunOptions{})
	require.ErrorContains(t, err, `scenario: faults[1].msg_kind: the system has no message `+
		`kind "vote" (it has append, answer)`)
}

// labelKV is the toy KV that labels its messages.
type labelKV struct{ fixtures.ToyKV }

func (*labelKV) MessageKinds() []string { return []string{"append", "answer"} }

func (*labelKV) MessageKind(frame []byte) string {
	if strings.Contains(string(frame), `"Result"`) {
		return "answer"
	}
	return "append"
}

// The liveness phase delivers every message a hold still holds at once, when it begins:
// the held get arrives at the instant the safety phase ends, long after its client gave
// up, and nothing aged is left for after the run. The timeline shows the hold, its end and
// the release on the network's row.
func TestLivenessPhaseReleasesHeldMessages(t *testing.T) {
	s := ageScenario()
	s.Faults = s.Faults[:1]
	res, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{RecordTrace: true})
	require.NoError(t, err)
	require.Nil(t, res.Failure)
	require.Equal(t, "put", res.Workload.Format(res.History[0].Op)[:3])
	require.Equal(t, nodeapi.Outcome{Unknown: true}, res.History[1].Outcome,
		"the get, sent during the hold, was answered after its client gave up")

	var held, late []sim.TraceEvent
	for _, e := range res.Trace {
		switch {
		case e.Kind == sim.KindHold:
			held = append(held, e)
		case e.Kind == sim.KindRecv && strings.HasSuffix(e.String(), ", held)"):
			late = append(late, e)
		}
	}
	require.Len(t, held, 1, "the get was sent during the hold")
	require.Len(t, late, 1)
	require.Equal(t, held[0].PayloadHash, late[0].PayloadHash)
	require.Equal(t, time.Duration(s.Safety), late[0].At, "delivered as the liveness phase begins")

	var texts []string
	for _, n := range report.Notes(res.Annotations) {
		if strings.Contains(n.Text, "hold") {
			require.Equal(t, "partition", n.Tag, n.Text)
			texts = append(texts, n.Text)
		}
	}
	require.Equal(t, []string{"hold c1->n1 age 1m0s", "hold c1->n1 age 1m0s ends",
		"hold and replay over: 1 aged messages arrive now"}, texts)
}

// The same scenario with hold and replay faults gives the same trace hash every time, and
// the faults change it.
func TestAgeFaultsAreDeterministic(t *testing.T) {
	s := ageScenario()
	a, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	b, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, a.TraceHash, b.TraceHash)
	require.Equal(t, a.Events, b.Events)
	s.Faults = nil
	c, err := harness.Run(s, &fixtures.ToyKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.NotEqual(t, a.TraceHash, c.TraceHash)
}

// A hold aimed at @leader takes the messages of the node leading when it fires.
func TestHoldResolvesTheLeaderWhenItFires(t *testing.T) {
	s := ageScenario()
	s.Faults = []scenario.Fault{{At: dur(time.Second), Kind: scenario.FaultHold,
		Node: scenario.LeaderTarget, For: dur(time.Second)}}
	res, err := harness.Run(s, &leaderKV{}, harness.RunOptions{})
	require.NoError(t, err)
	var texts []string
	for _, a := range res.Annotations {
		texts = append(texts, a.Text)
	}
	require.Contains(t, texts, "hold n1->any age 10s")
}
