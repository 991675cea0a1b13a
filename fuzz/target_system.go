package fuzz

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// With returns the target running variant, one of its Variants: the same name, knobs and
// generators, so the scenarios of one replay on the other, and nothing of the variant in
// any scenario it saves. With("") is the plain build. An unknown variant is refused by
// Validate and by every run, naming the known ones.
//
//	func TestBug17IsFound(t *testing.T) { mytarget.Target.With("bug-17").Properties(t) }
func (tg Target) With(variant string) Target {
	tg.Variant = variant
	return tg
}

// NewSystem builds a fresh system for one run: it refuses a knob the target does not list
// (CheckKnobs), then calls New, or the builder of the Variant chosen with With.
func (tg Target) NewSystem(knobs map[string]int64) (nodeapi.System, error) {
	if err := tg.CheckKnobs(knobs); err != nil {
		return nil, err
	}
	if tg.Variant == "" {
		return tg.New(knobs)
	}
	build, ok := tg.Variants[tg.Variant]
	if !ok {
		return nil, tg.validateVariant()
	}
	return build(knobs)
}

// CheckKnobs refuses a knob that Knobs does not list, naming it and the known ones: knobs
// come from scenario files, and a misspelt one must not be ignored.
func (tg Target) CheckKnobs(knobs map[string]int64) error {
	known := make([]string, len(tg.Knobs))
	for i, k := range tg.Knobs {
		known[i] = k.Name
	}
	for _, name := range slices.Sorted(maps.Keys(knobs)) {
		if slices.Contains(known, name) {
			continue
		}
		if len(known) == 0 {
			return fmt.Errorf("target %s: unknown knob %q (the target has no knobs)",
				tg.Name, name)
		}
		return fmt.Errorf("target %s: unknown knob %q (known: %s)", tg.Name, name,
			strings.Join(known, ", "))
	}
	return nil
}

// validateVariant refuses a Variant the target does not have, naming the ones it has.
func (tg Target) validateVariant() error {
	if tg.Variant == "" || tg.Variants[tg.Variant] != nil {
		return nil
	}
	names := slices.Sorted(maps.Keys(tg.Variants))
	if len(names) == 0 {
		return fmt.Errorf("target %s: unknown variant %q (the target has no variants)",
			tg.Name, tg.Variant)
	}
	return fmt.Errorf("target %s: unknown variant %q (known: %s)", tg.Name, tg.Variant,
		strings.Join(names, ", "))
}

// validateOpKinds refuses an OpKinds entry that is no kind of the target's workload.
func (tg Target) validateOpKinds() error {
	for _, k := range tg.OpKinds {
		if _, err := tg.workload().ParseKind(k); err != nil {
			return fmt.Errorf("target %s: OpKinds: %w", tg.Name, err)
		}
	}
	return nil
}

// checkOps refuses a scenario with an operation of a kind the target does not speak.
func (tg Target) checkOps(s scenario.Scenario) error {
	if len(tg.OpKinds) == 0 {
		return nil
	}
	for _, c := range s.Clients {
		for i, op := range c.Ops {
			if !slices.Contains(tg.OpKinds, op.Kind) {
				return fmt.Errorf("operation %s[%d] is %s, which target %s does not speak "+
					"(OpKinds: %s)", c.ID, i, op.Kind, tg.Name, strings.Join(tg.OpKinds, ", "))
			}
		}
	}
	return nil
}

// drawsMembership reports whether o may draw a membership change: a membership fault or
// pattern, or a trigger (whose action may be one).
func drawsMembership(o generators.Options) bool {
	for _, k := range o.Kinds {
		if k == scenario.FaultTrigger || slices.Contains(generators.MembershipKinds(), k) {
			return true
		}
	}
	return false
}

// hasAdmin reports whether the target's client implements nodeapi.Admin, which membership
// changes go through. It builds the system with the default knobs and one client in a
// throwaway world; a system or client that cannot be built (an error, a panic) has no
// usable Admin either.
func (tg Target) hasAdmin() (admin bool) {
	defer func() {
		if recover() != nil {
			admin = false
		}
	}()
	sys, err := tg.NewSystem(nil)
	if err != nil {
		return false
	}
	w, err := sim.NewWorld(sys, sim.Options{})
	if err != nil {
		return false
	}
	c, err := w.AddClient(scenario.AdminClient, []nodeapi.NodeID{"n1"})
	if err != nil {
		return false
	}
	_, admin = c.(nodeapi.Admin)
	return admin
}
