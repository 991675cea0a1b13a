package cli

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// TuneGC sets the command's target, and leaves the collector alone when GOGC chooses.
func TestTuneGC(t *testing.T) {
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	prevLimit := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prevLimit)
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GOGC" {
				return v
			}
			return ""
		}
	}
	require.Equal(t, CommandGCPercent, TuneGC(env("")))
	require.Equal(t, CommandGCPercent, debug.SetGCPercent(100))
	require.Equal(t, 50, TuneGC(env("50")))
	require.Equal(t, 100, debug.SetGCPercent(100), "GOGC wins: the target is untouched")
	require.Equal(t, -1, TuneGC(env("off")))
	require.Equal(t, 100, debug.SetGCPercent(100))
	require.Equal(t, int64(CommandMemoryLimit), debug.SetMemoryLimit(-1))

	debug.SetMemoryLimit(1 << 40)
	TuneGC(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1TiB"
		}
		return ""
	})
	require.Equal(t, int64(1<<40), debug.SetMemoryLimit(-1), "GOMEMLIMIT wins")
}
