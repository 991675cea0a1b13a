package raft

import (
	"cmp"
	"slices"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// System is the Raft key-value store as a nodeapi.System. It also implements
// nodeapi.Invariants (Election Safety, Log Matching, Leader Append-Only, Leader Completeness,
// State Machine Safety, checked incrementally after every event against ghost state that
// outlives node incarnations), nodeapi.Converger and nodeapi.LifecycleObserver.
type System struct {
	cfg   Config
	nodes map[nodeapi.NodeID]*Node
	// byID is the running incarnations sorted by ID, kept with nodes so that Leader and
	// Term, which the world asks after every event, walk a slice in a fixed order without
	// allocating, sorting or hashing an ID.
	byID  []running
	ghost *ghost
	// changes counts the changes of the running nodes and of their roles, terms, voters
	// and stops: all that Leader and Term depend on. The world asks both after every event
	// of a server, and most events change neither, so each answer is kept with the count
	// it was computed at (plus one, so that zero means none).
	changes          uint64
	leaderAt, termAt uint64
	leader           nodeapi.NodeID
	term             uint64
}

// running is one entry of System.byID.
type running struct {
	id nodeapi.NodeID
	n  *Node
}

func compareRunning(r running, id nodeapi.NodeID) int { return cmp.Compare(r.id, id) }

var (
	_ nodeapi.System            = (*System)(nil)
	_ nodeapi.Invariants        = (*System)(nil)
	_ nodeapi.Converger         = (*System)(nil)
	_ nodeapi.LifecycleObserver = (*System)(nil)
)

// NewSystem validates cfg and returns a system with no nodes yet.
func NewSystem(cfg Config) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &System{cfg: cfg, nodes: map[nodeapi.NodeID]*Node{}, ghost: newGhost()}, nil
}

// Config returns the configuration the system was made with.
func (s *System) Config() Config { return s.cfg }

// NewNode creates (or, after a crash, re-creates) node env.ID() from its disk. A corrupted
// disk record yields a *CorruptionError naming the file and offset.
func (s *System) NewNode(env nodeapi.Env, boot nodeapi.Boot) (nodeapi.Node, error) {
	n, err := newNode(env, boot, &s.cfg)
	if err != nil {
		return nil, err
	}
	s.nodes[env.ID()] = n
	if i, ok := slices.BinarySearchFunc(s.byID, env.ID(), compareRunning); ok {
		s.byID[i].n = n
	} else {
		s.byID = slices.Insert(s.byID, i, running{id: env.ID(), n: n})
	}
	s.ghost.watch(env.ID(), n)
	n.r.changes = &s.changes
	s.changes++
	return n, nil
}

// NewClient creates a client endpoint that talks to servers.
func (s *System) NewClient(env nodeapi.Env, servers []nodeapi.NodeID) (nodeapi.Client, error) {
	return newClient(env, servers, &s.cfg)
}

// NodeDown forgets the ended incarnation of id; the ghost state keeps what it did.
func (s *System) NodeDown(id nodeapi.NodeID) {
	delete(s.nodes, id)
	if i, ok := slices.BinarySearchFunc(s.byID, id, compareRunning); ok {
		s.byID = slices.Delete(s.byID, i, i+1)
	}
	s.ghost.unwatch(id)
	s.changes++
}

// Node returns the running incarnation of id, or nil.
func (s *System) Node(id nodeapi.NodeID) *Node { return s.nodes[id] }

// NodeIDs returns the IDs of the running incarnations, sorted, in a slice of the caller's.
func (s *System) NodeIDs() []nodeapi.NodeID {
	ids := make([]nodeapi.NodeID, len(s.byID))
	for i, r := range s.byID {
		ids[i] = r.id
	}
	return ids
}

// Leader returns the leader of the highest term among running leaders, unless a running
// voter of its configuration has reached a later term (then an election is under way, and
// there is no leader): the harness contract of nodeapi.LeaderReporter, which crash
// targeting and the stability check rely on. Nodes outside the leader's configuration do
// not count: a removed node that campaigned alone may sit at a later term for ever while
// the cluster it left goes on under its leader (campaign seed 647718). Of two running
// leaders of one term (a safety violation, which the invariants report), the lower ID is
// the one returned. It allocates nothing: the world asks after every event.
func (s *System) Leader() nodeapi.NodeID {
	if s.leaderAt != s.changes+1 {
		s.leader, s.leaderAt = s.leaderNow(), s.changes+1
	}
	return s.leader
}

// leaderNow computes Leader.
func (s *System) leaderNow() nodeapi.NodeID {
	var lead *Node
	var leadID nodeapi.NodeID
	for _, r := range s.byID {
		n := r.n
		if !n.stopped && n.r.role == Leader && (lead == nil || n.r.term > lead.r.term) {
			lead, leadID = n, r.id
		}
	}
	if lead == nil {
		return ""
	}
	for _, r := range s.byID {
		n := r.n
		if !n.stopped && n.r.term > lead.r.term && lead.r.isVoter(r.id) {
			return ""
		}
	}
	return leadID
}

// CheckAfterEvent checks the safety invariants for what node id changed since its last
// check; the cost is proportional to that change, not to the log.
func (s *System) CheckAfterEvent(id nodeapi.NodeID) error {
	return s.ghost.check(id)
}

// CheckAll re-checks every running node from scratch against the ghost state (for the end
// of a run, or a property that wants a full sweep).
func (s *System) CheckAll() error {
	for _, id := range s.NodeIDs() {
		s.ghost.rewatch(id)
		if err := s.ghost.check(id); err != nil {
			return err
		}
	}
	return nil
}
