// Package lockservice plugs the replicated lock service of package lockd into simfuzz: its
// workload (operations, the model that judges histories, the liveness probe), its client
// generator and its fuzz.Target. Package lockd itself imports only the node contract and
// the standard library, so a production binary links none of this.
package lockservice

import (
	"github.com/simfuzz/simfuzz/examples/lockservice/lockd"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Target is the lock service for every simfuzz tool: properties (Target.Properties),
// campaigns, replay and shrink (fuzz/cli, see cmd/lockfuzz), regression replay.
var Target = fuzz.Target{
	Name: "lock-service",
	Doc:  "a replicated lock service with fencing tokens (examples/lockservice)",
	New:  newSystem,
	Knobs: []generators.Knob{
		{Name: "heartbeat_ticks", Values: []int64{2, 1, 4}},
		{Name: "max_entries_per_append", Values: []int64{64, 1}},
	},
	// The protocol events lockd's nodes report: generated triggers wait for them, and
	// guided campaigns keep the scenarios that reach new ones.
	Events:       lockd.Events(),
	BuggifySites: lockd.BuggifySites(),
	Workload:     Workload,
	Clients:      Clients,
	// A check of a property runs 32 campaign seeds: see PropertySeeds in README.md.
	PropertySeeds: 32,
	// The command of this target, for the replay lines of go test's reports.
	Command: "go run ./examples/lockservice/cmd/lockfuzz",
	// No Tune: the client has no nodeapi.Admin, so Options leaves membership changes out.
}

func newSystem(knobs map[string]int64) (nodeapi.System, error) {
	cfg := lockd.DefaultConfig()
	if err := cfg.ApplyKnobs(knobs); err != nil {
		return nil, err
	}
	return lockd.NewSystem(cfg)
}
