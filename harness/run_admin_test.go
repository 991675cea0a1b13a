package harness_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/internal/fixtures"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// leaderToy is ToyKV with a leader it reports and admin clients that can be pointed at a
// server: they record where the harness points them and what it asks.
type leaderToy struct {
	*fixtures.ToyKV
	leader nodeapi.NodeID
	log    []string
}

func (s *leaderToy) Leader() nodeapi.NodeID { return s.leader }

func (s *leaderToy) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client,
	error) {
	c, err := s.ToyKV.NewClient(env, servers)
	return &pointableAdmin{Client: c, sys: s}, err
}

type pointableAdmin struct {
	nodeapi.Client
	sys *leaderToy
}

func (a *pointableAdmin) Prefer(id nodeapi.NodeID) {
	a.sys.log = append(a.sys.log, "prefer "+string(id))
}

func (a *pointableAdmin) AddVoter(id nodeapi.NodeID, done func(error)) {
	a.sys.log = append(a.sys.log, "add "+string(id))
	done(nil)
}

func (a *pointableAdmin) RemoveVoter(id nodeapi.NodeID, done func(error)) {
	a.sys.log = append(a.sys.log, "remove "+string(id))
	done(nil)
}

// A membership request goes first to the leader the harness sees, when the admin client
// can be pointed at a server; with no leader the client keeps its own guess.
func TestMembershipRequestGoesFirstToTheLeader(t *testing.T) {
	s := fixtures.ToyScenario()
	s.Faults = []scenario.Fault{{At: scenario.Duration(100 * time.Millisecond),
		Kind: scenario.FaultRemoveVoter, Node: "n3"}}
	for _, tc := range []struct {
		leader nodeapi.NodeID
		want   []string
	}{
		{"n2", []string{"prefer n2", "remove n3"}},
		{"", []string{"remove n3"}},
	} {
		sys := &leaderToy{ToyKV: &fixtures.ToyKV{}, leader: tc.leader}
		_, err := harness.Run(s, sys, harness.RunOptions{})
		require.NoError(t, err)
		require.Equal(t, tc.want, sys.log, "leader %q", tc.leader)
	}
}
