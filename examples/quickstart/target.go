// Package quickstart plugs the primary-backup register of package register into simfuzz:
// its fuzz.Target, with a planted-bug variant. Package register imports only the node
// contract and the standard library; everything of the simulator stays here.
package quickstart

import (
	"github.com/simfuzz/simfuzz/examples/quickstart/register"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Target is the register for every simfuzz tool: the properties (Target.Properties), the
// regression replay (Target.Regressions), fuzzing (Target.Fuzz) and the command line
// (cmd/registerfuzz).
var Target = fuzz.Target{
	Name: "quickstart-register",
	Doc:  "a primary-backup key-value register with view changes (examples/quickstart)",
	New:  newSystem,
	// Every knob New accepts, the default first.
	Knobs: []generators.Knob{{Name: "heartbeat_ticks", Values: register.Knobs["heartbeat_ticks"]}},
	// Three servers; the register speaks get and put only.
	Nodes:   []int{3},
	OpKinds: []string{"get", "put"},
	// The protocol events the servers report, for triggers and guided campaigns.
	Events: register.Events(),
	// Where SIMFUZZ_SAVE=1 saves and TestRegressions replays, from the test's package
	// (the default, written out).
	RegressionsDir: "testdata/regressions",
	// How a person runs this target's command, for the replay lines of go test's reports.
	Command: "go run ./cmd/registerfuzz",
	// Builds that scenarios never record: the planted bug of the tutorial.
	Variants: map[string]func(map[string]int64) (nodeapi.System, error){
		"ack-before-backup": func(knobs map[string]int64) (nodeapi.System, error) {
			return build(knobs, func(c *register.Config) { c.AckBeforeBackup = true })
		},
	},
}

func newSystem(knobs map[string]int64) (nodeapi.System, error) { return build(knobs, nil) }

// build makes a system with the default configuration, the scenario's knobs and change.
func build(knobs map[string]int64, change func(*register.Config)) (nodeapi.System, error) {
	cfg := register.DefaultConfig()
	if change != nil {
		change(&cfg)
	}
	if err := cfg.ApplyKnobs(knobs); err != nil {
		return nil, err
	}
	return register.NewSystem(cfg)
}
