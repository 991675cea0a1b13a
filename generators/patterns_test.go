package generators_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// The Figure 8 pattern traps new leaders and storms the leader until the quiet phase, and
// cuts a node off the moment it reports one of the target's events (or is elected): every
// event of the target is armed in some draw, no other event ever is, and each cut is an
// isolation of the reporting node at once, undone within 1.5 s.
func TestFigure8PatternCutsOffOnTheTargetsEvents(t *testing.T) {
	o := generators.Default()
	o.Kinds = []scenario.FaultKind{generators.PatternFigure8}
	o.Events = []string{"alpha", "beta"}
	gen := generators.Scenario(o)
	events := append([]string{nodeapi.EventLeaderElected}, o.Events...)
	seen := map[string]int{}
	for seed := range 300 {
		s := gen.Example(seed)
		require.NoError(t, s.Validate())
		for _, f := range s.Faults {
			seen[string(f.Kind)]++
			switch f.Kind {
			case scenario.FaultLeaderTrap, scenario.FaultCrashStorm:
				end := max(s.Safety, f.At+scenario.Duration(time.Second))
				require.Equal(t, end, f.At+f.For, "%v lasts until the quiet phase", f)
			case scenario.FaultTrigger:
				require.True(t, slices.Contains(events, f.On), "trigger on %q", f.On)
				seen["on "+f.On]++
				require.GreaterOrEqual(t, f.Count, 1)
				require.LessOrEqual(t, f.Count, 4)
				act := *f.Then
				require.Equal(t, scenario.FaultIsolate, act.Kind)
				require.Equal(t, scenario.SelfTarget, act.Node)
				require.Zero(t, act.At, "a cut strikes at once")
				require.GreaterOrEqual(t, act.For, scenario.Duration(100*time.Millisecond))
				require.LessOrEqual(t, act.For, scenario.Duration(1500*time.Millisecond))
			default:
				t.Fatalf("the Figure 8 pattern drew %v", f)
			}
		}
	}
	for _, k := range []string{"leader-trap", "crash-storm", "trigger", "on leader-elected",
		"on alpha", "on beta"} {
		require.Positive(t, seen[k], "never drew %s in 300 scenarios: %v", k, seen)
	}
}
