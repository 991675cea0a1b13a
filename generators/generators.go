// Package generators draws whole Scenarios with rapid: the cluster, the network and disk
// settings, the client workload and the fault schedule. Every choice is drawn so that rapid
// shrinks towards the simplest scenario: fewer clients, fewer operations, fewer keys, fewer
// fault kinds, fewer faults, gentler network settings.
//
// Fault schedules use swarm testing: each scenario first draws which fault kinds are on and
// how often each strikes, so that some runs hammer one kind hard instead of every run getting
// a thin mix of everything.
package generators

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Options bounds what the generator draws. The zero value is not valid; use Default.
type Options struct {
	// Nodes are the cluster sizes to choose from; the first is the simplest.
	Nodes []int
	// MaxClients (at most 5) and MaxOps (per client) bound the workload.
	MaxClients, MaxOps int
	// MaxKeys bounds the key space: few keys mean contention, which finds bugs.
	MaxKeys int
	// SafetyMin and SafetyMax bound the safety phase; Liveness is the liveness bound.
	SafetyMin, SafetyMax, Liveness time.Duration
	// MaxFaults bounds the units of the schedule (a fault, or a pattern: up to one fault per
	// node plus one, or for Figure 8 two plus one per event of Events and one more); Kinds
	// lists the fault kinds and patterns swarm testing may enable.
	MaxFaults int
	Kinds     []scenario.FaultKind
	// Knobs are settings of the system under test to vary; each knob's first value is its
	// default and the one shrinking heads to.
	Knobs []Knob
	// Events are the protocol events the system reports (see nodeapi.Reporter), which
	// triggers may wait for; nodeapi.EventLeaderElected is always available.
	Events []string
	// Clients draws the clients and their operations in the vocabulary of the system's
	// workload; nil draws key-value clients (KVClients).
	Clients ClientsGen
	// Behaviours lists the client behaviours (quiet gaps, routes, sticky and open-loop
	// clients) swarm testing may enable on top of what Clients draws; empty keeps every
	// client closed loop with Clients' own think times.
	Behaviours []ClientBehaviour
	// MessageKinds are the kinds of message the system under test labels (its
	// nodeapi.MessageLabeler's MessageKinds); hold and replay faults may aim at one of
	// them. Empty: those faults aim at links and fractions of messages only.
	MessageKinds []string
	// OpKinds restricts the operations clients draw to these kinds of the workload (say
	// "get" and "put" for a store without append, cas or delete); empty draws every kind.
	// KVClients honours it; a ClientsGen of a target's own should too.
	OpKinds []string
	// Membership lets membership changes be drawn: add-voter and remove-voter faults, the
	// membership-churn pattern and triggered membership changes. They need a client that
	// implements nodeapi.Admin; Default turns it on, and fuzz.Target turns it off for a
	// system whose client does not.
	Membership bool
	// BuggifySites are the buggify sites of the system under test (see nodeapi.Buggify);
	// each scenario activates some of them, swarm-style (none for an empty list).
	BuggifySites []string
}

// ClientsGen draws the clients of one scenario within o's bounds (MaxClients, MaxOps,
// MaxKeys). Draw clients and operations as rapid slices so that the shrinker can delete
// any one of them, and name clients c1, c2, ... (the HTML view and reports expect it).
type ClientsGen func(t *rapid.T, o Options) []scenario.ClientScript

// Knob is one system setting and the values a scenario may give it.
type Knob struct {
	Name   string
	Values []int64
}

// Default returns the options the properties and campaigns use.
func Default() Options {
	return Options{
		Nodes: []int{3, 5, 1, 4}, MaxClients: 5, MaxOps: 30, MaxKeys: 8,
		SafetyMin: 3 * time.Second, SafetyMax: 15 * time.Second, Liveness: 20 * time.Second,
		MaxFaults: 12, Kinds: GeneratedKinds(), Behaviours: ClientBehaviours(),
		Membership: true,
	}
}

// MembershipKinds are the fault kinds and patterns that change membership: drawn only
// with Options.Membership.
func MembershipKinds() []scenario.FaultKind {
	return []scenario.FaultKind{scenario.FaultAddVoter, scenario.FaultRemoveVoter,
		PatternMembershipChurn}
}

