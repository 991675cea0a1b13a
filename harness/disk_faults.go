package harness

import (
	"time"

	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/sim"
)

// DiskFaults converts a scenario's disk settings into the world's: the runner gives them to
// every node's disk, and tests that build a World by hand may too.
func DiskFaults(c scenario.DiskConfig) sim.DiskFaults {
	return sim.DiskFaults{
		SyncLatencyMin: time.Duration(c.SyncLatencyMin),
		SyncLatencyMax: time.Duration(c.SyncLatencyMax),
		SyncFailRate:   c.SyncFailRate, ReadCorruptRate: c.ReadCorruptRate,
		SyncFailLosesWrites: c.SyncFailLosesWrites,
	}
}
