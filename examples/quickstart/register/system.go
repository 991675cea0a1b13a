package register

import (
	"fmt"
	"maps"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// System is the register as a nodeapi.System. For the simulator it also checks its safety
// invariants after every event (against ghost state that outlives crashes), says whether
// the replicas agree, which server is primary and the highest view, and hears of crashes.
// A production deployment uses NewNode and NewClient only.
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
	_ nodeapi.TermReporter      = (*System)(nil)
	_ nodeapi.LifecycleObserver = (*System)(nil)
)

// NewSystem validates cfg and returns a system with no nodes yet.
func NewSystem(cfg Config) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &System{cfg: cfg, nodes: map[nodeapi.NodeID]*Node{}, ghost: newGhost()}, nil
}

// NewNode creates, or after a crash re-creates, server env.ID() from its disk. A record
// whose checksum fails twice is a *CorruptionError.
func (s *System) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := newNode(env, boot, &s.cfg)
	if err != nil {
		return nil, err
	}
	n.audit = s.ghost
	s.nodes[n.id] = n
	return n, nil
}

// NewClient creates a client endpoint that talks to servers.
func (s *System) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return newClient(env, servers, &s.cfg)
}

// NodeDown forgets the ended incarnation of id; the ghost keeps what it saw.
func (s *System) NodeDown(id nodeapi.NodeID) { delete(s.nodes, id) }

// running lists the servers up and not fail-stopped, in ID order.
func (s *System) running() []*Node {
	var out []*Node
	for _, id := range slices.Sorted(maps.Keys(s.nodes)) {
		if n := s.nodes[id]; !n.halted {
			out = append(out, n)
		}
	}
	return out
}

// Leader returns the primary of the highest view a running server is in, or "" while that
// view has no running primary.
func (s *System) Leader() nodeapi.NodeID {
	var id nodeapi.NodeID
	var view uint64
	for _, n := range s.running() {
		if n.view > view {
			view, id = n.view, ""
		}
		if n.view == view && n.role == primary {
			id = n.id
		}
	}
	return id
}

// Term returns the highest view a running server is in.
func (s *System) Term() uint64 {
	var view uint64
	for _, n := range s.running() {
		view = max(view, n.view)
	}
	return view
}

// CheckAfterEvent reports the first invariant violation the ghost has seen; the checks run
// where the state changes, so this costs nothing.
func (s *System) CheckAfterEvent(nodeapi.NodeID) error { return s.ghost.err }

// Converged is nil when every live server holds the same state as the primary of the
// highest view, durably, and the primary has committed it.
func (s *System) Converged(live []nodeapi.NodeID) error {
	p := s.nodes[s.Leader()]
	if p == nil {
		return fmt.Errorf("no primary")
	}
	if p.commit < p.version {
		return fmt.Errorf("%s committed %d of %d operations", p.id, p.commit, p.version)
	}
	want := p.st.digest()
	for _, id := range live {
		n := s.nodes[id]
		switch {
		case n == nil:
			return fmt.Errorf("%s is not running", id)
		case n.durable.label != p.view || n.durable.version != p.version:
			return fmt.Errorf("%s holds version %d of view %d durably, the primary %s "+
				"version %d of view %d", id, n.durable.version, n.durable.label, p.id,
				p.version, p.view)
		case n.st.digest() != want:
			return fmt.Errorf("%s holds another state at version %d", id, n.version)
		}
	}
	return nil
}