// swarmKinds are the kinds swarm testing chooses from: o.Kinds, without the membership
// kinds unless o.Membership.
func (o Options) swarmKinds() []scenario.FaultKind {
	if o.Membership {
		return o.Kinds
	}
	return slices.DeleteFunc(slices.Clone(o.Kinds), func(k scenario.FaultKind) bool {
		return slices.Contains(MembershipKinds(), k)
	})
}

// StabilityWindow is how long generated scenarios watch the leader after the liveness phase.
const StabilityWindow = 5 * time.Second

// onePersistent keeps the persist flag on the first persistent cut only (a scenario may
// hold one, and only in a fixed cluster of at least 3 voters) and reports whether one is
// left.
func onePersistent(s scenario.Scenario) bool {
	allowed := len(s.Cluster.Nodes) >= 3 && !scenario.ChangesMembership(s.Faults)
	found := false
	for i := range s.Faults {
		if s.Faults[i].Persist {
			s.Faults[i].Persist = allowed && !found
			found = found || allowed
		}
	}
	return found
}

// GeneratedKinds are the fault kinds and patterns swarm testing may enable: every kind
// whose spec says generators draw it (DrawnKinds), then the patterns. The others (restart,
// resume, heal, unclog) are the undo of a fault with a duration; their specs say so.
func GeneratedKinds() []scenario.FaultKind {
	return append(DrawnKinds(), Patterns()...)
}

// Validate reports options that cannot produce a valid scenario.
func (o Options) Validate() error {
	switch {
	case len(o.Nodes) == 0:
		return fmt.Errorf("generators: Nodes is empty")
	case o.MaxClients < 1 || o.MaxClients > 5:
		return fmt.Errorf("generators: MaxClients %d is outside [1, 5]", o.MaxClients)
	case o.MaxOps < 1 || o.MaxKeys < 1:
		return fmt.Errorf("generators: MaxOps and MaxKeys must be at least 1")
	case o.SafetyMin <= 0 || o.SafetyMax < o.SafetyMin || o.Liveness <= 0:
		return fmt.Errorf("generators: phase bounds [%v, %v], liveness %v are invalid",
			o.SafetyMin, o.SafetyMax, o.Liveness)
	case o.MaxFaults < 0:
		return fmt.Errorf("generators: MaxFaults is negative")
	}
	for _, n := range o.Nodes {
		if n < 1 || n > 9 {
			return fmt.Errorf("generators: cluster size %d is outside [1, 9]", n)
		}
	}
	for i, k := range o.MessageKinds {
		if k == "" {
			return fmt.Errorf("generators: MessageKinds[%d] is empty", i)
		}
	}
	if err := o.validateOpKinds(); err != nil {
		return err
	}
	if err := validateBuggifySites(o.BuggifySites); err != nil {
		return err
	}
	return validateBehaviours(o.Behaviours)
}

// validateOpKinds refuses an empty or repeated kind, and for key-value clients (Clients
// nil) a kind that is not a key-value kind, naming the ones there are.
func (o Options) validateOpKinds() error {
	for i, k := range o.OpKinds {
		switch {
		case k == "":
			return fmt.Errorf("generators: OpKinds[%d] is empty", i)
		case slices.Contains(o.OpKinds[:i], k):
			return fmt.Errorf("generators: OpKinds lists %q twice", k)
		case o.Clients == nil && !slices.Contains(KVKinds(), k):
			return fmt.Errorf("generators: OpKinds: %q is not a key-value kind (%s)", k,
				strings.Join(KVKinds(), ", "))
		}
	}
	return nil
}

// Scenario returns a generator of whole scenarios within o. It panics on invalid options,
// since those are a programming error of the caller (check with Validate first).
func Scenario(o Options) *rapid.Generator[scenario.Scenario] {
	if err := o.Validate(); err != nil {
		panic(err)
	}
	return rapid.Custom(func(t *rapid.T) scenario.Scenario { return draw(t, o) })
}

