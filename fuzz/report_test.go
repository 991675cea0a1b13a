package fuzz_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/simfuzz/simfuzz/fuzz"
	"github.com/simfuzz/simfuzz/generators"
	"github.com/simfuzz/simfuzz/harness"
	"github.com/simfuzz/simfuzz/harness/nodeapi"
	"github.com/simfuzz/simfuzz/harness/scenario"
)

// bumpTarget fails linearizability whenever a scenario holds a "bump" (the echo client
// answers it with OK false): its minimal failure is one bump and no fault. It counts the
// systems it builds, one per run.
func bumpTarget(runs *atomic.Int64) fuzz.Target {
	tg := echoTarget("echo-bump", false)
	tg.Workload, tg.Clients = bumpWorkload, bumpClients
	tg.New = func(map[string]int64) (nodeapi.System, error) {
		runs.Add(1)
		return &echoSystem{}, nil
	}
	tg.Tune = func(o *generators.Options) {
		o.Nodes, o.MaxClients = []int{1}, 3
		o.Kinds = []scenario.FaultKind{scenario.FaultPause, scenario.FaultClog}
	}
	return tg
}

// userModule makes a module with a package directory "store" and moves the test there, as
// go test runs a user's test in the user's package directory; it returns the module root.
func userModule(t *testing.T) string {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"),
		[]byte("module example.com/user\n"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(root, "store"), 0o755))
	t.Chdir(filepath.Join(root, "store"))
	return root
}

// After a property's first failure rapid's own shrinking runs nothing: the only runs are
// the checks up to the failure and the structural shrink (and one rerun of its result).
// The log shows the shrunk scenario, and SIMFUZZ_SAVE=1 saves it into the target's
// regressions directory beside the user's test, which it creates.
func TestPropertyShrinksByStructureOnly(t *testing.T) {
	root := userModule(t)
	t.Setenv(fuzz.EnvSave, "1")
	var runs, calls atomic.Int64
	tg := bumpTarget(&runs)
	shrinkTime := flag.Lookup("rapid.shrinktime").Value.String()
	prop := tg.Property("TestPropertyBump", tg.Options(),
		fuzz.FailsWith(harness.ClassLinearizability))
	r := checkRecorded(func(t *rapid.T) { calls.Add(1); prop(t) })
	require.True(t, r.Failed())
	all := strings.Join(r.msgs, "\n")
	checks := atoiMatch(t, `\[rapid\] failed after (\d+) tests`, all)
	log := strings.Join(r.logs, "\n")
	shrinkRuns := atoiMatch(t, `shrunk by structure in (\d+) runs`, log)
	require.LessOrEqual(t, runs.Load(), int64(checks+1+shrinkRuns+1),
		"rapid ran scenarios after the failure:\n%s", log)
	// The failing call, rapid's reproduction, its fail file's capture and its report: rapid
	// tried no shrink candidate, and its shrink time is as it was.
	require.Equal(t, int64(checks+4), calls.Load())
	require.Equal(t, shrinkTime, flag.Lookup("rapid.shrinktime").Value.String())

	saved, err := filepath.Glob(filepath.Join(root, "store", "testdata", "regressions",
		"TestPropertyBump-*.json"))
	require.NoError(t, err)
	require.Len(t, saved, 1, log)
	s, err := tg.Load(saved[0])
	require.NoError(t, err)
	ops, faults := s.Size()
	require.Equal(t, 1, ops, "the saved scenario is the structural shrink's")
	require.Zero(t, faults)
	require.Contains(t, log, "scenario: store/testdata/regressions/TestPropertyBump-")

	// A rerun replays rapid's fail file and finds the same file saved: it is not saved twice.
	r = checkRecorded(tg.Property("TestPropertyBump", tg.Options(),
		fuzz.FailsWith(harness.ClassLinearizability)))
	require.True(t, r.Failed())
	again, _ := filepath.Glob(filepath.Join(root, "store", "testdata", "regressions", "*"))
	require.Equal(t, saved, again)
}

func atoiMatch(t *testing.T, pattern, text string) int {
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	require.NotNil(t, m, "no %q in:\n%s", pattern, text)
	n := 0
	for _, c := range m[1] {
		n = n*10 + int(c-'0')
	}
	return n
}

// A property used by a second rapid.Check (go test -count=2 with the property in a package
// variable) judges that check's scenarios afresh: the first check's finding does not make
// them pass unrun.
func TestPropertyReusedFindsAgain(t *testing.T) {
	userModule(t)
	var runs atomic.Int64
	tg := bumpTarget(&runs)
	prop := tg.Property("TestPropertyBump", tg.Options(),
		fuzz.FailsWith(harness.ClassLinearizability))
	require.True(t, checkRecorded(prop).Failed())
	require.NoError(t, os.RemoveAll("testdata/rapid"), "no fail file replays the first")
	r := checkRecorded(prop)
	require.True(t, r.Failed(), "the second check passed:\n%s", strings.Join(r.msgs, "\n"))
}
