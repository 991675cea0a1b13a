package realrt

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Rule says how much of the traffic with one peer an endpoint drops: Out is the fraction
// of the messages it sends to the peer, In the fraction of those it receives from it. 0
// drops nothing, 1 drops everything. Both sides' Out=1 and In=1 make a partition between
// them; one side's Out=1 alone is a one-way cut; fractions are message loss.
type Rule struct {
	Out float64 `json:"out"`
	In  float64 `json:"in"`
}

// AnyPeer is the table key of the rule for every peer without a rule of its own; with it
// one entry isolates a node or makes all of its links lossy.
const AnyPeer nodeapi.NodeID = "*"

// Validate reports a fraction outside [0, 1].
func (r Rule) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"out", r.Out}, {"in", r.In}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			return fmt.Errorf("drop rule: %s = %v, want a fraction in [0, 1]", f.name, f.v)
		}
	}
	return nil
}

// cuts reports whether the rule stops every message one way or the other, which is what
// breaks a stream (a stream is reliable or it is broken).
func (r Rule) cuts() bool { return r.Out >= 1 || r.In >= 1 }

// Faults is an endpoint's drop table: the fault-control hook for Jepsen-style tests of
// real processes. It is safe for concurrent use and takes effect at once: Send consults it
// for each outgoing message, connection readers for each incoming one, and streams whose
// path it cuts break with nodeapi.ErrPartitioned.
type Faults struct {
	mu    sync.Mutex
	rules map[nodeapi.NodeID]Rule
	rng   *rand.Rand
	// changed is told the new table (under no lock); the runtime breaks cut streams.
	changed func()
	dropped uint64
}

func newFaults(seed uint64) *Faults {
	return &Faults{rules: map[nodeapi.NodeID]Rule{},
		rng: rand.New(rand.NewPCG(seed, 0x6661756c7473))} // "faults"
}

// Set replaces the rule for peer (AnyPeer for the default); the zero Rule removes it.
func (f *Faults) Set(peer nodeapi.NodeID, r Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	if r == (Rule{}) {
		delete(f.rules, peer)
	} else {
		f.rules[peer] = r
	}
	f.mu.Unlock()
	f.notify()
	return nil
}

// Replace installs a whole table at once (the admin endpoint's PUT): either every rule is
// valid and the table is replaced, or nothing changes.
func (f *Faults) Replace(table map[nodeapi.NodeID]Rule) error {
	for _, peer := range slices.Sorted(maps.Keys(table)) {
		if peer == "" {
			return fmt.Errorf("drop rule with an empty peer name")
		}
		if err := table[peer].Validate(); err != nil {
			return fmt.Errorf("peer %s: %w", peer, err)
		}
	}
	f.mu.Lock()
	f.rules = map[nodeapi.NodeID]Rule{}
	for peer, r := range table {
		if r != (Rule{}) {
			f.rules[peer] = r
		}
	}
	f.mu.Unlock()
	f.notify()
	return nil
}

// Clear removes every rule: the endpoint's links heal.
func (f *Faults) Clear() { _ = f.Replace(nil) }

// Table returns a copy of the current rules.
func (f *Faults) Table() map[nodeapi.NodeID]Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.rules)
}

// Dropped counts the messages the table has dropped so far.
func (f *Faults) Dropped() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropped
}

func (f *Faults) notify() {
	if f.changed != nil {
		f.changed()
	}
}

// rule returns the rule in force for peer.
func (f *Faults) ruleLocked(peer nodeapi.NodeID) Rule {
	if r, ok := f.rules[peer]; ok {
		return r
	}
	return f.rules[AnyPeer]
}

// cut reports whether the path to peer is cut either way.
func (f *Faults) cut(peer nodeapi.NodeID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ruleLocked(peer).cuts()
}

// dropOut decides whether the next message to peer is dropped.
func (f *Faults) dropOut(peer nodeapi.NodeID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.drawLocked(f.ruleLocked(peer).Out)
}

// dropIn decides whether the next message from peer is dropped.
func (f *Faults) dropIn(peer nodeapi.NodeID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.drawLocked(f.ruleLocked(peer).In)
}

func (f *Faults) drawLocked(p float64) bool {
	if p <= 0 || (p < 1 && f.rng.Float64() >= p) {
		return false
	}
	f.dropped++
	return true
}