func draw(t *rapid.T, o Options) scenario.Scenario {
	n := rapid.SampledFrom(o.Nodes).Draw(t, "nodes")
	s := scenario.Scenario{
		Version:  scenario.ScenarioVersion,
		Seed:     rapid.Uint64().Draw(t, "seed"),
		Cluster:  scenario.ClusterConfig{Nodes: nodeIDs(1, n)},
		Network:  drawNetwork(t),
		Disk:     drawDisk(t),
		Safety:   drawDuration(t, "safety", o.SafetyMin, o.SafetyMax, 100*time.Millisecond),
		Liveness: scenario.Duration(o.Liveness),
	}
	sw := drawSwarm(t, o.swarmKinds())
	if sw.on(scenario.FaultAddVoter) || sw.on(PatternMembershipChurn) {
		s.Cluster.Spares = nodeIDs(n+1, intRange(1, 2).Draw(t, "spares"))
	}
	s.System = drawKnobs(t, o.Knobs)
	if o.Clients != nil {
		s.Clients = o.Clients(t, o)
	} else {
		s.Clients = KVClients(t, o)
	}
	bs := drawBehaviours(t, o.Behaviours, o.MaxClients, &s)
	s.Faults = drawFaults(t, o, sw, s)
	if onePersistent(s) || rapid.Bool().Draw(t, "stability") {
		s.Stability = scenario.Duration(StabilityWindow)
	}
	s.Buggify = drawBuggify(t, o.BuggifySites)
	s.Note = "generated; swarm: " + sw.String() + "; clients: " + bs.String()
	return s
}

func nodeIDs(first, count int) []nodeapi.NodeID {
	ids := make([]nodeapi.NodeID, count)
	for i := range ids {
		ids[i] = nodeapi.NodeID("n" + strconv.Itoa(first+i))
	}
	return ids
}

// drawDuration draws a duration in [lo, hi] on a grid of step, shrinking towards lo.
func drawDuration(t *rapid.T, label string, lo, hi, step time.Duration) scenario.Duration {
	k := intRange(0, int((hi-lo)/step)).Draw(t, label)
	return scenario.Duration(lo + time.Duration(k)*step)
}

// drawNetwork starts from the standard benchmark's network and lets swarm choices raise
// loss, duplication and corruption; every draw shrinks to the gentlest value.
func drawNetwork(t *rapid.T) scenario.NetworkConfig {
	return scenario.NetworkConfig{
		LatencyMin: scenario.Duration(time.Millisecond),
		LatencyMax: scenario.Duration(time.Millisecond) + drawDuration(t, "jitter", 0,
			10*time.Millisecond, 500*time.Microsecond),
		SpikeRate: rapid.SampledFrom([]float64{0, 0.01, 0.05}).Draw(t, "spike_rate"),
		SpikeMax:  scenario.Duration(50 * time.Millisecond),
		Loss:      rapid.SampledFrom([]float64{0, 0.001, 0.01, 0.05}).Draw(t, "loss"),
		Duplicate: rapid.SampledFrom([]float64{0, 0.001, 0.01, 0.05, 0.3}).Draw(t, "duplicate"),
		Corrupt:   rapid.SampledFrom([]float64{0, 0.001, 0.01}).Draw(t, "corrupt"),
		Reorder:   rapid.Bool().Draw(t, "reorder"),
	}
}

func drawDisk(t *rapid.T) scenario.DiskConfig {
	return scenario.DiskConfig{
		SyncLatencyMin: scenario.Duration(200 * time.Microsecond),
		SyncLatencyMax: scenario.Duration(2 * time.Millisecond),
		SyncFailRate:   rapid.SampledFrom([]float64{0, 0.001, 0.01}).Draw(t, "sync_fail_rate"),
	}
}

// drawKnobs gives each knob a value; the default (first) value is left out of the map, so
// a scenario lists only what it changes.
func drawKnobs(t *rapid.T, knobs []Knob) map[string]int64 {
	var m map[string]int64
	for _, k := range knobs {
		i := intRange(0, len(k.Values)-1).Draw(t, "knob."+k.Name)
		if i == 0 {
			continue
		}
		if m == nil {
			m = map[string]int64{}
		}
		m[k.Name] = k.Values[i]
	}
	return m
}
