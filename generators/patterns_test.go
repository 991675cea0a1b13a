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

// The membership-churn pattern asks for a change as the leader goes (cut off at once, or
// crashed within 100 ms of the request), and arms a trigger that asks each of the next
// one to three leaders for another change the moment it is elected; its optional cut
// isolates those same leaders at once. Every branch is drawn in some scenario.
func TestMembershipChurnPatternAsksEachNewLeaderAtOnce(t *testing.T) {
	o := generators.Default()
	o.Kinds = []scenario.FaultKind{generators.PatternMembershipChurn}
	gen := generators.Scenario(o)
	seen := map[string]int{}
	for seed := range 300 {
		s := gen.Example(seed)
		require.NoError(t, s.Validate())
		if len(s.Cluster.Spares) == 0 {
			require.Empty(t, s.Faults, "the pattern needs a spare")
			continue
		}
		var gone, changes []scenario.Fault
		for _, f := range s.Faults {
			switch {
			case f.Node == scenario.LeaderTarget:
				gone = append(gone, f)
				seen[string(f.Kind)]++
			case f.Kind == scenario.FaultAddVoter || f.Kind == scenario.FaultRemoveVoter:
				changes = append(changes, f)
				seen["first "+string(f.Kind)]++
				if f.Kind == scenario.FaultAddVoter {
					require.Equal(t, s.Cluster.Spares[0], f.Node)
				}
			case f.Kind == scenario.FaultTrigger:
				require.Equal(t, nodeapi.EventLeaderElected, f.On)
				require.GreaterOrEqual(t, f.Count, 1)
				require.LessOrEqual(t, f.Count, 3)
				act := *f.Then
				require.Zero(t, act.At, "a new leader is asked at once")
				switch act.Kind {
				case scenario.FaultIsolate:
					require.Equal(t, scenario.SelfTarget, act.Node, "the cut is the leader's")
					seen["cut"]++
				case scenario.FaultRemoveVoter:
					if act.Node == scenario.SelfTarget {
						seen["remove self"]++
					} else {
						require.Contains(t, s.Cluster.Nodes, act.Node)
						seen["remove node"]++
					}
				case scenario.FaultAddVoter:
					require.Contains(t, s.Cluster.Spares, act.Node)
					seen["add spare"]++
				default:
					t.Fatalf("the trigger does %v", act)
				}
			default:
				t.Fatalf("the membership-churn pattern drew %v", f)
			}
		}
		// Each leader goes as a change is asked for: cut off at once, or crashed within
		// 100 ms.
		for _, g := range gone {
			asked := slices.ContainsFunc(changes, func(c scenario.Fault) bool {
				return c.At <= g.At && (g.At-c.At <= scenario.Duration(100*time.Millisecond) &&
					g.Kind == scenario.FaultCrash || c.At == g.At)
			})
			require.True(t, asked, "%v with no change asked: %v", g, s.Faults)
		}
	}
	for _, k := range []string{"crash", "isolate", "first add-voter", "first remove-voter",
		"cut", "remove self", "remove node", "add spare"} {
		require.Positive(t, seen[k], "never drew %s in 300 scenarios: %v", k, seen)
	}
}
