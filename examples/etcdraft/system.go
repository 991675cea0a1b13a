package etcdraft

import (
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"go.etcd.io/raft/v3"
)

// System is the etcd/raft key-value store as a nodeapi.System. It implements the optional
// interfaces too: nodeapi.Invariants (Election Safety, State Machine Safety, Leader
// Completeness and Durability, checked after every event against ghost state that outlives
// node incarnations), nodeapi.Converger, nodeapi.LeaderReporter and
// nodeapi.LifecycleObserver. One System serves one run: it keeps the run's ghost state.
type System struct {
	cfg   Config
	nodes map[nodeapi.NodeID]*Node
	ghost *ghost
}

var (
	_ nodeapi.System            = (*System)(nil)
	_ nodeapi.Invariants        = (*System)(nil)
	_ nodeapi.Converger         = (*System)(nil)
	_ nodeapi.LeaderReporter    = (*System)(nil)
	_ nodeapi.LifecycleObserver = (*System)(nil)
)

// NewSystem validates cfg and returns a system with no nodes yet.
func NewSystem(cfg Config) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &System{cfg: cfg, nodes: map[nodeapi.NodeID]*Node{}, ghost: newGhost()}, nil
}

// NewNode creates, or after a crash re-creates, node env.ID() from its disk. A damaged
// write-ahead log yields a *CorruptionError naming the file and offset.
func (s *System) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := newNode(env, boot, &s.cfg)
	if err != nil {
		return nil, err
	}
	s.nodes[env.ID()] = n
	return n, nil
}

// NewClient creates a client endpoint that talks to servers.
func (s *System) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return newClient(env, servers, &s.cfg)
}

// Node returns the running incarnation of id, or nil.
func (s *System) Node(id nodeapi.NodeID) *Node { return s.nodes[id] }

// Voters returns the voters of the configuration node id has applied, sorted, or nil when
// id is not running: what a report (or a test of membership changes) shows.
func (s *System) Voters(id nodeapi.NodeID) []nodeapi.NodeID {
	n := s.nodes[id]
	if n == nil {
		return nil
	}
	var out []nodeapi.NodeID
	for _, v := range n.confState.GetVoters() {
		out = append(out, n.names.name(v))
	}
	slices.Sort(out)
	return out
}

// NodeDown forgets the ended incarnation of id; the ghost keeps what its disk promised.
func (s *System) NodeDown(id nodeapi.NodeID) {
	if n := s.nodes[id]; n != nil {
		n.stopped = true
		s.ghost.down(id, n)
	}
	delete(s.nodes, id)
}

// CheckAfterEvent checks the invariants for what node id did in the event; clients and
// unknown IDs have nothing to check.
func (s *System) CheckAfterEvent(id nodeapi.NodeID) error {
	n := s.nodes[id]
	if n == nil {
		return nil
	}
	if err := s.ghost.check(id, n); err != nil {
		return err
	}
	return nil
}

// Leader returns the leader of the highest term among the running leaders, or "" when a
// running voter of that leader's configuration has reached a higher term (an election is
// under way): the contract of nodeapi.LeaderReporter, which aims faults at "@leader" and
// watches the stability window. A node the configuration no longer holds does not count:
// removed but still running (it never heard of its removal), it may campaign at ever
// higher terms that the voters ignore while their leader serves.
func (s *System) Leader() nodeapi.NodeID {
	var lead *Node
	var leadID nodeapi.NodeID
	ids := sortedIDs(s.nodes)
	for _, id := range ids {
		if n := s.nodes[id]; n.state == raft.StateLeader && (lead == nil || n.term > lead.term) {
			lead, leadID = n, id
		}
	}
	if lead == nil {
		return ""
	}
	voters := lead.confState.GetVoters()
	for _, id := range ids {
		if n := s.nodes[id]; n.term > lead.term && slices.Contains(voters, n.id) {
			return ""
		}
	}
	return leadID
}

// Converged reports nil once every live voter (of the configuration of the most advanced
// live node) has applied everything any live node knows committed, and all hold the same
// state.
func (s *System) Converged(live []nodeapi.NodeID) error {
	var up []*Node
	for _, id := range live {
		if n := s.nodes[id]; n != nil {
			up = append(up, n)
		}
	}
	if len(up) == 0 {
		return nil
	}
	ref, commit := up[0], uint64(0)
	for _, n := range up {
		if n.applied > ref.applied {
			ref = n
		}
		commit = max(commit, n.hs.GetCommit())
	}
	want := ref.kv.digest()
	for _, n := range up {
		if !slices.Contains(ref.confState.GetVoters(), n.id) {
			continue
		}
		if n.applied < commit {
			return fmt.Errorf("etcdraft: %s applied %d of %d committed entries",
				n.env.ID(), n.applied, commit)
		}
		if n.applied == ref.applied && n.kv.digest() != want {
			return fmt.Errorf("etcdraft: %s and %s applied %d entries but hold different "+
				"states", n.env.ID(), ref.env.ID(), n.applied)
		}
	}
	return nil
}
