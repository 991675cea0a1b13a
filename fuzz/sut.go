package fuzz

import (
	"fmt"
	"slices"
	"time"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/raft"
)

// NewSystem returns a fresh built-in Raft KV with the standard configuration (DESIGN.md's
// benchmark settings: 100 ms heartbeat, ~1 s election timeout, PreVote and CheckQuorum).
// Every run needs its own: a System keeps the ghost state of its invariant checks.
func NewSystem() (harness.System, error) {
	return NewSystemFor(nil)
}

// knobSetter is one knob and how it changes the config.
type knobSetter struct {
	knob generators.Knob
	set  func(c *raft.Config, v int64)
}

// knobs maps each scenario knob of the built-in Raft KV to the config field it sets. The
// values generators draw from start with the default.
var knobs = []knobSetter{
	{generators.Knob{Name: "max_entries_per_append", Values: []int64{64, 1, 2}},
		func(c *raft.Config, v int64) { c.MaxEntriesPerAppend = int(v) }},
	{generators.Knob{Name: "max_inflight_appends", Values: []int64{32, 1}},
		func(c *raft.Config, v int64) { c.MaxInflightAppends = int(v) }},
	{generators.Knob{Name: "snapshot_threshold", Values: []int64{1000, 4, 16}},
		func(c *raft.Config, v int64) { c.SnapshotThreshold = uint64(v) }},
	{generators.Knob{Name: "heartbeat_ms", Values: []int64{100, 30, 250}},
		func(c *raft.Config, v int64) { c.HeartbeatInterval = time.Duration(v) * time.Millisecond }},
}

// Knobs lists the built-in system's knobs for generators.Options.
func Knobs() []generators.Knob {
	out := make([]generators.Knob, len(knobs))
	for i, k := range knobs {
		out[i] = k.knob
	}
	return out
}

// NewSystemFor builds the built-in Raft KV with a scenario's knobs applied; an unknown knob
// or a value the config refuses is an error naming it.
func NewSystemFor(settings map[string]int64) (harness.System, error) {
	cfg := raft.DefaultConfig()
	names := make([]string, 0, len(settings))
	for name := range settings {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		i := slices.IndexFunc(knobs, func(k knobSetter) bool { return k.knob.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("scenario: system knob %q is unknown to the built-in Raft "+
				"KV (known: %v)", name, knobNames())
		}
		knobs[i].set(&cfg, settings[name])
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("scenario: system knobs %v: %w", settings, err)
	}
	return raft.NewSystem(cfg)
}

func knobNames() []string {
	names := make([]string, len(knobs))
	for i, k := range knobs {
		names[i] = k.knob.Name
	}
	return names
}

// Options are the generator options for the built-in system: the defaults plus its knobs.
func Options() generators.Options {
	o := generators.Default()
	o.Knobs = Knobs()
	return o
}
