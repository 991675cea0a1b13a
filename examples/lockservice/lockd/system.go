package lockd

import (
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// System is the lock service as a nodeapi.System. For the simulator it also checks its own
// safety invariants after every event (nodeapi.Invariants, against ghost state that
// outlives node incarnations), tells when the replicas agree (nodeapi.Converger), which
// node leads (nodeapi.LeaderReporter), and hears of crashes (nodeapi.LifecycleObserver).
// A production deployment uses NewNode and NewClient only; the checks cost nothing there
// beyond the ghost's memory.
type System struct {
	cfg   Config
	nodes map[nodeapi.NodeID]*Node
	ghost *ghost
}

var (
	_ nodeapi.System            = (*System)(nil)
	_ nodeapi.Invariants        = (*System)(nil)
	_ nodeapi.Converger         = (*System)(nil)
	_ nodeapi.LifecycleObserver = (*System)(nil)
	_ nodeapi.LeaderReporter    = (*System)(nil)
)

// NewSystem validates cfg and returns a system with no nodes yet.
func NewSystem(cfg Config) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &System{cfg: cfg, nodes: map[nodeapi.NodeID]*Node{}, ghost: newGhost()}, nil
}

// NewNode creates, or after a crash re-creates, node env.ID() from its disk. A corrupted
// write-ahead log record yields a *CorruptionError naming the file and offset. boot.Peers
// must list the node: the service has a fixed membership.
func (s *System) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := newNode(env, boot, &s.cfg)
	if err != nil {
		return nil, err
	}
	n.audit = s.ghost
	s.ghost.started(n)
	s.nodes[n.id] = n
	return n, nil
}

// NewClient creates a client endpoint that talks to servers.
func (s *System) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return newClient(env, servers, &s.cfg)
}

// NodeDown forgets the ended incarnation of id; the ghost keeps what it did.
func (s *System) NodeDown(id nodeapi.NodeID) { delete(s.nodes, id) }

func (s *System) running() []*Node {
	ids := make([]nodeapi.NodeID, 0, len(s.nodes))
	for id, n := range s.nodes {
		if !n.halted {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]*Node, len(ids))
	for i, id := range ids {
		out[i] = s.nodes[id]
	}
	return out
}

// Leader returns the leader of the highest term a running node has reached, or "" while
// that term has no leader: what the harness aims "@leader" faults at and watches in the
// stability window.
func (s *System) Leader() nodeapi.NodeID {
	var id nodeapi.NodeID
	var term uint64
	for _, n := range s.running() {
		if n.term > term {
			term, id = n.term, ""
		}
		if n.term == term && n.role == leader {
			id = n.id
		}
	}
	return id
}

// CheckAfterEvent reports the first invariant violation the ghost has seen. The checks run
// where the state changes (an election won, an entry applied), so this costs nothing.
func (s *System) CheckAfterEvent(nodeapi.NodeID) error { return s.ghost.err }

// Converged is nil when every live replica has applied every committed entry and reached
// the same state.
func (s *System) Converged(live []nodeapi.NodeID) error {
	want := uint64(len(s.ghost.committed))
	for _, id := range live {
		n := s.nodes[id]
		switch {
		case n == nil:
			return fmt.Errorf("%s is not running", id)
		case n.applied < want:
			return fmt.Errorf("%s applied %d of %d committed entries", id, n.applied, want)
		case want > 0 && n.sm.digest != s.ghost.digests[want-1]:
			return fmt.Errorf("%s has another state after entry %d", id, want)
		}
	}
	return nil
}
