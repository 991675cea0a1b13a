package generators_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness/scenario"
	"github.com/simfuzz/simfuzz/harness/shrink"
)

// Every client behaviour is drawn, within the endpoints of MaxClients, and every route
// target kind appears.
func TestClientBehavioursAreDrawn(t *testing.T) {
	o := generators.Default()
	gen := generators.Scenario(o)
	seen := map[string]int{}
	for seed := range 300 {
		s := gen.Example(seed)
		require.LessOrEqual(t, len(scenario.ClientEndpoints(s)), o.MaxClients, "seed %d", seed)
		for _, c := range s.Clients {
			if c.Sticky {
				seen["sticky"]++
			}
			if c.OpenLoop > 0 {
				seen["open-loop"]++
				require.GreaterOrEqual(t, c.OpenLoop, 2)
			}
			for _, op := range c.Ops {
				if time.Duration(op.Think) >= shrink.QuietGap {
					seen["quiet-gap"]++
					require.LessOrEqual(t, time.Duration(op.Think), 10*time.Second)
				}
				switch op.To {
				case "":
				case scenario.LeaderTarget, scenario.PreviousLeaderTarget:
					seen[string(op.To)]++
				default:
					require.Contains(t, s.Cluster.Nodes, op.To)
					seen["named server"]++
				}
			}
		}
	}
	t.Logf("behaviours in 300 scenarios: %v", seen)
	for _, k := range []string{"sticky", "open-loop", "quiet-gap", "@leader",
		"@previous-leader", "named server"} {
		require.Positive(t, seen[k], "%s never drawn in 300 scenarios", k)
	}
}

// Without behaviours every client is plain and thinks briefly, as before they existed.
func TestNoBehavioursDrawsPlainClients(t *testing.T) {
	o := generators.Default()
	o.Behaviours = nil
	gen := generators.Scenario(o)
	for seed := range 100 {
		for _, c := range gen.Example(seed).Clients {
			require.True(t, c.Plain(), "seed %d client %s", seed, c.ID)
			for _, op := range c.Ops {
				require.Less(t, time.Duration(op.Think), shrink.QuietGap)
			}
		}
	}
}

// failureTB is a rapid.TB that records the failure rapid reports instead of failing.
type failureTB struct {
	*testing.T
	failed bool
}

func (f *failureTB) Fatalf(format string, args ...any) { f.failed = true }
func (f *failureTB) Fatal(args ...any)                 { f.failed = true }
func (f *failureTB) Errorf(format string, args ...any) { f.failed = true }
func (f *failureTB) Error(args ...any)                 { f.failed = true }
func (f *failureTB) FailNow()                          { f.failed = true }
func (f *failureTB) Fail()                             { f.failed = true }
func (f *failureTB) Failed() bool                      { return f.failed }

// behaviourCount counts the departures from a plain closed-loop client in s.
func behaviourCount(s scenario.Scenario) int {
	n := 0
	for _, c := range s.Clients {
		if c.Sticky {
			n++
		}
		if c.OpenLoop > 0 {
			n++
		}
		for _, op := range c.Ops {
			if op.To != "" {
				n++
			}
			if time.Duration(op.Think) >= shrink.QuietGap {
				n++
			}
		}
	}
	return n
}

// A failure that needs any client behaviour shrinks, with rapid, to a single behaviour and
// no fault: every draw heads to the plain closed loop (rapid seeds 1 to 12,000, all of
// them). rapid cannot always delete the plain clients or operations ahead of the one that
// keeps the behaviour (116 of seeds 1 to 10,000): the behaviour draws follow all the
// scripts, so deleting a script leaves its draws to the next one. That layout stays, since
// saved fuzz inputs and fail files replay through it; the structural shrink, which
// properties and campaigns report, removes the rest (seeds 1 to 12,000, all of them).
func TestBehavioursShrinkToTheSimplestForm(t *testing.T) {
	t.Chdir(t.TempDir()) // rapid's fail files stay out of the package: each run draws afresh
	gen := generators.Scenario(generators.Default())
	var last scenario.Scenario
	tb := &failureTB{T: t}
	rapid.Check(tb, func(rt *rapid.T) {
		s := gen.Draw(rt, "scenario")
		if needsBehaviour(s) {
			last = s
			rt.Fatalf("a client behaviour")
		}
	})
	require.True(t, tb.failed, "no scenario with a client behaviour was drawn")
	require.Equal(t, 1, behaviourCount(last), "shrunk clients: %+v", last.Clients)
	require.Empty(t, last.Faults)
	requireSimplestForm(t, last)
}

// The shape rapid left in the case above on one check seed: a plain client ahead of an
// open-loop one. The structural shrink takes it to the open-loop client alone.
func TestPlainClientAheadShrinksByStructure(t *testing.T) {
	s := generators.Standard(3, 1)
	get := []scenario.ClientOp{{Kind: "get", Key: "k0"}}
	s.Clients = []scenario.ClientScript{{ID: "c1", Ops: get}, {ID: "c2", OpenLoop: 2, Ops: get}}
	s.Faults = nil
	require.NoError(t, s.Validate())
	requireSimplestForm(t, s)
}

// needsBehaviour is the failure of the two tests above: a client behaviour and an operation.
func needsBehaviour(s scenario.Scenario) bool {
	ops, _ := s.Size()
	return behaviourCount(s) > 0 && ops > 0
}

// requireSimplestForm shrinks s by structure under needsBehaviour and requires one client
// with one operation and one behaviour.
func requireSimplestForm(t *testing.T, s scenario.Scenario) {
	t.Helper()
	s, _ = shrink.Shrink(s, needsBehaviour, 400)
	require.Len(t, s.Clients, 1)
	require.Len(t, s.Clients[0].Ops, 1)
	require.Equal(t, 1, behaviourCount(s), "shrunk clients: %+v", s.Clients)
	require.Empty(t, s.Faults)
}

// Once swarm testing turned a behaviour on, each of its draws still shrinks to the plain
// form: a failure that needs only the coin shrinks to clients that do not use it.
func TestBehaviourDrawsShrinkToPlainClients(t *testing.T) {
	for _, b := range generators.ClientBehaviours() {
		t.Run(string(b), func(t *testing.T) {
			o := generators.Default()
			o.Behaviours = []generators.ClientBehaviour{b}
			gen := generators.Scenario(o)
			t.Chdir(t.TempDir()) // no fail file: each run draws afresh
			var last scenario.Scenario
			tb := &failureTB{T: t}
			rapid.Check(tb, func(rt *rapid.T) {
				s := gen.Draw(rt, "scenario")
				if strings.HasSuffix(s.Note, "clients: "+string(b)) {
					last = s
					rt.Fatalf("behaviour on")
				}
			})
			require.True(t, tb.failed, "%s was never turned on", b)
			require.Zero(t, behaviourCount(last), "shrunk clients: %+v", last.Clients)
		})
	}
}

// The smallest draws give plain clients.
func TestSmallestDrawHasPlainClients(t *testing.T) {
	var s scenario.Scenario
	rapid.MakeFuzz(func(rt *rapid.T) {
		s = generators.Scenario(generators.Default()).Draw(rt, "scenario")
	})(t, make([]byte, 1<<14))
	require.NotEmpty(t, s.Clients)
	require.Zero(t, behaviourCount(s))
}

func TestUnknownBehaviourIsRefused(t *testing.T) {
	o := generators.Default()
	o.Behaviours = append(o.Behaviours, "telepathy")
	require.ErrorContains(t, o.Validate(), `unknown client behaviour "telepathy"`)
}
