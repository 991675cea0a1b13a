package harness_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/stretchr/testify/require"
)

func validScenario() harness.Scenario {
	return harness.Scenario{
		Version: harness.ScenarioVersion, Seed: 7,
		Cluster: harness.ClusterConfig{Nodes: []harness.NodeID{"n1", "n2", "n3"}},
		Network: harness.NetworkConfig{LatencyMin: harness.Duration(time.Millisecond),
			LatencyMax: harness.Duration(3 * time.Millisecond)},
		Clients: []harness.ClientScript{{ID: "c1", Ops: []harness.ClientOp{
			{Kind: "put", Key: "k1", Value: "v1"}, {Kind: "get", Key: "k1"}}}},
		Faults: []harness.Fault{{At: harness.Duration(time.Second), Kind: harness.FaultCrash,
			Node: "n2", For: harness.Duration(500 * time.Millisecond)}},
		Safety: harness.Duration(5 * time.Second), Liveness: harness.Duration(10 * time.Second),
	}
}

func encode(t *testing.T, s harness.Scenario) string {
	var buf bytes.Buffer
	require.NoError(t, harness.EncodeScenario(&buf, s))
	return buf.String()
}

func TestScenarioRoundTripIsReadable(t *testing.T) {
	s := validScenario()
	text := encode(t, s)
	require.Contains(t, text, `"at": "1s"`, "durations must be written as readable strings")
	require.Contains(t, text, `"kind": "crash"`)
	back, err := harness.DecodeScenario(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, s, back)
}

func TestScenarioDecodeErrorsNameTheProblem(t *testing.T) {
	good := encode(t, validScenario())
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
			_, err := harness.DecodeScenario(strings.NewReader(c.input))
			require.Error(t, err)
			require.Contains(t, err.Error(), c.want)
		})
	}
}

func TestScenarioValidateRejectsImpossibleConfigs(t *testing.T) {
	mutate := map[string]func(s *harness.Scenario){
		"cluster.nodes is empty": func(s *harness.Scenario) { s.Cluster.Nodes = nil },
		`duplicate id "n1"`: func(s *harness.Scenario) {
			s.Cluster.Nodes = []harness.NodeID{"n1", "n1"}
		},
		`clients[0].id: duplicate id "n1"`: func(s *harness.Scenario) { s.Clients[0].ID = "n1" },
		"safety phase":                     func(s *harness.Scenario) { s.Safety = 0 },
		"outside the safety phase": func(s *harness.Scenario) {
			s.Faults[0].At = harness.Duration(time.Minute)
		},
		"network": func(s *harness.Scenario) { s.Network.Loss = 1.5 },
		"sync latency range": func(s *harness.Scenario) {
			s.Disk.SyncLatencyMin = harness.Duration(time.Second)
		},
		"link fault needs link settings": func(s *harness.Scenario) {
			s.Faults[0] = harness.Fault{Kind: harness.FaultLink, Node: "n1", Peer: "n2"}
		},
	}
	for want, f := range mutate {
		t.Run(want, func(t *testing.T) {
			s := validScenario()
			f(&s)
			err := s.Validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), want)
		})
	}
}

func TestFaultStringIsOneLine(t *testing.T) {
	f := harness.Fault{At: harness.Duration(1200 * time.Millisecond), Kind: harness.FaultPartition,
		Groups: [][]harness.NodeID{{"n1"}, {"n2", "n3"}}, For: harness.Duration(time.Second)}
	require.Equal(t, "at 1.2s partition [n1] | [n2 n3] for 1s", f.String())
}
