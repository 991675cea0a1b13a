package fuzz

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// Check is the body of a property: given the scenario rapid drew and its result, it returns
// the failure it cares about, or nil.
type Check func(s scenario.Scenario, res *harness.RunResult) *harness.Failure

// FailsWith returns a Check that fails on the given classes of failure.
func FailsWith(classes ...harness.FailureClass) Check {
	return func(_ scenario.Scenario, res *harness.RunResult) *harness.Failure {
		for _, c := range classes {
			if res.Failure != nil && res.Failure.Class == c {
				return res.Failure
			}
		}
		return nil
	}
}

// AnyFailure is the Check that fails on every failure of a run, whatever its class: what a
// fuzz target (Target.Fuzz) usually reports.
func AnyFailure(_ scenario.Scenario, res *harness.RunResult) *harness.Failure {
	return res.Failure
}

// Property returns a rapid property over generated scenarios, each the full-size scenario
// of a campaign seed that rapid draws (see seededScenarios), that runs each against the
// target's system and fails when check says so (with SIMFUZZ_CHECK_DETERMINISM=1, also
// when a scenario that passes check gives another trace hash, event count or history on a
// second run). Hand it to rapid.Check.
//
// A failure is shrunk by structure (harness/shrink, as campaigns do, within ShrinkRuns
// runs) before it is reported, and rapid's own shrinking is skipped: it took half a minute
// for a larger result than the structural shrinker's second. Once a scenario has failed,
// rapid's shrink time (-rapid.shrinktime) is held at zero until rapid is past its shrink
// step; if the user set that time, every other scenario rapid tries meanwhile passes
// without running. So rapid keeps, and its fail file replays, the scenario that failed,
// from which the structural shrink is deterministic. The log holds the report of
// the shrunk scenario, in plain lines (go test repro lines naming the test's package and
// test, the minimal scenario one operation or fault per line, the path of the HTML view);
// with SIMFUZZ_SAVE=1 the shrunk scenario is saved into the target's RegressionsDir.
func (tg Target) Property(testName string, o generators.Options, check Check) func(*rapid.T) {
	return tg.property(testName, o, check, true)
}

// ShrinkRuns is how many runs the structural shrinker may spend on one failure of a
// property or a fuzz target, as a campaign's default --shrink-runs.
const ShrinkRuns = 400

// property is the body of Property (keep true: rapid's shrinking is replaced) and of Fuzz
// (keep false: every input is judged on its own).
func (tg Target) property(testName string, o generators.Options, check Check,
	keep bool) func(*rapid.T) {
	gen := drawnScenarios(o)
	if keep {
		gen = seededScenarios(tg, o)
	}
	twice, envErr := checkDeterminismEnv()
	p := &prop{tg: tg, testName: testName, check: check, twice: twice, keep: keep,
		found: map[string]*finding{}}
	return func(t *rapid.T) {
		if envErr != nil {
			t.Fatalf("%v", envErr)
		}
		batch := gen.Draw(t, "scenario").batch
		for i := range batch {
			batch[i].Target = tg.Name
		}
		if fd := p.judge(t, batch); fd != nil {
			fd.fail(t)
		}
	}
}

// drawn is what one check of a property draws: a batch of scenarios, one unless the
// target's PropertySeeds asks for more. rapid logs each value a property draws, as a Go
// literal (%#v), before the property's own output; a whole scenario is kilobytes of
// pointers and field names, so its GoString is one line and the report comes first.
type drawn struct{ batch []scenario.Scenario }

// GoString summarises the drawn scenarios for rapid's log.
func (d drawn) GoString() string {
	if len(d.batch) != 1 {
		return fmt.Sprintf("%s, campaign seeds %d and on (the report shows a failing one "+
			"in full)", count(len(d.batch), "scenario"), d.batch[0].Seed)
	}
	s := d.batch[0]
	ops, faults := s.Size()
	return fmt.Sprintf("a scenario of %s, %s, %s and %s, seed %d (the report shows it "+
		"in full)", count(len(s.Cluster.Nodes), "node"), count(len(s.Clients), "client"),
		count(ops, "operation"), count(faults, "fault"), s.Seed)
}

// count renders n things: "1 node", "3 nodes".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// drawnScenarios draws whole scenarios within o, wrapped for rapid's log. It reads the
// same choices as generators.Scenario(o), so fail files and fuzz inputs keep their
// scenarios.
func drawnScenarios(o generators.Options) *rapid.Generator[drawn] {
	gen := generators.Scenario(o)
	return rapid.Custom(func(t *rapid.T) drawn {
		return drawn{[]scenario.Scenario{gen.Draw(t, "scenario")}}
	})
}

// seededScenarios draws what a campaign runs: the full-size scenario of a campaign seed
// (ScenarioForSeed). rapid starts with small, quiet draws and grows them, so a property over
// drawnScenarios spends its first hundreds of checks on scenarios that find little; a
// campaign seed is full-size from the first check. Shrinking loses nothing, since a
// property shrinks by structure, not through rapid. The seed mixes three draws: rapid
// repeats small values of one draw often (a third of 2,000 draws of one uint64 repeat
// another), rarely of three. rapid's fail file keeps the draws, so it replays the seed.
//
// A target with PropertySeeds n > 1 gets the scenarios of n consecutive campaign seeds,
// from the drawn one on (wrapping past the largest): what a campaign would run from there.
func seededScenarios(tg Target, o generators.Options) *rapid.Generator[drawn] {
	n := tg.propertySeeds()
	return rapid.Custom(func(t *rapid.T) drawn {
		var seed uint64
		for _, label := range []string{"seed-a", "seed-b", "seed-c"} {
			seed = (seed ^ rapid.Uint64().Draw(t, label)) * 0x9e3779b97f4a7c15
		}
		batch := make([]scenario.Scenario, n)
		for i := range batch {
			batch[i] = tg.ScenarioForSeed(seed+uint64(i), o)
		}
		return drawn{batch}
	})
}

// checkDeterminismEnv reads SIMFUZZ_CHECK_DETERMINISM (1: run every scenario twice).
func checkDeterminismEnv() (bool, error) {
	v := os.Getenv(EnvCheckDeterminism)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want 1 or 0", EnvCheckDeterminism, v)
	}
	return b, nil
}

// prop is the state of one property: what it checks, and the failures found so far.
type prop struct {
	tg       Target
	testName string
	check    Check
	twice    bool
	keep     bool
	mu       sync.Mutex
	found    map[string]*finding // by test name, when keep
}
