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
//
// What generators draw follows from the target: its cluster sizes (Nodes), its knobs, the
// operation kinds its system speaks (OpKinds), its events and message kinds, and whether its
// client implements nodeapi.Admin (membership changes are drawn only then; see Options).
type Target struct {
	// Name identifies the target on the command line and in scenario files. Scenarios
	// generated for a target carry its name; replaying one against another is refused.
	Name string
	// Doc is a one-line description for the command's listing of targets.
	Doc string
	// New builds a fresh system for one run with a scenario's knobs applied. Every run gets
	// its own system: a system keeps the ghost state of its invariant checks. The library
	// refuses a knob that Knobs does not list before New sees it (NewSystem), so New need
	// not check names; it should still refuse a value its configuration cannot take.
	New func(knobs map[string]int64) (nodeapi.System, error)
	// Knobs are the settings generators vary; each knob's first value is its default. List
	// every knob New accepts: a knob with one value is never varied but may be set in a
	// scenario file (a debugging switch, say).
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
	// OpKinds are the operation kinds of the workload the system speaks, when it speaks
	// only some (a store with get and put only: []string{"get", "put"}); empty means every
	// kind. Generators draw only these (generators.Options.OpKinds; a Clients of a target's
	// own must honour it), and Run and Load refuse a scenario with another kind, naming it.
	OpKinds []string
	// Nodes are the cluster sizes generators draw, the simplest first ([]int{3}: three
	// nodes only); empty means the defaults, 3, 5, 1 or 4 nodes.
	Nodes []int
	// Tune adjusts the generator options for this target after the fields above are
	// applied, for whatever they do not say (fewer clients, a shorter safety phase).
	Tune func(o *generators.Options)
	// MessageKinds are the kinds of message the system labels, the MessageKinds of its
	// nodeapi.MessageLabeler: hold and replay faults may aim at one of them. Leave it
	// empty for a system that labels nothing; those faults then aim at links and fractions
	// of messages. A kind the system does not label makes Run refuse the scenario.
	MessageKinds []string
	// RegressionsDir is where SIMFUZZ_SAVE=1 saves the shrunk failures of the target's
	// properties and fuzz targets (creating it), and what Regressions(t, "") replays. A
	// relative path is taken from the directory of the test's package, go test's working
	// directory; empty means "testdata/regressions" beside the test.
	RegressionsDir string
	// Command, if set, is how a person runs this target's simfuzz command (a main that
	// calls cli.Main with it, say "go run ./cmd/storefuzz"): go test's failure reports
	// then also name "<Command> replay FILE". Empty: they name go test commands only.
	Command string
	// Variants are other builds of the system, selected with With: a bug flag, a mutant, a
	// debugging build. A variant takes the place of New for every run, and nothing of it is
	// recorded in a scenario: a scenario found on a variant replays on the plain build.
	Variants map[string]func(knobs map[string]int64) (nodeapi.System, error)
	// Variant is the variant this Target runs, set by With; empty runs New.
	Variant string

	// PropertySeeds is how many campaign seeds one check of a property runs (Property): the
	// seed rapid draws and the ones after it, run on every core and judged in seed order,
	// the first failure failing the check, and rapid's fail file replaying the whole
	// batch. 0 or 1: one. A system whose bugs show in a few seeds per 1,000, and whose
	// seeds cost milliseconds, raises it so that rapid's default 100 checks run as many
	// scenarios as a short campaign. The determinism property and fuzz targets judge one
	// scenario per check or input whatever it says.
	PropertySeeds int

	// BuggifySites are the buggify sites of the system's code (nodeapi.Buggify), each
	// name once: generators activate some of them per scenario, guided campaigns turn
	// them on and off, the shrinker removes those a failure does not need, and a
	// scenario naming a site not listed here is refused. Empty: the system has none.
	BuggifySites []string
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
	case tg.PropertySeeds < 0 || tg.PropertySeeds > MaxPropertySeeds:
		return fmt.Errorf("target %s: PropertySeeds %d is outside [0, %d]", tg.Name,
			tg.PropertySeeds, MaxPropertySeeds)
	}
	if err := tg.workload().Validate(); err != nil {
		return fmt.Errorf("target %s: %w", tg.Name, err)
	}
	if err := tg.validateVariant(); err != nil {
		return err
	}
	if err := tg.validateOpKinds(); err != nil {
		return err
	}
	return tg.Options().Validate()
}

// MaxPropertySeeds bounds Target.PropertySeeds: a check of a property is one rapid test
// case, and a batch larger than this is a campaign (simfuzz run) rather than a check.
const MaxPropertySeeds = 1000

// propertySeeds is how many campaign seeds one check of a property runs, at least one.
func (tg Target) propertySeeds() int { return max(1, tg.PropertySeeds) }

func (tg Target) workload() *model.Workload {
	if tg.Workload == nil {
		return model.KV
	}
	return tg.Workload
}

// Options are the generator options for the target: the defaults (generators.Default),
// then its knobs, events, clients, operation kinds, cluster sizes and message kinds, then
// its Tune. Last, if membership changes may still be drawn, it finds out whether the
// system's client implements nodeapi.Admin: it builds the system with the default knobs
// and one client in a throwaway simulated world, and turns Membership off when the client
// does not (or cannot be built), so that a system without Admin is never handed a
// membership change.
func (tg Target) Options() generators.Options {
	o := generators.Default()
	o.Knobs = tg.Knobs
	o.Events = tg.Events
	o.Clients = tg.Clients
	o.OpKinds = slices.Clone(tg.OpKinds)
	if len(tg.Nodes) > 0 {
		o.Nodes = slices.Clone(tg.Nodes)
	}
	o.MessageKinds = slices.Clone(tg.MessageKinds)
	o.BuggifySites = slices.Clone(tg.BuggifySites)
	if tg.Tune != nil {
		tg.Tune(&o)
	}
	if o.Membership && drawsMembership(o) {
		o.Membership = tg.hasAdmin()
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
	if err := tg.checkOps(s); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if err := s.CheckBuggifySites(tg.BuggifySites); err != nil {
		return nil, err
	}
	sys, err := tg.NewSystem(s.System)
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
	if err == nil {
		err = tg.checkOps(s)
	}
	if err == nil {
		err = tg.CheckKnobs(s.System)
	}
	if err == nil {
		err = s.CheckBuggifySites(tg.BuggifySites)
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

// KeyValue reports whether the target speaks the whole key-value workload, so that
// key-value scenarios (the standard benchmark scenario, key-value regressions) apply to it:
// a target whose OpKinds leave out a key-value kind does not.
func (tg Target) KeyValue() bool {
	if tg.workload() != model.KV {
		return false
	}
	for _, k := range generators.KVKinds() {
		if len(tg.OpKinds) > 0 && !slices.Contains(tg.OpKinds, k) {
			return false
		}
	}
	return true
}
