package counter

import (
	"fmt"

	"github.com/simfuzz/simfuzz/examples/counter/counterd"
	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
)

// Target is the counter for every simfuzz tool. Two servers: the first serves, the second
// redirects (a single server cannot survive the persistent cut a stability window may hold
// with three or more, so the generators are given two).
var Target = fuzz.Target{
	Name:     "counter",
	Doc:      "a single durable counter, a workload without keys (examples/counter)",
	New:      newSystem,
	Workload: Workload,
	Clients:  generators.MixClients(Mix),
	Nodes:    []int{2},
	Variants: map[string]func(map[string]int64) (nodeapi.System, error){
		"no-sessions": func(knobs map[string]int64) (nodeapi.System, error) {
			return build(knobs, counterd.Config{NoSessions: true})
		},
	},
}

func newSystem(knobs map[string]int64) (nodeapi.System, error) {
	return build(knobs, counterd.Config{})
}

func build(knobs map[string]int64, cfg counterd.Config) (nodeapi.System, error) {
	if len(knobs) > 0 {
		return nil, fmt.Errorf("counter: no knobs, got %v", knobs)
	}
	return counterd.NewSystem(cfg), nil
}
