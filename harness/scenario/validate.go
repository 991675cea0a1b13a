package scenario

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/model"
)

// Limits on a scenario, so that a typo cannot ask for a run that never ends.
const (
	MaxScenarioNodes   = 16
	MaxScenarioClients = 16
	MaxScenarioOps     = 10000
	MaxScenarioFaults  = 1000
	MaxPhase           = time.Hour
)

// Validate checks a scenario for the key-value workload (ValidateFor(model.KV)).
func (s *Scenario) Validate() error { return s.ValidateFor(model.KV) }

// ValidateFor checks a scenario whose operations belong to workload w and returns an error
// naming the first bad field, e.g. `faults[3].node: unknown node "n9"`.
func (s *Scenario) ValidateFor(w *model.Workload) error {
	ids, err := s.validateCluster()
	if err != nil {
		return err
	}
	if err := s.Network.Link().Validate(); err != nil {
		return fmt.Errorf("scenario: network: %v", err)
	}
	if err := s.Disk.validate("disk"); err != nil {
		return err
	}
	if err := s.validateClients(ids, w); err != nil {
		return err
	}
	if err := s.validatePhases(); err != nil {
		return err
	}
	if err := s.validateBuggify(); err != nil {
		return err
	}
	for i := range s.Faults {
		if err := s.Faults[i].validate(ids, time.Duration(s.Safety)); err != nil {
			return fmt.Errorf("scenario: faults[%d].%v", i, err)
		}
	}
	return s.validatePersistent()
}

// validatePersistent allows at most one persistent fault, a cut, and only with a stability
// window to hold it in.
func (s *Scenario) validatePersistent() error {
	n := 0
	for i, f := range s.Faults {
		if !f.Persist {
			continue
		}
		n++
		switch {
		case n > 1:
			return fmt.Errorf("scenario: faults[%d].persist: at most one fault may persist", i)
		case s.Stability <= 0:
			return fmt.Errorf("scenario: faults[%d].persist: needs a stability window", i)
		case len(s.Cluster.Nodes) < 3 || ChangesMembership(s.Faults):
			return fmt.Errorf("scenario: faults[%d].persist: a persistent cut needs a fixed "+
				"cluster of at least 3 voters (with 2, one cut link leaves no majority)", i)
		}
	}
	if s.Stability < 0 || time.Duration(s.Stability) > MaxPhase {
		return fmt.Errorf("scenario: stability %v must be in [0, %v]",
			time.Duration(s.Stability), MaxPhase)
	}
	return nil
}

func (s *Scenario) validateCluster() (map[nodeapi.NodeID]bool, error) {
	if len(s.Cluster.Nodes) == 0 {
		return nil, fmt.Errorf("scenario: cluster.nodes is empty")
	}
	if n := len(s.Cluster.Nodes) + len(s.Cluster.Spares); n > MaxScenarioNodes {
		return nil, fmt.Errorf("scenario: cluster has %d nodes, at most %d", n, MaxScenarioNodes)
	}
	ids := map[nodeapi.NodeID]bool{}
	for _, part := range []struct {
		field string
		list  []nodeapi.NodeID
	}{{"nodes", s.Cluster.Nodes}, {"spares", s.Cluster.Spares}} {
		for i, id := range part.list {
			if err := checkID(id, ids); err != nil {
				return nil, fmt.Errorf("scenario: cluster.%s[%d]: %v", part.field, i, err)
			}
			ids[id] = true
		}
	}
	return ids, nil
}

func checkID(id nodeapi.NodeID, seen map[nodeapi.NodeID]bool) error {
	switch {
	case id == "":
		return fmt.Errorf("empty id")
	case id == LeaderTarget || id == PreviousLeaderTarget || id == SelfTarget ||
		id == ProbeClient || id == AdminClient ||
		strings.HasPrefix(string(id), string(AdminClient)+"#"):
		return fmt.Errorf("%q is reserved", id)
	case strings.Contains(string(id), endpointSep):
		return fmt.Errorf("%q contains %q, which names the endpoints of open-loop clients",
			id, endpointSep)
	case seen[id]:
		return fmt.Errorf("duplicate id %q", id)
	}
	return nil
}

func (c DiskConfig) validate(field string) error {
	switch {
	case c.SyncLatencyMin < 0 || c.SyncLatencyMax < c.SyncLatencyMin:
		return fmt.Errorf("scenario: %s: sync latency range [%v, %v] is invalid", field,
			time.Duration(c.SyncLatencyMin), time.Duration(c.SyncLatencyMax))
	case c.SyncFailRate < 0 || c.SyncFailRate > 1:
		return fmt.Errorf("scenario: %s.sync_fail_rate %v is outside [0, 1]", field,
			c.SyncFailRate)
	case c.ReadCorruptRate < 0 || c.ReadCorruptRate > 1:
		return fmt.Errorf("scenario: %s.read_corrupt_rate %v is outside [0, 1]", field,
			c.ReadCorruptRate)
	}
	return nil
}

