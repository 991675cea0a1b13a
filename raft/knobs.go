package raft

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
)

// knobSetters maps each scenario knob name (nodeapi.Scenario.System) to the Config field it
// sets. Knobs let a scenario run the system with settings that expose bugs (one entry per
// append, one append in flight, tiny snapshot thresholds) without a code change.
var knobSetters = map[string]func(c *Config, v int64){
	"max_entries_per_append": func(c *Config, v int64) { c.MaxEntriesPerAppend = int(v) },
	"max_inflight_appends":   func(c *Config, v int64) { c.MaxInflightAppends = int(v) },
	"snapshot_threshold":     func(c *Config, v int64) { c.SnapshotThreshold = uint64(v) },
	"heartbeat_ms": func(c *Config, v int64) {
		c.HeartbeatInterval = time.Duration(v) * time.Millisecond
	},
}

// KnobNames lists the knobs ApplyKnobs understands, sorted.
func KnobNames() []string {
	names := make([]string, 0, len(knobSetters))
	for name := range knobSetters {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ApplyKnobs sets the fields named by knobs and validates the result. An unknown name or a
// value the config refuses is an error naming it.
func (c *Config) ApplyKnobs(knobs map[string]int64) error {
	names := make([]string, 0, len(knobs))
	for name := range knobs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		set, ok := knobSetters[name]
		if !ok {
			return errors.New("system knob " + strconv.Quote(name) +
				" is unknown to the built-in Raft KV (known: [" +
				strings.Join(KnobNames(), " ") + "])")
		}
		set(c, knobs[name])
	}
	if err := c.Validate(); err != nil {
		return wrap("system knobs "+knobMap(names, knobs), err)
	}
	return nil
}

// knobMap renders knobs as %v renders a map (keys sorted): "map[a:1 b:2]"; names are its
// keys, sorted.
func knobMap(names []string, knobs map[string]int64) string {
	var b strings.Builder
	b.WriteString("map[")
	for i, name := range names {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(knobs[name], 10))
	}
	b.WriteByte(']')
	return b.String()
}
