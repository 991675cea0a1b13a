package cli

import (
	"runtime/debug"
	"strconv"
)

// CommandGCPercent is the garbage collector's target that the simfuzz commands set for
// themselves. A campaign keeps little memory live (a few tens of MB: the corpus, one
// world per job) but allocates quickly, so with Go's default of 100 the collector runs
// every few milliseconds; at 400 it runs a quarter as often, which saves about a fifth of
// a campaign's CPU for some tens of MB more resident memory.
const CommandGCPercent = 400

// CommandMemoryLimit is the soft memory limit the commands set for themselves: at 400 %
// a long campaign's heap (its summary keeps a hash per seed) would grow five times what it
// keeps live, over a gigabyte at a million seeds; near the limit the collector works
// harder instead.
const CommandMemoryLimit = 768 << 20

// TuneGC sets the collector's target to CommandGCPercent unless the GOGC environment
// variable (read through getenv) chooses one, and the soft memory limit to
// CommandMemoryLimit unless GOMEMLIMIT does; it returns the target in force. A command's
// main calls it before Main; Main itself never does, so a program that embeds the command
// line keeps its own settings.
func TuneGC(getenv func(string) string) int {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(CommandMemoryLimit)
	}
	if v := getenv("GOGC"); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			return n
		}
		return -1 // "off", as the runtime reads it
	}
	debug.SetGCPercent(CommandGCPercent)
	return CommandGCPercent
}