func (s *Scenario) validateClients(ids map[nodeapi.NodeID]bool, w *model.Workload) error {
	if len(s.Clients) > MaxScenarioClients {
		return fmt.Errorf("scenario: %d clients, at most %d", len(s.Clients), MaxScenarioClients)
	}
	servers := maps.Clone(ids)
	total, endpoints := 0, 0
	for i, c := range s.Clients {
		if err := checkID(c.ID, ids); err != nil {
			return fmt.Errorf("scenario: clients[%d].id: %v", i, err)
		}
		ids[c.ID] = true
		for j, op := range c.Ops {
			if _, err := op.Op(w); err != nil {
				return fmt.Errorf("scenario: clients[%d].ops[%d].kind: %v", i, j, err)
			}
		}
		if err := c.validate(i, servers); err != nil {
			return err
		}
		total += len(c.Ops)
		endpoints += len(c.Endpoints())
	}
	if total > MaxScenarioOps {
		return fmt.Errorf("scenario: %d operations, at most %d", total, MaxScenarioOps)
	}
	if endpoints > MaxClientEndpoints {
		return fmt.Errorf("scenario: %d client endpoints (each endpoint of an open-loop "+
			"client counts), at most %d", endpoints, MaxClientEndpoints)
	}
	return nil
}

func (s *Scenario) validatePhases() error {
	for _, p := range []struct {
		name string
		d    Duration
	}{{"safety", s.Safety}, {"liveness", s.Liveness}} {
		if p.d <= 0 || time.Duration(p.d) > MaxPhase {
			return fmt.Errorf("scenario: %s phase %v must be in (0, %v]", p.name,
				time.Duration(p.d), MaxPhase)
		}
	}
	if len(s.Faults) > MaxScenarioFaults {
		return fmt.Errorf("scenario: %d faults, at most %d", len(s.Faults), MaxScenarioFaults)
	}
	return nil
}

func (f *Fault) validate(ids map[nodeapi.NodeID]bool, safety time.Duration) error {
	sp := specOf(f.Kind)
	if sp == nil {
		return fmt.Errorf("kind: unknown fault kind %q", f.Kind)
	}
	if f.At < 0 || time.Duration(f.At) > safety {
		return fmt.Errorf("at: %v is outside the safety phase [0, %v]", time.Duration(f.At),
			safety)
	}
	if f.For < 0 {
		return fmt.Errorf("for: negative duration")
	}
	if err := sp.validateTarget(f, ids); err != nil {
		return err
	}
	if err := sp.validateKind(f); err != nil {
		return err
	}
	switch {
	case f.Then != nil && f.Kind != FaultTrigger:
		return fmt.Errorf("then: only a trigger has an action, not %s", f.Kind)
	case f.Then != nil:
		if err := f.validateAction(ids); err != nil {
			return err
		}
	}
	return f.validateSettings()
}

// validateSettings checks every settings field that is present, read by the kind or not:
// a file with an out-of-range value is refused rather than half-understood.
func (f *Fault) validateSettings() error {
	if f.Link != nil {
		if err := f.Link.Link().Validate(); err != nil {
			return fmt.Errorf("link: %v", err)
		}
	}
	if f.Disk != nil {
		if err := f.Disk.validate("disk"); err != nil {
			return err
		}
	}
	if f.DriftPPM < -500000 || f.DriftPPM > 500000 {
		return fmt.Errorf("drift_ppm: %d is outside [-500000, 500000]", f.DriftPPM)
	}
	if f.Age < 0 || time.Duration(f.Age) > MaxAge {
		return fmt.Errorf("age: %v is outside [0, %v] (0: %v)", time.Duration(f.Age), MaxAge,
			DefaultAge)
	}
	return checkMsgKind(f.MsgKind)
}

// checkMsgKind accepts a message kind that is a short name: printable ASCII, no spaces.
// Whether the system knows it is checked when the scenario runs (see CheckMessageKinds).
func checkMsgKind(kind string) error {
	if len(kind) > MaxMsgKind {
		return fmt.Errorf("msg_kind: %d bytes, at most %d", len(kind), MaxMsgKind)
	}
	for i := 0; i < len(kind); i++ {
		if c := kind[i]; c <= ' ' || c > '~' {
			return fmt.Errorf("msg_kind: %q is not a message kind (a short name: printable "+
				"ASCII, no spaces)", kind)
		}
	}
	return nil
}

// CheckMessageKinds checks the message kinds that faults name against the system that is
// to run them: a kind it does not label would silently select nothing.
func (s *Scenario) CheckMessageKinds(sys nodeapi.System) error {
	lab, _ := sys.(nodeapi.MessageLabeler)
	for i, f := range s.Faults {
		if sp := specOf(f.Kind); f.MsgKind == "" || sp == nil || sp.target != onMessages {
			continue
		}
		if lab == nil {
			return fmt.Errorf("scenario: faults[%d].msg_kind: %q, but the system does not "+
				"label its messages (it does not implement nodeapi.MessageLabeler)", i,
				f.MsgKind)
		}
		if known := lab.MessageKinds(); !slices.Contains(known, f.MsgKind) {
			return fmt.Errorf("scenario: faults[%d].msg_kind: the system has no message "+
				"kind %q (it has %s)", i, f.MsgKind, strings.Join(known, ", "))
		}
	}
	return nil
}

func validateGroups(groups [][]nodeapi.NodeID,
	known func(string, nodeapi.NodeID, bool) error) error {
	for i, g := range groups {
		for j, id := range g {
			if err := known(fmt.Sprintf("groups[%d][%d]", i, j), id, false); err != nil {
				return err
			}
		}
	}
	return nil
}
