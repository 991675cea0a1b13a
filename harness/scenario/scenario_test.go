package scenario_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

func TestScenarioRoundTripIsReadable(t *testing.T) {
	s := fixtures.ValidScenario()
	text := fixtures.JSON(s)
	require.Contains(t, text, `"at": "1s"`, "durations must be written as readable strings")
	require.Contains(t, text, `"kind": "crash"`)
	back, err := scenario.DecodeScenario(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, s, back)
}

func TestScenarioDecodeErrorsNameTheProblem(t *testing.T) {
	good := fixtures.JSON(fixtures.ValidScenario())
	cases := []struct {
		name, input, want string
	}{
		{"empty", "", "empty file"},
		{"malformed", "{\"version\": 1,", "malformed JSON"},
		{"unknown field", strings.Replace(good, `"seed"`, `"sede"`, 1), `unknown field "sede"`},
		{"wrong type", strings.Replace(good, `"seed": 7`, `"seed": "seven"`, 1), `"seed"`},
		{"newer version", strings.Replace(good, `"version": 1`, `"version": 9`, 1),
			"version 9 is newer"},
		{"missing version", strings.Replace(good, `"version": 1`, `"version": 0`, 1),
			`"version" is 0`},
		{"bad duration", strings.Replace(good, `"at": "1s"`, `"at": "soon"`, 1),
			`bad duration "soon"`},
		{"unknown node", strings.Replace(good, `"node": "n2"`, `"node": "n9"`, 1),
			`faults[0].node: unknown node "n9"`},
		{"unknown op", strings.Replace(good, `"kind": "put"`, `"kind": "upsert"`, 1),
			`clients[0].ops[0].kind: unknown operation kind "upsert"`},
		{"unknown fault", strings.Replace(good, `"kind": "crash"`, `"kind": "meteor"`, 1),
			`faults[0].kind: unknown fault kind "meteor"`},
		{"trailing", good + "{}", "trailing data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := scenario.DecodeScenario(strings.NewReader(c.input))
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

func TestScenarioValidateRejectsImpossibleConfigs(t *testing.T) {
	mutate := map[string]func(s *scenario.Scenario){
		"cluster.nodes is empty": func(s *scenario.Scenario) { s.Cluster.Nodes = nil },
		`duplicate id "n1"`: func(s *scenario.Scenario) {
			s.Cluster.Nodes = []nodeapi.NodeID{"n1", "n1"}
		},
		`clients[0].id: duplicate id "n1"`: func(s *scenario.Scenario) { s.Clients[0].ID = "n1" },
		"safety phase":                     func(s *scenario.Scenario) { s.Safety = 0 },
		"outside the safety phase": func(s *scenario.Scenario) {
			s.Faults[0].At = scenario.Duration(time.Minute)
		},
		"network": func(s *scenario.Scenario) { s.Network.Loss = 1.5 },
		"sync latency range": func(s *scenario.Scenario) {
			s.Disk.SyncLatencyMin = scenario.Duration(time.Second)
		},
		"link fault needs link settings": func(s *scenario.Scenario) {
			s.Faults[0] = scenario.Fault{Kind: scenario.FaultLink, Node: "n1", Peer: "n2"}
		},
	}
	for want, f := range mutate {
		t.Run(want, func(t *testing.T) {
			s := fixtures.ValidScenario()
			f(&s)
			err := s.Validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), want)
		})
	}
}

func TestFaultStringIsOneLine(t *testing.T) {
	f := scenario.Fault{At: scenario.Duration(1200 * time.Millisecond), Kind: scenario.FaultPartition,
		Groups: [][]nodeapi.NodeID{{"n1"}, {"n2", "n3"}}, For: scenario.Duration(time.Second)}
	require.Equal(t, "at 1.2s partition [n1] | [n2 n3] for 1s", f.String())
}
