package scenario_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/report"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// behavedScenario has one client of each new behaviour: an open-loop client with routed
// operations and a sticky client.
func behavedScenario() scenario.Scenario {
	s := fixtures.ValidScenario()
	s.Clients[0].OpenLoop = 3
	s.Clients[0].Ops[1].To = scenario.PreviousLeaderTarget
	s.Clients = append(s.Clients, scenario.ClientScript{ID: "c2", Sticky: true,
		Ops: []scenario.ClientOp{{Kind: "get", Key: "k1", To: "n2"}}})
	return s
}

// The behaviours are plain JSON fields that survive a round trip, and a file without them
// reads as today's closed-loop clients.
func TestClientBehavioursRoundTrip(t *testing.T) {
	s := behavedScenario()
	text := fixtures.JSON(s)
	for _, want := range []string{`"open_loop": 3`, `"sticky": true`,
		`"to": "@previous-leader"`, `"to": "n2"`} {
		require.Contains(t, text, want)
	}
	back, err := scenario.DecodeScenario(strings.NewReader(text))
	require.NoError(t, err)
	require.Equal(t, s, back)
	plain := fixtures.JSON(fixtures.ValidScenario())
	for _, field := range []string{"open_loop", "sticky", `"to"`} {
		require.NotContains(t, plain, field, "a default behaviour is left out of the file")
	}
}

func TestClientBehavioursAreValidated(t *testing.T) {
	mutate := map[string]func(s *scenario.Scenario){
		"clients[0].open_loop: 1; want 0 (closed loop) or 2 to 8 endpoints": func(
			s *scenario.Scenario) {
			s.Clients[0].OpenLoop = 1
		},
		"clients[0].open_loop: 9": func(s *scenario.Scenario) { s.Clients[0].OpenLoop = 9 },
		"clients[0].open_loop: -2": func(s *scenario.Scenario) {
			s.Clients[0].OpenLoop = -2
		},
		`clients[1].ops[0].to: unknown server "n9"`: func(s *scenario.Scenario) {
			s.Clients[1].Ops[0].To = "n9"
		},
		`clients[1].ops[0].to: unknown server "c1"`: func(s *scenario.Scenario) {
			s.Clients[1].Ops[0].To = "c1"
		},
		`clients[1].id: "c1#2" contains "#"`: func(s *scenario.Scenario) {
			s.Clients[1].ID = "c1#2"
		},
		`cluster.nodes[0]: "@previous-leader" is reserved`: func(s *scenario.Scenario) {
			s.Cluster.Nodes[0] = scenario.PreviousLeaderTarget
		},
		"68 client endpoints": func(s *scenario.Scenario) {
			s.Clients = nil
			for i := range 16 {
				s.Clients = append(s.Clients, scenario.ClientScript{
					ID: nodeapi.NodeID(fmt.Sprintf("c%d", i)), OpenLoop: 4,
					Ops: []scenario.ClientOp{{Kind: "get", Key: "k"}}})
			}
			s.Clients[0].OpenLoop = 8
		},
	}
	for want, f := range mutate {
		t.Run(want, func(t *testing.T) {
			s := behavedScenario()
			require.NoError(t, s.Validate())
			f(&s)
			err := s.Validate()
			require.Error(t, err)
			require.Contains(t, err.Error(), want)
		})
	}
}

// A hand-edited file with a wrong type names the field.
func TestClientBehaviourDecodeErrorsSayWhere(t *testing.T) {
	text := strings.Replace(fixtures.JSON(behavedScenario()), `"open_loop": 3`,
		`"open_loop": "3"`, 1)
	_, err := scenario.DecodeScenario(strings.NewReader(text))
	require.ErrorContains(t, err, "clients[0].open_loop")
}

// The report shows each behaviour: the open loop and its endpoints, stickiness, and where
// an operation is sent.
func TestClientBehavioursAreRendered(t *testing.T) {
	text := report.FormatScenario(behavedScenario(), model.KV)
	for _, want := range []string{
		"c1: open loop over 3 endpoints [c1 c1#2 c1#3] (think counts from the previous start)",
		`c1[1] after 0s: get(k1) to @previous-leader`,
		"c2: sticky (keeps to the server it uses)",
		`c2[0] after 0s: get(k1) to n2`,
	} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, report.FormatScenario(fixtures.ValidScenario(), model.KV), "c1: ",
		"a plain client has no behaviour line")
}

func TestClientEndpointsNameTheHistoryRows(t *testing.T) {
	require.Equal(t, []nodeapi.NodeID{"c1", "c1#2", "c1#3", "c2"},
		scenario.ClientEndpoints(behavedScenario()))
	require.Equal(t, []nodeapi.NodeID{"c1"}, scenario.ClientEndpoints(fixtures.ValidScenario()))
	require.True(t, fixtures.ValidScenario().Clients[0].Plain())
	for _, c := range behavedScenario().Clients {
		require.False(t, c.Plain(), c.ID)
	}
}
