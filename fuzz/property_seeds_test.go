package fuzz_test

import (
	"flag"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// failsOnSeed is a check that fails the runs of campaign seeds that are 3 modulo 8: a bug
// that shows in one scenario of eight, wherever the batch starts.
func failsOnSeed(s scenario.Scenario, _ *harness.RunResult) *harness.Failure {
	if s.Seed%8 == 3 {
		return &harness.Failure{Class: harness.ClassInvariant, Message: "seed is 3 mod 8"}
	}
	return nil
}

// A check of a target with PropertySeeds n runs n consecutive campaign seeds: with eight,
// the first check holds a seed that is 3 modulo 8 and fails, and rapid's log says the
// batch; with one, a check runs one scenario and fails only when its seed is one of them.
func TestPropertySeedsRunsABatchPerCheck(t *testing.T) {
	t.Chdir(t.TempDir()) // rapid's fail files stay out of the package: each run draws afresh
	tg := echoTarget("echo-batch", false)
	tg.PropertySeeds = 8
	r := checkRecorded(tg.Property(t.Name(), tg.Options(), failsOnSeed))
	require.True(t, r.Failed(), "a batch of 8 consecutive seeds holds one that is 3 mod 8")
	require.Contains(t, strings.Join(r.msgs, "\n"), "seed is 3 mod 8")
	require.Contains(t, strings.Join(r.logs, "\n"), "8 scenarios, campaign seeds")

	tg.PropertySeeds = 0
	r = checkRecorded(tg.Property(t.Name(), tg.Options(), failsOnSeed))
	if r.Failed() {
		require.Contains(t, strings.Join(r.logs, "\n"), "a scenario of 1 node")
	}
	require.NotContains(t, strings.Join(r.logs, "\n"), "scenarios, campaign seeds")
}

// A batch runs on several goroutines, but its verdicts are taken in batch order: of the
// two seeds that are 3 modulo 8 in a batch of 16, the check reports the first.
func TestPropertySeedsReportTheFirstFailureOfTheBatch(t *testing.T) {
	t.Chdir(t.TempDir()) // rapid's fail files stay out of the package: each run draws afresh
	tg := echoTarget("echo-batch", false)
	tg.PropertySeeds = 16
	r := checkRecorded(tg.Property(t.Name(), tg.Options(), failsOnSeed))
	require.True(t, r.Failed())
	logs := strings.Join(r.logs, "\n")
	var first, failing uint64
	m := regexp.MustCompile(`16 scenarios, campaign seeds (\d+) and on`).FindStringSubmatch(logs)
	require.NotNil(t, m, logs)
	first, _ = strconv.ParseUint(m[1], 10, 64)
	m = regexp.MustCompile(`(?m)^seed (\d+), `).FindStringSubmatch(logs)
	require.NotNil(t, m, logs)
	failing, _ = strconv.ParseUint(m[1], 10, 64)
	require.Equal(t, uint64(3), failing%8)
	require.Less(t, failing-first, uint64(8), "batch from %d: %d is not its first failure",
		first, failing)
}

// A negative PropertySeeds, or one past MaxPropertySeeds, is refused by name.
func TestPropertySeedsIsValidated(t *testing.T) {
	tg := echoTarget("echo-batch", false)
	for _, n := range []int{-1, fuzz.MaxPropertySeeds + 1} {
		tg.PropertySeeds = n
		err := tg.Validate()
		require.Error(t, err, "PropertySeeds %d", n)
		require.Contains(t, err.Error(), "PropertySeeds")
	}
	tg.PropertySeeds = fuzz.MaxPropertySeeds
	require.NoError(t, tg.Validate())
}

// The determinism property runs one scenario per check whatever PropertySeeds says: each
// check costs two runs, not 2*PropertySeeds.
func TestDeterminismPropertyIgnoresPropertySeeds(t *testing.T) {
	checks := flag.Lookup("rapid.checks")
	require.NotNil(t, checks)
	saved := checks.Value.String()
	require.NoError(t, checks.Value.Set("10"))
	defer func() { _ = checks.Value.Set(saved) }()

	var built atomic.Int64
	tg := echoTarget("echo-batch", false)
	echo := tg.New
	tg.New = func(knobs map[string]int64) (nodeapi.System, error) {
		built.Add(1)
		return echo(knobs)
	}
	tg.PropertySeeds = 50
	tg.DeterminismProperty(t, tg.Options())
	require.LessOrEqual(t, built.Load(), int64(2*10+2), "runs of 10 determinism checks")
	require.GreaterOrEqual(t, built.Load(), int64(2*10))
}
