package harness_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// idleRaftKV is the toy store with the traffic of an idle Raft cluster: the first server
// leads and heartbeats every follower every 100 ms, each follower acknowledges and resets
// its 1 s election timer.
type idleRaftKV struct{ fixtures.ToyKV }

type idleServer struct {
	*fixtures.ToyServer
	peers    []nodeapi.NodeID
	election nodeapi.Timer
}

func (s *idleRaftKV) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, _ := s.ToyKV.NewNode(env, boot)
	srv := &idleServer{ToyServer: n.(*fixtures.ToyServer), peers: boot.Peers}
	if env.ID() == boot.Peers[0] {
		srv.heartbeat()
	} else {
		srv.resetElection()
	}
	return srv, nil
}

func (n *idleServer) heartbeat() {
	for _, p := range n.peers[1:] {
		n.Env.Send(p, []byte("hb"))
	}
	n.Env.After(100*time.Millisecond, n.heartbeat)
}

func (n *idleServer) resetElection() {
	n.election.Stop()
	n.election = n.Env.After(time.Second, func() {})
}

func (n *idleServer) HandleMessage(from nodeapi.NodeID, msg []byte) {
	switch string(msg) {
	case "hb":
		n.resetElection()
		n.Env.Send(from, []byte("ack"))
	case "ack":
	default:
		n.ToyServer.HandleMessage(from, msg)
	}
}

// idleHour is the largest idle scenario the validator accepts: 16 nodes, no client
// operations, a one-hour safety phase.
func idleHour() scenario.Scenario {
	s := scenario.Scenario{Version: scenario.ScenarioVersion, Seed: 16,
		Network: scenario.NetworkConfig{LatencyMin: scenario.Duration(time.Millisecond),
			LatencyMax: scenario.Duration(3 * time.Millisecond)},
		Safety: scenario.Duration(time.Hour), Liveness: scenario.Duration(10 * time.Second)}
	for i := range scenario.MaxScenarioNodes {
		s.Cluster.Nodes = append(s.Cluster.Nodes, nodeapi.NodeID(fmt.Sprintf("n%d", i+1)))
	}
	return s
}

// A valid scenario runs to a verdict about the system, not about the event budget: the
// budget grows with the nodes and the virtual time a scenario asks for. The fixed budget
// of a million events that runs used to have calls this healthy cluster a runaway.
func TestIdleClusterOfSixteenRunsAnHour(t *testing.T) {
	s := idleHour()
	require.NoError(t, s.Validate())
	res, err := harness.Run(s, &idleRaftKV{}, harness.RunOptions{})
	require.NoError(t, err)
	require.Nil(t, res.Failure, "healthy idle cluster: %v", res.Failure)
	require.Greater(t, res.Events, uint64(harness.MinEventBudget))
	require.Less(t, res.Events*10, harness.EventBudget(s), "the budget leaves a wide margin")

	old, err := harness.Run(s, &idleRaftKV{}, harness.RunOptions{MaxEvents: 1_000_000})
	require.NoError(t, err)
	require.NotNil(t, old.Failure, "the old fixed budget calls it a runaway")
	require.Contains(t, old.Failure.Message, "event budget")
}

// The budget grows with endpoints and virtual time, and never falls below the minimum.
func TestEventBudgetGrowsWithTheScenario(t *testing.T) {
	s := fixtures.ToyScenario()
	base := harness.EventBudget(s)
	require.GreaterOrEqual(t, base, uint64(harness.MinEventBudget))
	more := s
	more.Cluster.Nodes = append(append([]nodeapi.NodeID{}, s.Cluster.Nodes...), "n9")
	require.Greater(t, harness.EventBudget(more), base)
	longer := s
	longer.Safety *= 10
	require.Greater(t, harness.EventBudget(longer), base)
}
