package fuzz

import (
	"errors"
	"fmt"
	"slices"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/model"
)

// Target is one system under test, described once so that every tool takes it: the
// properties, the fuzz targets, the regression replay and the simfuzz command (run, replay,
// shrink, bench). A user's repository gets the whole tool chain by handing its own Target to
// the same entry points (see package fuzz/cli for the command line).
type Target struct {
	// Name identifies the target on the command line and in scenario files. Scenarios
	// generated for a target carry its name; replaying one against another is refused.
	Name string
	// Doc is a one-line description for the command's listing of targets.
	Doc string
	// New builds a fresh system for one run with a scenario's knobs applied. It must refuse
	// a knob it does not know, naming it. Every run gets its own system: a system keeps the
	// ghost state of its invariant checks.
	New func(knobs map[string]int64) (nodeapi.System, error)
	// Knobs are the settings generators vary; each knob's first value is its default.
	Knobs []generators.Knob
	// Events are the protocol events the system reports through nodeapi.Reporter, which
	// generated triggers may wait for (nodeapi.EventLeaderElected needs none).
	Events []string
	// Workload is the vocabulary of the system's operations and the model that judges its
	// histories; nil means the key-value workload (model.KV).
	Workload *model.Workload
	// Clients draws the clients' operations in the workload's vocabulary; nil draws
	// key-value clients (generators.KVClients).
	Clients generators.ClientsGen
	// Tune adjusts the generator options for this target, for example to leave out fault
	// kinds the system does not support (membership changes without nodeapi.Admin).
	Tune func(o *generators.Options)
	// MessageKinds are the kinds of message the system labels, the MessageKinds of its
	// nodeapi.MessageLabeler: hold and replay faults may aim at one of them. Leave it
	// empty for a system that labels nothing; those faults then aim at links and fractions
	// of messages. A kind the system does not label makes Run refuse the scenario.
	MessageKinds []string
}

// DefaultTargetName is the target a scenario file without a target field belongs to.
const DefaultTargetName = "raft-kv"

// Validate reports what makes a target unusable, naming the missing piece.
func (tg Target) Validate() error {
	switch {
	case tg.Name == "":
		return errors.New("target: no name")
	case tg.New == nil:
		return fmt.Errorf("target %s: New is nil", tg.Name)
	}
	if err := tg.workload().Validate(); err != nil {
		return fmt.Errorf("target %s: %w", tg.Name, err)
	}
	return tg.Options().Validate()
}

func (tg Target) workload() *model.Workload {
	if tg.Workload == nil {
		return model.KV
	}
	return tg.Workload
}

// Options are the generator options for the target: the defaults, its knobs, its clients,
// the message kinds its system labels, then its Tune.
func (tg Target) Options() generators.Options {
	o := generators.Default()
	o.Knobs = tg.Knobs
	o.Events = tg.Events
	o.Clients = tg.Clients
	o.MessageKinds = slices.Clone(tg.MessageKinds)
	if tg.Tune != nil {
		tg.Tune(&o)
	}
	return o
}

// Accepts reports why scenario s cannot run against this target: it was made for another.
func (tg Target) Accepts(s scenario.Scenario) error {
	name := s.Target
	if name == "" {
		name = DefaultTargetName
	}
	if name != tg.Name {
		return fmt.Errorf("scenario is for target %q, not %q (choose it with --target %s)",
			name, tg.Name, name)
	}
	return nil
}

// Run runs s against a fresh instance of the target's system.
func (tg Target) Run(s scenario.Scenario, opts harness.RunOptions) (*harness.RunResult, error) {
	if err := tg.Accepts(s); err != nil {
		return nil, err
	}
	sys, err := tg.New(s.System)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	opts.Workload = tg.workload()
	return harness.Run(s, sys, opts)
}

// Load reads a scenario file and checks that it belongs to this target and that its
// operations are the target's workload's; errors carry the path.
func (tg Target) Load(path string) (scenario.Scenario, error) {
	s, err := scenario.ReadScenarioFile(path)
	if err != nil {
		return scenario.Scenario{}, err
	}
	if err = tg.Accepts(s); err == nil {
		err = s.ValidateFor(tg.workload())
	}
	if err != nil {
		return scenario.Scenario{}, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ScenarioForSeed is the scenario a campaign runs for seed: a rapid draw from the target's
// generator, deterministic in seed.
func (tg Target) ScenarioForSeed(seed uint64, o generators.Options) scenario.Scenario {
	s := generators.Scenario(o).Example(int(seed))
	s.Seed = seed // one number names the run: the campaign seed is the world's seed too
	s.Target = tg.Name
	s.Note = fmt.Sprintf("campaign seed %d; %s", seed, s.Note)
	return s
}

// KeyValue reports whether the target speaks the key-value workload, so that key-value
// scenarios (the standard benchmark scenario, key-value regressions) apply to it.
func (tg Target) KeyValue() bool { return tg.workload() == model.KV }
